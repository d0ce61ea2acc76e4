# pl.cast(x, dtype, mode=...) on a tile is pto.cast with the rounding mode (default
# "round", PyPTO's default; modes by name or PyPTO's code: 1 rint, 5 trunc, 0 none).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[1, 64], pl.FP32], y: pl.Out[pl.Tensor[[4, 64], pl.BF16]],
      z: pl.Out[pl.Tensor[[1, 64], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:1, 0:64]
        y[0:1, 0:64] = pl.cast(a, pl.BF16)
        y[1:2, 0:64] = pl.cast(a, pl.BF16, mode="rint")
        y[2:3, 0:64] = pl.cast(a, target_type=pl.BF16, mode=1)
        z[0:1, 0:64] = pl.cast(a, pl.INT32, mode=5)
        y[3:4, 0:64] = pl.cast(pl.cast(a, pl.INT32, mode="none"), pl.BF16)

# CHECK: pto.cast %a round "round" : tensor<1x64xf32> -> tensor<1x64xbf16>
# CHECK: pto.cast %a round "rint" : tensor<1x64xf32> -> tensor<1x64xbf16>
# CHECK: pto.cast %a round "rint" : tensor<1x64xf32> -> tensor<1x64xbf16>
# CHECK: pto.cast %a round "trunc" : tensor<1x64xf32> -> tensor<1x64xi32>
# CHECK: %[[I:.*]] = pto.cast %a round "none" : tensor<1x64xf32> -> tensor<1x64xi32>
# CHECK: pto.cast %[[I]] round "round" : tensor<1x64xi32> -> tensor<1x64xbf16>
