// Without a pto.unroll the pass leaves the IR byte for byte unchanged (no canonicalization
// or CSE of code it did not touch).
// RUN: pto-opt %examples/softmax_pool.mlir > %t.plain.mlir
// RUN: pto-opt %examples/softmax_pool.mlir -p pto-unroll-expand | diff %t.plain.mlir -
// RUN: pto-opt %s -p pto-unroll-expand | filecheck %s

func.func @untouched(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c0_dup = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %dead = arith.addi %c0, %c3 : index
  %f = arith.constant 1.0 : f32
  %g = arith.addf %f, %f : f32
  func.return
}
// CHECK:      %c0 = arith.constant 0 : index
// CHECK-NEXT: %c0_dup = arith.constant 0 : index
// CHECK-NEXT: %c3 = arith.constant 3 : index
// CHECK-NEXT: %dead = arith.addi %c0, %c3 : index
// CHECK-NEXT: %f = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %g = arith.addf %f, %f : f32
