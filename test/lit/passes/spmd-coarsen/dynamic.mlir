// A task count known only at run time: grouping needs remainder=guard; the new count
// (N + G - 1) floordiv G is computed before the pto.spmd, and every task is guarded.
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=4 remainder=guard}' | filecheck %s
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=4}' --verify-diagnostics
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=4 remainder=error}' 2>&1 | filecheck %s --check-prefix=ERR

func.func @dyn(%x: memref<?x8xf32>, %y: memref<?x8xf32>, %n: index) {
  // expected-error@+1 {{'pto.spmd' op the task count is only known at run time, so grouping by 4 may leave a partial group; use remainder=guard}}
  pto.spmd %t = 0 to %n name "rows" {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%t, %c0] : memref<?x8xf32> -> tensor<1x8xf32>
    %e = math.exp %v : tensor<1x8xf32>
    pto.store %e, %y[%t, %c0] : tensor<1x8xf32>, memref<?x8xf32>
  }
  func.return
}

// CHECK:      func.func @dyn(%x: memref<?x8xf32>, %y: memref<?x8xf32>, %n: index) {
// CHECK-NEXT:   %group_size_m1 = arith.constant 3 : index
// CHECK-NEXT:   %group_size = arith.constant 4 : index
// CHECK-NEXT:   %padded_tasks = arith.addi %n, %group_size_m1 : index
// CHECK-NEXT:   %num_groups = arith.floordivsi %padded_tasks, %group_size : index
// CHECK-NEXT:   pto.spmd %g = 0 to %num_groups name "rows" {
// CHECK-NEXT:     %group_size_1 = arith.constant 4 : index
// CHECK-NEXT:     %group_base = arith.muli %g, %group_size_1 : index
// CHECK-NEXT:     pto.unroll %j = 0 to 4 {
// CHECK-NEXT:       %t = arith.addi %group_base, %j : index
// CHECK-NEXT:       %in_range = arith.cmpi slt, %t, %n : index
// CHECK-NEXT:       scf.if %in_range {
// CHECK-NEXT:         %c0 = arith.constant 0 : index
// CHECK-NEXT:         %v = pto.load %x[%t, %c0] : memref<?x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT:         %e = math.exp %v : tensor<1x8xf32>
// CHECK-NEXT:         pto.store %e, %y[%t, %c0] : tensor<1x8xf32>, memref<?x8xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   func.return

// ERR-NOT: Traceback
// ERR: dynamic.mlir:[[# @LINE - 31]]:3: error: 'pto.spmd' op the task count is only known at run time, so grouping by 4 may leave a partial group; use remainder=guard
// ERR-NOT: Traceback
