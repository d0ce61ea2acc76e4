# A tile op with a Python number is a constant tile (PyPTO's adds/muls); with a runtime
# scalar of the tile's dtype, a tensor.splat.
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
        y[0:16, 0:64] = c

# CHECK: %[[H:.*]] = arith.constant dense<5.000000e-01> : tensor<16x64xf32>
# CHECK: %b = arith.mulf %a, %[[H]] : tensor<16x64xf32>
# CHECK: %v = pto.read %s[%{{.*}}] : memref<1xf32> -> f32
# CHECK: %[[S:.*]] = tensor.splat %v : tensor<16x64xf32>
# CHECK: %c = arith.addf %b, %[[S]]
