// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %h = pto.cast %x round "rint" : tensor<1x512xf32> -> tensor<1x512xbf16>
// CHECK: %f = pto.cast %i : tensor<1x64xi32> -> tensor<1x64xf32>
// CHECK: %t = pto.cast %x round "trunc" : tensor<1x512xf32> -> tensor<1x512xi32>
func.func @f(%x: tensor<1x512xf32>, %i: tensor<1x64xi32>) {
  %h = pto.cast %x round "rint" : tensor<1x512xf32> -> tensor<1x512xbf16>
  %f = pto.cast %i : tensor<1x64xi32> -> tensor<1x64xf32>
  %t = pto.cast %x round "trunc" : tensor<1x512xf32> -> tensor<1x512xi32>
  func.return
}
