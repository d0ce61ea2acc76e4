# A slice whose extent is not a compile-time constant.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], n: pl.Tensor[[1], pl.INT32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        m = pl.cast(pl.read(n, [0]), pl.INDEX)
        y[0:16, 0:64] = x[0:m, 0:64]
# CHECK: {{^[^ ]*}}err-slice-extent.py:11:27: error: the extent of a slice (upper - lower) must be a compile-time constant: write t{{\[}}i:i + N{{\]}}
# CHECK-NOT: {{T}}raceback
