# A tile op with a scalar on the right is PyPTO's adds / muls / ...: pto.adds, pto.muls
# (a Python number becomes a scalar constant); a number on the left is a constant tile.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl

SCALE = 0.5


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], s: pl.Tensor[[1], pl.FP32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        b = pl.mul(a, SCALE)
        v = pl.read(s, [0])
        c = pl.add(b, v)
        d = 2.0 - c
        y[0:16, 0:64] = d

# CHECK: %[[H:.*]] = arith.constant 5.000000e-01 : f32
# CHECK: %b = pto.muls %a, %[[H]] : tensor<16x64xf32>, f32
# CHECK: %v = pto.read %s[%{{.*}}] : memref<1xf32> -> f32
# CHECK: %c = pto.adds %b, %v : tensor<16x64xf32>, f32
# CHECK: %[[T:.*]] = arith.constant dense<2.000000e+00> : tensor<16x64xf32>
# CHECK: %d = arith.subf %[[T]], %c
