# The row / column broadcast family: pl.row_expand_{add,sub,div,max,min} take an [M, 1]
# vector, pl.col_expand_{add,sub,div,max,min} a [1, N] one.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        r = pl.row_max(a)
        c = x[0:1, 0:64]
        a = pl.row_expand_sub(a, r)
        a = pl.row_expand_div(a, r)
        a = pl.row_expand_add(a, r)
        a = pl.col_expand_add(a, c)
        a = pl.col_expand_max(a, c)
        y[0:16, 0:64] = a

# CHECK: pto.row_expand_sub %a, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
# CHECK: pto.row_expand_div
# CHECK: pto.row_expand_add
# CHECK: pto.col_expand_add %{{.*}}, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
# CHECK: pto.col_expand_max
