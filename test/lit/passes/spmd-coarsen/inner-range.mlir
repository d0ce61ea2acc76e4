// inner=range: the grouped tasks run in a runtime pto.range instead of a trace-time unroll.
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2 inner=range}' | filecheck %s
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=4 inner=range remainder=guard}' | filecheck %s --check-prefix=GUARD
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2 inner=range}' | filecheck %s --check-prefix=SEED

func.func @k(%x: memref<6x8xf32>, %y: memref<6x8xf32>) {
  pto.spmd %t = 0 to 6 name "exp" core vector {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%t, %c0] : memref<6x8xf32> -> tensor<1x8xf32>
    %e = math.exp %v : tensor<1x8xf32>
    pto.store %e, %y[%t, %c0] : tensor<1x8xf32>, memref<6x8xf32>
  }
  func.return
}

// CHECK:      pto.spmd %g = 0 to 3 name "exp" core vector {
// CHECK-NEXT:   %group_size = arith.constant 2 : index
// CHECK-NEXT:   %group_base = arith.muli %g, %group_size : index
// CHECK-NEXT:   %j_lb = arith.constant 0 : index
// CHECK-NEXT:   %j_step = arith.constant 1 : index
// CHECK-NEXT:   pto.range %j = %j_lb to %group_size step %j_step {
// CHECK-NEXT:     %t = arith.addi %group_base, %j : index
// CHECK-NEXT:     %c0 = arith.constant 0 : index
// CHECK-NEXT:     %v = pto.load %x[%t, %c0] : memref<6x8xf32> -> tensor<1x8xf32>
// CHECK-NEXT:     %e = math.exp %v : tensor<1x8xf32>
// CHECK-NEXT:     pto.store %e, %y[%t, %c0] : tensor<1x8xf32>, memref<6x8xf32>
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NOT:  pto.unroll

// GUARD:      pto.spmd %g = 0 to 2 name "exp" core vector {
// GUARD:        pto.range %j = %j_lb to %group_size step %j_step {
// GUARD-NEXT:     %t = arith.addi %group_base, %j : index
// GUARD-NEXT:     %num_tasks = arith.constant 6 : index
// GUARD-NEXT:     %in_range = arith.cmpi slt, %t, %num_tasks : index
// GUARD-NEXT:     scf.if %in_range {

// SEED:       pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
// SEED:         pto.range %j = %j_lb to %group_size step %j_step {
// SEED-NEXT:      %b = arith.addi %group_base, %j : index
// SEED:           %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
// SEED-NOT:   pto.unroll
