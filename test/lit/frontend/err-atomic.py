# An atomic store names pl.AtomicType.Add, on FP32 / INT32 tiles (one located error each).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 128], pl.BF16], acc: pl.Out[pl.Tensor[[16, 128], pl.BF16]]):
    for t in pl.spmd(4, name_hint="split_k"):
        p = x[t * 16:t * 16 + 16, 0:128]
        pl.store(p, [0, 0], acc, atomic=pl.AtomicType.Add)
# CHECK: {{^[^ ]*}}err-atomic.py:10:9: error: an atomic add store needs FP32 or INT32 elements, got
# CHECK-NOT: {{T}}raceback
