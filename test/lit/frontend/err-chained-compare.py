# Chained comparisons are rejected (as PyPTO does).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[1], pl.INT32], y: pl.Out[pl.Tensor[[1, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        v = pl.cast(pl.read(n, [0]), pl.INDEX)
        if 0 < v < 4:
            y[0:1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)
# CHECK: {{^[^ ]*}}err-chained-compare.py:10:12: error: chained comparisons are not supported (PyPTO rejects them); combine two comparisons with 'and'
# CHECK-NOT: {{T}}raceback
