// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<16x1xf32>
// CHECK: %m = pto.row_max %x : tensor<16x64xf32> -> tensor<16x1xf32>
// CHECK: %c = pto.col_max %x : tensor<16x64xf32> -> tensor<1x64xf32>
func.func @f(%x: tensor<16x64xf32>) {
  %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<16x1xf32>
  %m = pto.row_max %x : tensor<16x64xf32> -> tensor<16x1xf32>
  %c = pto.col_max %x : tensor<16x64xf32> -> tensor<1x64xf32>
  func.return
}
