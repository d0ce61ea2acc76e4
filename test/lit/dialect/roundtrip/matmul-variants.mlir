// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %c = pto.matmul %a, %w b_trans : tensor<64x512xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
// CHECK: %d = pto.matmul %at, %at a_trans : tensor<512x64xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
// CHECK: %e = pto.matmul %at, %a a_trans b_trans : tensor<512x64xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
// CHECK: %f = pto.matmul_acc %c0, %a, %w b_trans : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
// CHECK: %q = pto.matmul %x, %y : tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
// CHECK: %r = pto.matmul_acc %acc, %x, %y : tensor<16x32xi32>, tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
func.func @f(%a: tensor<64x512xbf16>, %w: tensor<64x512xbf16>, %at: tensor<512x64xbf16>, %x: tensor<16x64xi8>, %y: tensor<64x32xi8>, %acc: tensor<16x32xi32>, %c0: tensor<64x64xf32>) {
  %c = pto.matmul %a, %w b_trans : tensor<64x512xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
  %d = pto.matmul %at, %at a_trans : tensor<512x64xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
  %e = pto.matmul %at, %a a_trans b_trans : tensor<512x64xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
  %f = pto.matmul_acc %c0, %a, %w b_trans : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
  %q = pto.matmul %x, %y : tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
  %r = pto.matmul_acc %acc, %x, %y : tensor<16x32xi32>, tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
  func.return
}
