# pl.reshape of a GM tensor that groups no dimensions ([16, 8] -> [4, 32]): the same
# row-major elements through one dimension (memref.collapse_shape, then expand_shape),
# for a tensor read and for one written through the view.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 8], pl.FP32], y: pl.Out[pl.Tensor[[16, 8], pl.FP32]]):
    xr = pl.reshape(x, [4, 32])
    yr = pl.reshape(y, [4, 32])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = xr[0:4, 0:32]
        yr[0:4, 0:32] = pl.add(t, t)

# CHECK:      %[[X:.*]] = memref.collapse_shape %x {{\[\[}}0 : i64, 1 : i64]] : memref<16x8xf32> into memref<128xf32>
# CHECK-NEXT: %xr = memref.expand_shape %[[X]] {{\[\[}}0 : i64, 1 : i64]] output_shape [4, 32] : memref<128xf32> into memref<4x32xf32>
# CHECK-NEXT: %[[Y:.*]] = memref.collapse_shape %y {{.*}} into memref<128xf32>
# CHECK-NEXT: %yr = memref.expand_shape %[[Y]] {{.*}} into memref<4x32xf32>
# CHECK:      pto.load %xr
# CHECK:      pto.store %{{.*}}, %yr
