// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// Elementwise tile math is upstream arith/math on tensors; fills are dense constants or tensor.splat.
// CHECK: %z = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
// CHECK: %s = tensor.splat %v : tensor<1x64xf32>
// CHECK: %m = arith.maximumf %x, %s : tensor<1x64xf32>
// CHECK: %e = math.exp %m : tensor<1x64xf32>
// CHECK: %q = math.sqrt %e : tensor<1x64xf32>
// CHECK: %sh = arith.shrsi %i, %one : tensor<1x64xi32>
// CHECK: %r = scf.if %p -> (tensor<1x64xf32>) {
func.func @f(%x: tensor<1x64xf32>, %v: f32, %i: tensor<1x64xi32>, %p: i1) -> tensor<1x64xf32> {
  %z = arith.constant dense<0.0> : tensor<1x64xf32>
  %s = tensor.splat %v : tensor<1x64xf32>
  %m = arith.maximumf %x, %s : tensor<1x64xf32>
  %e = math.exp %m : tensor<1x64xf32>
  %q = math.sqrt %e : tensor<1x64xf32>
  %one = arith.constant dense<1> : tensor<1x64xi32>
  %sh = arith.shrsi %i, %one : tensor<1x64xi32>
  %r = scf.if %p -> (tensor<1x64xf32>) {
    scf.yield %q : tensor<1x64xf32>
  } else {
    scf.yield %z : tensor<1x64xf32>
  }
  func.return %r : tensor<1x64xf32>
}
