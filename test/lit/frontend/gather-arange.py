# pl.arange(start, shape, dtype=) is pto.arange; pl.gather(x, dim=-1, index=i) pto.gather
# (out[r, k] = x[r, i[r, k]]); integer tile operators (>> ^ & << -) are arith on tiles.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 32], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        jj = pl.arange(0, [16, 64], dtype=pl.INT32)
        one = pl.full([16, 64], dtype=pl.INT32, value=1)
        half = jj >> one
        sgn = ((jj & one) << one) - one
        g = pl.gather(x[0:16, 0:32], dim=-1, index=half ^ one)
        y[0:16, 0:64] = pl.mul(g, pl.cast(sgn, pl.FP32))

# CHECK: %jj = pto.arange start 0 step 1 : tensor<16x64xi32>
# CHECK: %one = arith.constant dense<1> : tensor<16x64xi32>
# CHECK: %half = arith.shrsi %jj, %one : tensor<16x64xi32>
# CHECK: arith.andi %jj, %one
# CHECK: arith.shli
# CHECK: %sgn = arith.subi
# CHECK: %[[P:.*]] = arith.xori %half, %one
# CHECK: %g = pto.gather %{{.*}}, %[[P]] : tensor<16x32xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
