# pl.sort32 / pl.mrgsort(x, block_len=L) / pl.mrgsort(a, b) are pto.sort32 / pto.mrgsort;
# the mask form of pl.gather is pto.gather_mask (output_dtype= keeps the bits).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(v: pl.Tensor[[1, 256], pl.FP32], i: pl.Tensor[[1, 256], pl.UINT32],
      y: pl.Out[pl.Tensor[[1, 512], pl.FP32]], z: pl.Out[pl.Tensor[[1, 256], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        pairs = pl.sort32(v[0:1, 0:256], i[0:1, 0:256])
        pairs = pl.mrgsort(pairs, block_len=64)
        y[0:1, 0:512] = pairs
        z[0:1, 0:256] = pl.gather(pairs, mask_pattern=pl.tile.MaskPattern.P1010,
                                  output_dtype=pl.INT32)

# CHECK: %pairs = pto.sort32 %{{.*}}, %{{.*}} : tensor<1x256xf32>, tensor<1x256xi32> -> tensor<1x512xf32>
# CHECK: %pairs_1 = pto.mrgsort %pairs block_len 64 : tensor<1x512xf32> -> tensor<1x512xf32>
# CHECK: pto.gather_mask %pairs_1 pattern P1010 : tensor<1x512xf32> -> tensor<1x256xi32>
