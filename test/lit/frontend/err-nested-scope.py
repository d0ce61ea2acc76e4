# A task scope inside another task scope.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    for t in pl.spmd(4, name_hint="outer"):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="inner"):
            y[0:1, 0:64] = x[0:1, 0:64]
# CHECK: {{^[^ ]*}}err-nested-scope.py:9:9: error: a task scope cannot be nested in another (this is inside 'outer')
# CHECK-NOT: {{T}}raceback
