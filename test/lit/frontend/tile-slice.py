# Slicing a tile (subscript or pl.slice) is tensor.extract_slice: constant extents, offsets
# constant or index values.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    for t in pl.spmd(2, name_hint="s"):
        a = x[0:16, 0:64]
        top = a[0:8, :]
        mine = a[t * 8:t * 8 + 8, 32:64]
        part = pl.slice(a, [4, 16], [2, 48])
        y[0:8, 0:64] = top
        y[8:16, 0:32] = mine
        y[0:4, 0:16] = part

# CHECK: %top = tensor.extract_slice %a[0, 0] [8, 64] [1, 1] : tensor<16x64xf32> to tensor<8x64xf32>
# CHECK: %[[O:.*]] = arith.muli %t, %{{.*}} : index
# CHECK: %mine = tensor.extract_slice %a[%[[O]], 32] [8, 32] [1, 1] : tensor<16x64xf32> to tensor<8x32xf32>
# CHECK: %part = tensor.extract_slice %a[2, 48] [4, 16] [1, 1] : tensor<16x64xf32> to tensor<4x16xf32>
