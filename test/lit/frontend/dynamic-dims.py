# pl.dynamic("N") dimensions are `?` in the memref type.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl

N = pl.dynamic("N")


@pl.jit
def k(x: pl.Tensor[[N, 64], pl.FP32], y: pl.Out[pl.Tensor[[64, N], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:1, 0:64] = x[5:6, 0:64]

# CHECK: func.func @k(%x: memref<?x64xf32>, %y: memref<64x?xf32>)
