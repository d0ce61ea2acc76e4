// Only integer/index arithmetic is folded: float constants are left alone (xDSL folds
// them in double precision, which could change an f32 kernel's bits). CSE still merges
// the copies' identical pure float ops.
// RUN: pto-opt %s -p pto-unroll-expand | filecheck %s

func.func @f(%x: memref<2xf32>) {
  pto.unroll %j = 0 to 2 {
    %a = arith.constant 0.1 : f32
    %b = arith.constant 0.2 : f32
    %s = arith.addf %a, %b : f32
    %t = tensor.splat %s : tensor<1xf32>
    %two = arith.constant 2 : index
    %i = arith.muli %j, %two : index
    %k = arith.addi %i, %j : index
    %h = arith.subi %k, %j : index
    pto.store %t, %x[%h] : tensor<1xf32>, memref<2xf32>
  }
  func.return
}
// CHECK:      %a = arith.constant 1.000000e-01 : f32
// CHECK-NEXT: %b = arith.constant 2.000000e-01 : f32
// CHECK-NEXT: %s = arith.addf %a, %b : f32
// CHECK-NEXT: %t = tensor.splat %s : tensor<1xf32>
// CHECK-NEXT: %[[H0:.*]] = arith.constant 0 : index
// CHECK-NEXT: pto.store %t, %x[%[[H0]]] : tensor<1xf32>, memref<2xf32>
// CHECK-NEXT: %[[H1:.*]] = arith.constant 2 : index
// CHECK-NEXT: pto.store %t, %x[%[[H1]]] : tensor<1xf32>, memref<2xf32>
// CHECK-NEXT: func.return
