# A @pl.jit.inline call is spliced in place (no task); its locals are its own; a tuple
# return unpacks into the caller's names; parameters alias the caller's values.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit.inline
def stats(t):
    m = pl.row_max(t)
    s = pl.row_sum(pl.exp(t))
    return m, s


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 1], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        m = pl.full([16, 1], dtype=pl.FP32, value=0.0)
        hi, tot = stats(a)
        y[0:16, 0:1] = pl.add(pl.add(hi, tot), m)

# CHECK:     %m = arith.constant dense<0.000000e+00> : tensor<16x1xf32>
# CHECK:     %[[HI:.*]] = pto.row_max %a : tensor<16x64xf32> -> tensor<16x1xf32>
# CHECK:     %[[E:.*]] = math.exp %a
# CHECK:     %[[TOT:.*]] = pto.row_sum %[[E]]
# CHECK:     %[[S:.*]] = arith.addf %[[HI]], %[[TOT]]
# CHECK:     arith.addf %[[S]], %m
