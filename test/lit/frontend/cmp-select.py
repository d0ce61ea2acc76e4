# pl.cmp(a, b, cmp_type=k) is pto.cmp (0 eq, 1 ne, 2 lt, 3 le, 4 gt, 5 ge) giving an i1
# mask tile; with a scalar (pl.cmps, or pl.cmp with a number) pto.cmps; pl.select(mask,
# a, b) is pto.select.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:8, 0:64]
        b = pl.exp(a)
        m = pl.cmp(a, b, cmp_type=2)
        y[0:8, 0:64] = pl.select(m, a, b)
        g = pl.cmps(a, 0.5, cmp_type=5)
        y[0:8, 0:64] = pl.select(g, a, b)

# CHECK: %m = pto.cmp lt %a, %b : tensor<8x64xf32> -> tensor<8x64xi1>
# CHECK: pto.select %m, %a, %b : tensor<8x64xi1>, tensor<8x64xf32>
# CHECK: %g = pto.cmps ge %a, %{{.*}} : tensor<8x64xf32>, f32 -> tensor<8x64xi1>
