// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
// CHECK: %d = pto.matmul_acc %c, %a, %b : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
func.func @f(%a: tensor<64x512xbf16>, %b: tensor<512x64xbf16>) {
  %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
  %d = pto.matmul_acc %c, %a, %b : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
  func.return
}
