# Elementwise tile ops: pl.add/sub/mul/div/maximum/minimum (and + - * /) are arith ops on
# tiles; pl.exp/log/sqrt/rsqrt/abs are math ops, pl.neg arith.negf, pl.recip 1 / x.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        b = pl.add(a, a)
        c = pl.sub(b, a)
        d = pl.mul(c, b)
        e = pl.div(d, c)
        f = pl.maximum(e, a)
        g = pl.minimum(f, a)
        h = pl.exp(g) + pl.log(g) - pl.sqrt(g) * pl.rsqrt(g) / pl.abs(g)
        i = pl.recip(pl.neg(h))
        y[0:16, 0:64] = i

# CHECK: %b = arith.addf %a, %a : tensor<16x64xf32>
# CHECK: %c = arith.subf %b, %a
# CHECK: %d = arith.mulf %c, %b
# CHECK: %e = arith.divf %d, %c
# CHECK: %f = arith.maximumf %e, %a
# CHECK: %g = arith.minimumf %f, %a
# CHECK: math.exp %g
# CHECK: math.log %g
# CHECK: math.sqrt %g
# CHECK: math.rsqrt %g
# CHECK: math.absf %g
# CHECK: %[[N:.*]] = arith.negf %h
# CHECK: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<16x64xf32>
# CHECK: %i = arith.divf %[[ONE]], %[[N]]
