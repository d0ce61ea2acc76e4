// POOL_GROUP = 4: 16 tasks of 4 unrolled batches; task id = %g * 4 + %j.
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=4}' | filecheck %s

// CHECK:      pto.spmd %g = 0 to 16 name "softmax_pool" core vector {
// CHECK-NEXT:   %group_size = arith.constant 4 : index
// CHECK-NEXT:   %group_base = arith.muli %g, %group_size : index
// CHECK-NEXT:   pto.unroll %j = 0 to 4 {
// CHECK-NEXT:     %b = arith.addi %group_base, %j : index
// CHECK:          %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
// CHECK:          pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
// CHECK-NOT:  pto.unroll
// CHECK-NOT:  pto.spmd
