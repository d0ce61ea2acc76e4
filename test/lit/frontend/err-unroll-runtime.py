# pl.unroll bounds must be compile-time constants.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[1], pl.INT32], y: pl.Out[pl.Tensor[[4, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        m = pl.cast(pl.read(n, [0]), pl.INDEX)
        for i in pl.unroll(m):
            y[0:1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)
# CHECK: {{^[^ ]*}}err-unroll-runtime.py:10:28: error: pl.unroll bounds must be compile-time int constants, got scalar INDEX
# CHECK-NOT: {{T}}raceback
