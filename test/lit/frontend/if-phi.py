# A runtime if: an scf.if result (phi) for every name that existed before and is
# assigned in either branch (the else yields the incoming value), none for a name
# defined in one branch only; phis sorted by name.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[4, 64], pl.FP32], n: pl.Tensor[[4], pl.INT32],
      y: pl.Out[pl.Tensor[[1, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:1, 0:64]
        b = x[1:2, 0:64]
        v = pl.cast(pl.read(n, [0]), pl.INDEX)
        if v >= 2:
            tmp = pl.exp(a)
            b = pl.mul(tmp, b)
            a = pl.add(tmp, a)
        y[0:1, 0:64] = pl.add(a, b)

# CHECK:      %[[G:.*]] = arith.cmpi sge, %v, %{{.*}} : index
# CHECK:      %a_1, %b_1 = scf.if %[[G]] -> (tensor<1x64xf32>, tensor<1x64xf32>) {
# CHECK:        %tmp = math.exp %a
# CHECK:        %b_2 = arith.mulf %tmp, %b
# CHECK:        %a_2 = arith.addf %tmp, %a
# CHECK:        scf.yield %a_2, %b_2
# CHECK:      } else {
# CHECK:        scf.yield %a, %b
# CHECK:      }
# CHECK:      arith.addf %a_1, %b_1
