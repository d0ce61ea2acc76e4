# pl.load(t, offsets, shapes, valid_shape=[...]) is pto.load_valid: a static tile whose
# valid extents are runtime values.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], n: pl.Tensor[[1], pl.INT32],
      y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        rows = pl.cast(pl.read(n, [0]), pl.INDEX)
        t = pl.load(x, [0, 0], [16, 64], valid_shape=[rows, 64])
        y[0:16, 0:64] = t

# CHECK: %t = pto.load_valid %x[%[[Z:.*]], %[[Z]]] valid[%rows, %{{.*}}] : memref<64x64xf32> -> tensor<16x64xf32>
