# A name defined in one branch only of a runtime if is not visible after it.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], n: pl.Tensor[[1], pl.INT32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        v = pl.cast(pl.read(n, [0]), pl.INDEX)
        if v > 0:
            t = x[0:1, 0:64]
        y[0:1, 0:64] = t
# CHECK: {{^[^ ]*}}err-one-branch.py:13:24: error: 't' is not defined here: PyPTO's SSA rules end its life at the loop or branch that defined it (a name first assigned in a loop body or in one branch of an if is not visible after it)
# CHECK-NOT: {{T}}raceback
