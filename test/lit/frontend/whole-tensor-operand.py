# A whole global tensor given to a tile op inside a task (pl.matmul(tile, h)): PyPTO's
# ConvertTensorToTileOps loads it at the task's entry, once, whatever the number of uses.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[32, 64], pl.BF16], h: pl.Tensor[[64, 64], pl.BF16],
      y: pl.Out[pl.Tensor[[32, 64], pl.FP32]]):
    for i in pl.spmd(2, name_hint="mm"):
        r0 = i * 16
        acc = pl.matmul(x[r0:r0 + 16, :], h, out_dtype=pl.FP32)
        acc = pl.matmul_acc(acc, x[r0:r0 + 16, :], h)
        y[r0:r0 + 16, :] = acc

# CHECK:      pto.spmd %i = 0 to 2 name "mm" core cube {
# CHECK-NEXT:   %[[Z:.*]] = arith.constant 0 : index
# CHECK-NEXT:   %[[H:.*]] = pto.load %h[%[[Z]], %[[Z]]] : memref<64x64xbf16> -> tensor<64x64xbf16>
# CHECK-NOT:    pto.load %h
# CHECK:        %acc = pto.matmul %{{.*}}, %[[H]]
# CHECK:        pto.matmul_acc %acc, %{{.*}}, %[[H]]
