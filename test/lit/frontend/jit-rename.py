# @pl.jit renames a name rebound at the depth of its first binding (t -> t_v1), so a
# rebinding may change the type; a sibling loop that reads a name first bound in an
# earlier loop body gets a bridge copy before it and carries the copy.
# The value names in the IR stay the user's.
# RUN: pto-opt %s | filecheck %s
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=LOOPVAR
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=THEN
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[1, 16], pl.FP32]],
      z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        sq = pl.row_sum(pl.mul(x[0:16, 0:64], x[0:16, 0:64]))
        sq = pl.reshape(sq, [1, 16])
        y[0:1, 0:16] = sq
        for i in pl.range(2):
            t = x[0:16, 0:64]
            t = pl.mul(t, 2.0)
        for j in pl.range(3):
            t = pl.add(t, 1.0)
        if MODE == 1:
            for sq in pl.range(2):
                t = pl.add(t, 1.0)
        if MODE == 2:
            if MODE + 1 > 2:
                u = pl.exp(t)
                u = pl.exp(u)
            else:
                u = t
            t = u
        z[0:16, 0:64] = t

# CHECK: %sq = pto.row_sum {{.*}} -> tensor<16x1xf32>
# CHECK: %sq_1 = tensor.expand_shape {{.*}} into tensor<1x16xf32>
# CHECK: pto.store %sq_1, %y
# CHECK: %[[T:t[_0-9]*]] = pto.range %i = {{.*}} -> (tensor<16x64xf32>)
# CHECK: pto.range %j = {{.*}} iter_args(%{{t_[0-9]+}} = %[[T]]) -> (tensor<16x64xf32>)
# CHECK: pto.adds %{{t_[0-9]+}}
# LOOPVAR: jit-rename.py:26:17: error: the loop variable 'sq' rebinds a name that @pl.jit has renamed (to sq_v1
# THEN: jit-rename.py:34:17: error: 'u' is read after an if whose then-branch bound it and rebound it at the same depth
