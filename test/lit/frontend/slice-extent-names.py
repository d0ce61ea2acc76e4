# The extent of a slice is upper - lower as numbers, also when both bounds are names of
# runtime values made from one another by adding or multiplying constants
# (c1 = c0 + W: the extent is W), as pypto-lib's kernels write them; a difference that
# is not a number stays an error (err-slice-extent.py).
# RUN: pto-opt %s | filecheck %s
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=NOTCONST
import pypto.language as pl

MODE = 0
W = 16


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], n: pl.Tensor[[1], pl.INT32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        m = pl.cast(pl.read(n, [0]), pl.INDEX)
        c0 = m * 2 + 8
        c1 = c0 + W
        c2 = (c1 - 4) * 1
        y[0:16, c0:c2] = x[0:16, c0:c2]
        y[0:16, 0:W] = x[0:16, c0:c1]
        if MODE == 1:
            y[0:16, m:c1] = x[0:16, m:c1]

# CHECK: pto.load %x[{{.*}}] : memref<16x64xf32> -> tensor<16x12xf32>
# CHECK: pto.load %x[{{.*}}] : memref<16x64xf32> -> tensor<16x16xf32>
# NOTCONST: slice-extent-names.py:24:21: error: the extent of a slice (upper - lower) must be a compile-time constant
