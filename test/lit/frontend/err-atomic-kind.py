# atomic= takes pl.AtomicType.Add only (one located error).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 128], pl.FP32], acc: pl.Out[pl.Tensor[[16, 128], pl.FP32]]):
    for t in pl.spmd(4, name_hint="split_k"):
        p = x[t * 16:t * 16 + 16, 0:128]
        pl.store(p, [0, 0], acc, atomic=pl.AtomicType.Max)
# CHECK: {{^[^ ]*}}err-atomic-kind.py:10:41: error: atomic must be pl.AtomicType.Add, got pl.AtomicType.Max
# CHECK-NOT: {{T}}raceback
