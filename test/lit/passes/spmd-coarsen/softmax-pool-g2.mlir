// The seed change, POOL_GROUP = 2: 64 tasks become 32 tasks of 2 unrolled batches.
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2}' | filecheck %s
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2 inner=unroll remainder=error}' | filecheck %s

// CHECK:      func.func @softmax_pool(
// CHECK-NEXT:   pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
// CHECK-NEXT:     %group_size = arith.constant 2 : index
// CHECK-NEXT:     %group_base = arith.muli %g, %group_size : index
// CHECK-NEXT:     pto.unroll %j = 0 to 2 {
// CHECK-NEXT:       %b = arith.addi %group_base, %j : index
// CHECK-NEXT:       %c0 = arith.constant 0 : index
// CHECK-NOT:        scf.if %in_range
// CHECK:            %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
// CHECK:            scf.if %gate {
// CHECK:              %last_page_i32 = pto.read %block_table[%b, %last_blk] : memref<64x65xi32> -> i32
// CHECK:              %page_i32 = pto.read %block_table[%b, %blk] : memref<64x65xi32> -> i32
// CHECK:              pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NEXT: func.return
// CHECK-NOT:  pto.spmd
