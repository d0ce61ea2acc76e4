# pl.full(shape, dtype=, value=) (and its tile form pl.tile.full) is a constant tile;
# inside a scope pl.create_tensor (a tile.create in PyPTO) is a zero-filled tile of that
# shape and dtype.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = pl.full([16, 64], dtype=pl.FP32, value=-3.5)
        b = pl.create_tensor([16, 64], dtype=pl.FP32)
        c = pl.tile.full([16, 64], dtype=pl.FP32, value=0.25)
        y[0:16, 0:64] = pl.add(pl.add(a, b), c)

# CHECK: %a = arith.constant dense<-3.500000e+00> : tensor<16x64xf32>
# CHECK: %b = arith.constant dense<0.000000e+00> : tensor<16x64xf32>
# CHECK: %c = arith.constant dense<2.500000e-01> : tensor<16x64xf32>
