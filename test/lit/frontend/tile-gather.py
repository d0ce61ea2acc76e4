# pl.tile.gather(src, indices, tmp): PTO's tgather, index form (dst[i, j] =
# src[indices[i, j]], indices counting src's elements row-major): the last-axis
# pto.gather of both tiles flattened to one row, reshaped to the indices' shape.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[4, 16], pl.FP32], ix: pl.Tensor[[2, 8], pl.INT32],
      y: pl.Out[pl.Tensor[[2, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        src = x[0:4, 0:16]
        idx = ix[0:2, 0:8]
        tmp = pl.create_tile([2, 8], dtype=pl.INT32, target_memory=pl.MemorySpace.Vec)
        y[0:2, 0:8] = pl.tile.gather(src, idx, tmp)

# CHECK:      %[[S:.*]] = tensor.collapse_shape %src {{.*}} : tensor<4x16xf32> into tensor<64xf32>
# CHECK-NEXT: %[[S2:.*]] = tensor.expand_shape %[[S]] {{.*}} output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
# CHECK-NEXT: %[[I:.*]] = tensor.collapse_shape %idx {{.*}} : tensor<2x8xi32> into tensor<16xi32>
# CHECK-NEXT: %[[I2:.*]] = tensor.expand_shape %[[I]] {{.*}} output_shape [1, 16] : tensor<16xi32> into tensor<1x16xi32>
# CHECK-NEXT: %[[G:.*]] = pto.gather %[[S2]], %[[I2]] : tensor<1x64xf32>, tensor<1x16xi32> -> tensor<1x16xf32>
# CHECK-NEXT: %[[G1:.*]] = tensor.collapse_shape %[[G]] {{.*}} into tensor<16xf32>
# CHECK-NEXT: %[[G2:.*]] = tensor.expand_shape %[[G1]] {{.*}} output_shape [2, 8] : tensor<16xf32> into tensor<2x8xf32>
# CHECK-NEXT: pto.store %[[G2]], %y
