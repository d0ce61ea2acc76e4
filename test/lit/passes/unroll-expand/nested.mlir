// Nested unrolls expand fully (innermost first): 2 x 3 copies, row-major order.
// RUN: pto-opt %s -p pto-unroll-expand --split-input-file | filecheck %s

func.func @nest(%x: memref<2x24xf32>, %y: memref<2x24xf32>) {
  pto.unroll %i = 0 to 2 {
    %c8 = arith.constant 8 : index
    pto.unroll %k = 0 to 3 {
      %col = arith.muli %k, %c8 : index
      %v = pto.load %x[%i, %col] : memref<2x24xf32> -> tensor<1x8xf32>
      %e = math.exp %v : tensor<1x8xf32>
      pto.store %e, %y[%i, %col] : tensor<1x8xf32>, memref<2x24xf32>
    }
  }
  func.return
}

// CHECK-NOT:  pto.unroll
// CHECK:      %[[I0:.*]] = arith.constant 0 : index
// CHECK:      pto.load %x[%[[I0]], %[[I0]]]
// CHECK:      %[[C8:.*]] = arith.constant 8 : index
// CHECK:      pto.load %x[%[[I0]], %[[C8]]]
// CHECK:      %[[C16:.*]] = arith.constant 16 : index
// CHECK:      pto.load %x[%[[I0]], %[[C16]]]
// CHECK:      %[[I1:.*]] = arith.constant 1 : index
// CHECK:      pto.load %x[%[[I1]], %[[I0]]]
// CHECK:      pto.load %x[%[[I1]], %[[C8]]]
// CHECK:      pto.load %x[%[[I1]], %[[C16]]]
// CHECK-NOT:  pto.load
// CHECK-NOT:  pto.unroll
// CHECK:      func.return

// -----
// RUN: pto-opt %s -p pto-unroll-expand --split-input-file | filecheck %s --check-prefix=DEEP
// An unroll nested inside a runtime loop and a branch inside another unroll.

func.func @deep(%x: memref<4x8xf32>, %c: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  pto.unroll %i = 0 to 2 {
    pto.range %s = %c0 to %c2 step %c1 {
      scf.if %c {
        pto.unroll %k = 0 to 2 {
          %r = arith.addi %i, %k : index
          %v = pto.load %x[%r, %s] : memref<4x8xf32> -> tensor<1x1xf32>
          pto.store %v, %x[%r, %c0] : tensor<1x1xf32>, memref<4x8xf32>
        }
      }
    }
  }
  func.return
}

// DEEP-NOT:  pto.unroll
// DEEP:      pto.range %s = %c0 to %c2 step %c1 {
// DEEP-NEXT:   scf.if %c {
// DEEP-NEXT:     %v = pto.load %x[%c0, %s]
// DEEP-NEXT:     pto.store %v, %x[%c0, %c0]
// DEEP-NEXT:     %v_1 = pto.load %x[%c1, %s]
// DEEP-NEXT:     pto.store %v_1, %x[%c1, %c0]
// DEEP-NEXT:   }
// DEEP-NEXT: }
// DEEP-NEXT: pto.range %s_1 = %c0 to %c2 step %c1 {
// DEEP-NEXT:   scf.if %c {
// DEEP-NEXT:     %v_2 = pto.load %x[%c1, %s_1]
// DEEP-NEXT:     pto.store %v_2, %x[%c1, %c0]
// DEEP-NEXT:     %v_3 = pto.load %x[%c2, %s_1]
// DEEP-NEXT:     pto.store %v_3, %x[%c2, %c0]
// DEEP-NOT:  pto.unroll
