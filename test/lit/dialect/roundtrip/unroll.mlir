// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK:      pto.unroll %j = 0 to 2 {
// CHECK:      %r = pto.unroll %k = 0 to 4 iter_args(%acc = %x) -> (tensor<1x64xf32>) {
// CHECK-NEXT:   %y = arith.addf %acc, %acc : tensor<1x64xf32>
// CHECK-NEXT:   pto.yield %y : tensor<1x64xf32>
// CHECK-NEXT: }
func.func @f(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  pto.unroll %j = 0 to 2 {
  }
  %r = pto.unroll %k = 0 to 4 iter_args(%acc = %x) -> (tensor<1x64xf32>) {
    %y = arith.addf %acc, %acc : tensor<1x64xf32>
    pto.yield %y : tensor<1x64xf32>
  }
  func.return %r : tensor<1x64xf32>
}
