// iter_args are chained: copy k's yield feeds copy k+1, and the op's results are the
// last copy's yielded values.
// RUN: pto-opt %s -p pto-unroll-expand --split-input-file | filecheck %s

func.func @acc(%x: memref<4x8xf32>, %y: memref<1x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant dense<0.0> : tensor<1x8xf32>
  %s, %m = pto.unroll %j = 0 to 3 iter_args(%a = %zero, %b = %zero) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
    %v = pto.load %x[%j, %c0] : memref<4x8xf32> -> tensor<1x8xf32>
    %a2 = arith.addf %a, %v : tensor<1x8xf32>
    %b2 = arith.maximumf %b, %v : tensor<1x8xf32>
    pto.yield %a2, %b2 : tensor<1x8xf32>, tensor<1x8xf32>
  }
  %r = arith.mulf %s, %m : tensor<1x8xf32>
  pto.store %r, %y[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  func.return
}

// CHECK:      %c0 = arith.constant 0 : index
// CHECK-NEXT: %zero = arith.constant dense<0.000000e+00> : tensor<1x8xf32>
// CHECK-NEXT: %v = pto.load %x[%c0, %c0] : memref<4x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT: %a2 = arith.addf %zero, %v : tensor<1x8xf32>
// CHECK-NEXT: %b2 = arith.maximumf %zero, %v : tensor<1x8xf32>
// CHECK-NEXT: %j = arith.constant 1 : index
// CHECK-NEXT: %v_1 = pto.load %x[%j, %c0] : memref<4x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT: %a2_1 = arith.addf %a2, %v_1 : tensor<1x8xf32>
// CHECK-NEXT: %b2_1 = arith.maximumf %b2, %v_1 : tensor<1x8xf32>
// CHECK-NEXT: %j_1 = arith.constant 2 : index
// CHECK-NEXT: %v_2 = pto.load %x[%j_1, %c0] : memref<4x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT: %a2_2 = arith.addf %a2_1, %v_2 : tensor<1x8xf32>
// CHECK-NEXT: %b2_2 = arith.maximumf %b2_1, %v_2 : tensor<1x8xf32>
// CHECK-NEXT: %r = arith.mulf %a2_2, %b2_2 : tensor<1x8xf32>
// CHECK-NEXT: pto.store %r, %y[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
// CHECK-NEXT: func.return

// -----
// A yield of an iter_arg or of an outer value passes it straight through.
// RUN: pto-opt %s -p pto-unroll-expand --split-input-file | filecheck %s --check-prefix=PASS

func.func @pass(%x: memref<1x8xf32>, %t: tensor<1x8xf32>) {
  %c0 = arith.constant 0 : index
  %a, %b = pto.unroll %j = 0 to 2 iter_args(%p = %t, %q = %t) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
    %n = math.exp %q : tensor<1x8xf32>
    pto.yield %t, %n : tensor<1x8xf32>, tensor<1x8xf32>
  }
  pto.store %a, %x[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  pto.store %b, %x[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  func.return
}

// PASS:      func.func @pass(%x: memref<1x8xf32>, %t: tensor<1x8xf32>) {
// PASS-NEXT:   %c0 = arith.constant 0 : index
// PASS-NEXT:   %n = math.exp %t : tensor<1x8xf32>
// PASS-NEXT:   %n_1 = math.exp %n : tensor<1x8xf32>
// PASS-NEXT:   pto.store %t, %x[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
// PASS-NEXT:   pto.store %n_1, %x[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
