// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %i = pto.arange start 0 step 1 : tensor<1x64xi32>
// CHECK: %g = pto.gather %y, %i : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x64xf32>
func.func @f(%y: tensor<1x64xf32>, %x: tensor<16x64xf32>) {
  %i = pto.arange start 0 step 1 : tensor<1x64xi32>
  %g = pto.gather %y, %i : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x64xf32>
  func.return
}
