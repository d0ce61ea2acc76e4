# A value assigned in one task scope and read in another.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="first"):
        a = x[0:1, 0:64]
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="second"):
        y[0:1, 0:64] = pl.exp(a)
# CHECK: {{^[^ ]*}}err-cross-task.py:11:31: error: 'a' was last assigned in task scope 'first' (line 9) and is read here in task scope 'second': a value does not cross tasks; recompute it here or pass it through a tensor
# CHECK-NOT: {{T}}raceback
