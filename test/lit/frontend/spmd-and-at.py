# pl.spmd (for-form): one pto.spmd whose name is the name_hint and whose block argument
# is the loop variable; pl.at(level=CORE_GROUP): one task (0 to 1).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl

TASKS = 4


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for t in pl.spmd(TASKS, name_hint="rows"):
        r0 = t * 16
        y[r0:r0 + 16, 0:64] = pl.exp(x[r0:r0 + 16, 0:64])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="one"):
        y[0:1, 0:64] = x[1:2, 0:64]

# CHECK:      func.func @k(%x: memref<64x64xf32>, %y: memref<64x64xf32>)
# CHECK:      pto.spmd %t = 0 to 4 name "rows" core vector {
# CHECK:        %r0 = arith.muli %t, %{{.*}} : index
# CHECK:        pto.load %x[%r0, %{{.*}}] : memref<64x64xf32> -> tensor<16x64xf32>
# CHECK:        math.exp
# CHECK:        pto.store %{{.*}}, %y[%r0, %{{.*}}] : tensor<16x64xf32>, memref<64x64xf32>
# CHECK:      pto.spmd %{{.*}} = 0 to 1 name "one" core vector {
# CHECK:        pto.load %x[
# CHECK-SAME:     -> tensor<1x64xf32>
