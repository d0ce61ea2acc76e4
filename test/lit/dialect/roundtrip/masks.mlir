// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %m = pto.cmp lt %a, %b : tensor<4x64xf32> -> tensor<4x64xi1>
// CHECK: %n = pto.cmp ne %i, %j : tensor<4x64xi32> -> tensor<4x64xi1>
// CHECK: %k = arith.andi %m, %n : tensor<4x64xi1>
// CHECK: %g = pto.cmps ge %a, %sc : tensor<4x64xf32>, f32 -> tensor<4x64xi1>
// CHECK: %r = pto.select %k, %a, %b : tensor<4x64xi1>, tensor<4x64xf32>
// CHECK: %s = pto.select %m, %i, %j : tensor<4x64xi1>, tensor<4x64xi32>
func.func @f(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>, %i: tensor<4x64xi32>, %j: tensor<4x64xi32>, %sc: f32) {
  %m = pto.cmp lt %a, %b : tensor<4x64xf32> -> tensor<4x64xi1>
  %n = pto.cmp ne %i, %j : tensor<4x64xi32> -> tensor<4x64xi1>
  %k = arith.andi %m, %n : tensor<4x64xi1>
  %g = pto.cmps ge %a, %sc : tensor<4x64xf32>, f32 -> tensor<4x64xi1>
  %r = pto.select %k, %a, %b : tensor<4x64xi1>, tensor<4x64xf32>
  %s = pto.select %m, %i, %j : tensor<4x64xi1>, tensor<4x64xi32>
  func.return
}
