// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %a = pto.row_expand_mul %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
// CHECK: %b = pto.col_expand_mul %a, %w : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
func.func @f(%x: tensor<16x64xf32>, %r: tensor<16x1xf32>, %w: tensor<1x64xf32>) {
  %a = pto.row_expand_mul %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  %b = pto.col_expand_mul %a, %w : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  func.return
}
