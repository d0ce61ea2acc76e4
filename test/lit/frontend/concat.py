# pl.concat of two 2-d tiles (PyPTO's tile.concat): the columns of the first, then
# those of the second, as two tensor.insert_slice into a [rows, c0 + c1] tile; rows and
# dtypes must agree.
# RUN: pto-opt %s --func k | filecheck %s
# RUN: not pto-opt %s --func bad 2>&1 | filecheck --check-prefix=ERR %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[4, 16], pl.BF16], z: pl.Tensor[[4, 8], pl.BF16],
      y: pl.Out[pl.Tensor[[4, 24], pl.BF16]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:4, 0:16]
        b = z[0:4, 0:8]
        y[0:4, 0:24] = pl.concat(a, b)


@pl.jit
def bad(x: pl.Tensor[[4, 16], pl.BF16], z: pl.Tensor[[2, 8], pl.BF16],
        y: pl.Out[pl.Tensor[[4, 24], pl.BF16]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:4, 0:24] = pl.concat(x[0:4, 0:16], z[0:2, 0:8])

# CHECK:      %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<4x24xbf16>
# CHECK-NEXT: %[[A:.*]] = tensor.insert_slice %a into %[[Z]][0, 0] [4, 16] [1, 1] : tensor<4x16xbf16> into tensor<4x24xbf16>
# CHECK-NEXT: %[[B:.*]] = tensor.insert_slice %b into %[[A]][0, 16] [4, 8] [1, 1] : tensor<4x8xbf16> into tensor<4x24xbf16>
# CHECK-NEXT: pto.store %[[B]], %y
# ERR: concat.py:22:24: error: pl.concat: the row counts differ (4 and 2)
