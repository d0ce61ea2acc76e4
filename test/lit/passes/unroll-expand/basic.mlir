// Every pto.unroll becomes one copy of its body per iteration, in order; the index is
// a constant in each copy, and the copies share their constants after CSE.
// RUN: pto-opt %s -p pto-unroll-expand | filecheck %s

func.func @three(%x: memref<3x8xf32>, %y: memref<3x8xf32>) {
  %c0 = arith.constant 0 : index
  pto.unroll %j = 0 to 3 {
    %k = arith.constant 0 : index
    %v = pto.load %x[%j, %k] : memref<3x8xf32> -> tensor<1x8xf32>
    %e = math.exp %v : tensor<1x8xf32>
    pto.store %e, %y[%j, %c0] : tensor<1x8xf32>, memref<3x8xf32>
  }
  func.return
}

// CHECK:      func.func @three(%x: memref<3x8xf32>, %y: memref<3x8xf32>) {
// CHECK-NEXT:   %c0 = arith.constant 0 : index
// CHECK-NEXT:   %v = pto.load %x[%c0, %c0] : memref<3x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT:   %e = math.exp %v : tensor<1x8xf32>
// CHECK-NEXT:   pto.store %e, %y[%c0, %c0] : tensor<1x8xf32>, memref<3x8xf32>
// CHECK-NEXT:   %j = arith.constant 1 : index
// CHECK-NEXT:   %v_1 = pto.load %x[%j, %c0] : memref<3x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT:   %e_1 = math.exp %v_1 : tensor<1x8xf32>
// CHECK-NEXT:   pto.store %e_1, %y[%j, %c0] : tensor<1x8xf32>, memref<3x8xf32>
// CHECK-NEXT:   %j_1 = arith.constant 2 : index
// CHECK-NEXT:   %v_2 = pto.load %x[%j_1, %c0] : memref<3x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT:   %e_2 = math.exp %v_2 : tensor<1x8xf32>
// CHECK-NEXT:   pto.store %e_2, %y[%j_1, %c0] : tensor<1x8xf32>, memref<3x8xf32>
// CHECK-NEXT:   func.return
// CHECK-NEXT: }
