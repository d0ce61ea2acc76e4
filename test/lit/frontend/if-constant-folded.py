# An if on module constants is decided at compile time (PyPTO's Simplify): only the
# taken branch is translated; no scf.if.
# RUN: pto-opt %s | filecheck %s
# RUN: pto-opt %s --set USE_EXP=False | filecheck %s --check-prefix=OFF
import pypto.language as pl

USE_EXP = True
TILE = 64


@pl.jit
def k(x: pl.Tensor[[4, 64], pl.FP32], y: pl.Out[pl.Tensor[[1, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = x[0:1, 0:TILE]
        if USE_EXP and TILE > 32:
            t = pl.exp(t)
        else:
            t = pl.neg(t)
        y[0:1, 0:TILE] = t

# CHECK-NOT: scf.if
# CHECK:     %t_1 = math.exp %t
# CHECK-NOT: arith.negf
# OFF-NOT:   scf.if
# OFF:       %t_1 = arith.negf %t
# OFF-NOT:   math.exp
