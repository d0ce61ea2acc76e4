# In orchestration code pl.create_tensor is a scratch tensor in global memory
# (memref.alloc) and pl.reshape a zero-copy view (memref.collapse_shape / expand_shape).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[4, 16, 64], pl.FP32], y: pl.Out[pl.Tensor[[4, 16, 64], pl.FP32]]):
    flat = pl.reshape(x, [64, 64])
    scratch = pl.create_tensor([64, 64], dtype=pl.FP32)
    for t in pl.spmd(4, name_hint="copy"):
        scratch[t * 16:t * 16 + 16, 0:64] = flat[t * 16:t * 16 + 16, 0:64]
    y3 = pl.reshape(scratch, [4, 16, 64])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="out"):
        y[0:1, 0:16, 0:64] = y3[1:2, 0:16, 0:64]

# CHECK: %flat = memref.collapse_shape %x {{\[\[}}0 : i64, 1 : i64], [2 : i64]] : memref<4x16x64xf32> into memref<64x64xf32>
# CHECK: %scratch = memref.alloc() : memref<64x64xf32>
# CHECK: pto.store %{{.*}}, %scratch
# CHECK: %y3 = memref.expand_shape %scratch {{\[\[}}0 : i64, 1 : i64], [2 : i64]] output_shape [4, 16, 64] : memref<64x64xf32> into memref<4x16x64xf32>
# CHECK: pto.load %y3[
