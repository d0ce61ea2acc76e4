# Split-K partials atomic-added into one zero-seeded FP32 buffer, as pypto-lib writes it
# (models/deepseek/v4/qkv_proj_rope.py: pl.store(..., atomic=pl.AtomicType.Add); also
# pl.assemble(..., atomic=...)): pto.store ... atomic add; the race check accepts it.
# RUN: pto-opt %s -p pto-check-races | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 128], pl.FP32], acc: pl.Out[pl.Tensor[[16, 256], pl.FP32]]):
    for t in pl.spmd(4, name_hint="split_k"):
        p = x[t * 16:t * 16 + 16, 0:128]
        pl.store(p, [0, 0], acc, atomic=pl.AtomicType.Add)
        acc = pl.assemble(acc, p, [0, 128], atomic=pl.AtomicType.AtomicAdd)

# CHECK: pto.store %p, %acc[%{{.*}}, %{{.*}}] atomic add : tensor<16x128xf32>, memref<16x256xf32>
# CHECK: pto.store %p, %acc[%{{.*}}, %{{.*}}] atomic add : tensor<16x128xf32>, memref<16x256xf32>
