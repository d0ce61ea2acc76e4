// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<16x1xf32>
// CHECK: %m = pto.row_max %x : tensor<16x64xf32> -> tensor<16x1xf32>
// CHECK: %c = pto.col_max %x : tensor<16x64xf32> -> tensor<1x64xf32>
// CHECK: %n = pto.row_min %x : tensor<16x64xf32> -> tensor<16x1xf32>
// CHECK: %o = pto.col_min %x : tensor<16x64xf32> -> tensor<1x64xf32>
// CHECK: %p = pto.col_sum %x : tensor<16x64xf32> -> tensor<1x64xf32>
// CHECK: %q = pto.col_sum %h binary : tensor<5x8xf16> -> tensor<1x8xf16>
func.func @f(%x: tensor<16x64xf32>, %h: tensor<5x8xf16>) {
  %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<16x1xf32>
  %m = pto.row_max %x : tensor<16x64xf32> -> tensor<16x1xf32>
  %c = pto.col_max %x : tensor<16x64xf32> -> tensor<1x64xf32>
  %n = pto.row_min %x : tensor<16x64xf32> -> tensor<16x1xf32>
  %o = pto.col_min %x : tensor<16x64xf32> -> tensor<1x64xf32>
  %p = pto.col_sum %x : tensor<16x64xf32> -> tensor<1x64xf32>
  %q = pto.col_sum %h binary : tensor<5x8xf16> -> tensor<1x8xf16>
  func.return
}
