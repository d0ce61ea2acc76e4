# An if condition must be a Bool: there is no truthiness.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[1], pl.INT32], y: pl.Out[pl.Tensor[[4, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        m = pl.cast(pl.read(n, [0]), pl.INDEX)
        if m:
            y[0:1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)
# CHECK: {{^[^ ]*}}err-if-not-bool.py:10:12: error: an if condition must be a Bool (a comparison), got scalar INDEX
# CHECK-NOT: {{T}}raceback
