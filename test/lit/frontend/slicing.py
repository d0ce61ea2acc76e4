# Slicing: t[a:b, c:d] is a pto.load at (a, c) of extent (b - a, d - c) (extents must fold
# to constants: k0:k0 + 64 is 64); missing bounds are 0 / the full extent; a slice
# assignment is a pto.store; pl.load / pl.slice / pl.store / pl.assemble likewise.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[128, 256], pl.FP32], y: pl.Out[pl.Tensor[[128, 256], pl.FP32]]):
    for t in pl.spmd(2, name_hint="s"):
        r = t * 64
        a = x[r:r + 64, 128:]
        b = x[r + 1:r + 2]
        c = pl.load(x, [r, 0], [64, 128])
        d = pl.slice(x, [8, 16], [r, 32])
        y[r:r + 64, 0:128] = a
        y[r:r + 1, :] = b
        pl.store(c, [r, 128], y)
        y = pl.assemble(y, d, [0, 0])

# CHECK:      %a = pto.load %x[%r, %{{.*}}] : memref<128x256xf32> -> tensor<64x128xf32>
# CHECK:      %[[R1:.*]] = arith.addi %r, %{{.*}} : index
# CHECK:      %b = pto.load %x[%[[R1]], %{{.*}}] : memref<128x256xf32> -> tensor<1x256xf32>
# CHECK:      %c = pto.load %x[%r, %{{.*}}] : memref<128x256xf32> -> tensor<64x128xf32>
# CHECK:      %d = pto.load %x[%r, %{{.*}}] : memref<128x256xf32> -> tensor<8x16xf32>
# CHECK:      pto.store %a, %y[%r, %{{.*}}] : tensor<64x128xf32>, memref<128x256xf32>
# CHECK:      pto.store %b, %y[%r, %{{.*}}] : tensor<1x256xf32>, memref<128x256xf32>
# CHECK:      pto.store %c, %y[%r, %{{.*}}] : tensor<64x128xf32>, memref<128x256xf32>
# CHECK:      pto.store %d, %y[%{{.*}}, %{{.*}}] : tensor<8x16xf32>, memref<128x256xf32>
