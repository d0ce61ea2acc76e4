# Row reductions keep the reduced axis ([M, N] -> [M, 1]); row / column broadcasts take
# [M, 1] and [1, N] vectors. The tile form's tmp argument is accepted and unused.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], w: pl.Tensor[[1, 64], pl.FP32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        s = pl.row_sum(a)
        m = pl.row_max(a, a)
        b = pl.row_expand_mul(a, pl.add(s, m))
        c = pl.col_expand_mul(b, w[0:1, 0:64])
        y[0:16, 0:64] = c

# CHECK: %s = pto.row_sum %a : tensor<16x64xf32> -> tensor<16x1xf32>
# CHECK: %m = pto.row_max %a : tensor<16x64xf32> -> tensor<16x1xf32>
# CHECK: %[[V:.*]] = arith.addf %s, %m : tensor<16x1xf32>
# CHECK: %b = pto.row_expand_mul %a, %[[V]] : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
# CHECK: %c = pto.col_expand_mul %b, %{{.*}} : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
