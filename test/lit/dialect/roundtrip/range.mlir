// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: pto.range %i = %c0 to %c4 step %c1 {
// CHECK: %r, %r_1 = pto.range %s = %c0 to %c4 step %c1 pipeline 2 iter_args(%a = %x, %b = %y) -> (tensor<1x64xf32>, f32) {
// CHECK:   pto.yield %a2, %b : tensor<1x64xf32>, f32
func.func @f(%x: tensor<1x64xf32>, %y: f32) -> tensor<1x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  pto.range %i = %c0 to %c4 step %c1 {
  }
  %r:2 = pto.range %s = %c0 to %c4 step %c1 pipeline 2 iter_args(%a = %x, %b = %y) -> (tensor<1x64xf32>, f32) {
    %a2 = math.exp %a : tensor<1x64xf32>
    pto.yield %a2, %b : tensor<1x64xf32>, f32
  }
  func.return %r#0 : tensor<1x64xf32>
}
