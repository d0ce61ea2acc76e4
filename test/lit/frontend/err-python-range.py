# A Python range() loop is not a kernel loop.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(y: pl.Out[pl.Tensor[[4, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        for i in range(4):
            y[i:i + 1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)
# CHECK: {{^[^ ]*}}err-python-range.py:9:18: error: a Python range() is not a kernel loop: use pl.range (runtime) or pl.unroll (trace time)
# CHECK-NOT: {{T}}raceback
