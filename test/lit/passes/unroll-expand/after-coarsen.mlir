// The seed's grouped softmax_pool, expanded: no pto.unroll left, 32 (16) tasks, and each
// copy's batch index folded to %group_base or %group_base + k.
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2},pto-unroll-expand' | filecheck %s
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=4},pto-unroll-expand' | filecheck %s --check-prefix=G4
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=3 remainder=guard},pto-unroll-expand' | filecheck %s --check-prefix=G3

// CHECK-NOT:  pto.unroll
// CHECK:      pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
// CHECK-NEXT:   %group_size = arith.constant 2 : index
// CHECK-NEXT:   %group_base = arith.muli %g, %group_size : index
// CHECK:        %start_i32 = pto.read %start_pos[%group_base] : memref<64xi32> -> i32
// CHECK:        pto.store %out, %pooled[%group_base, %h0] : tensor<1x64xf32>, memref<64x512xf32>
// CHECK:        %[[B1:.*]] = arith.addi %group_base, %c1 : index
// CHECK-NEXT:   %start_i32_1 = pto.read %start_pos[%[[B1]]] : memref<64xi32> -> i32
// CHECK:        pto.store %out_1, %pooled[%[[B1]], %h0_1] : tensor<1x64xf32>, memref<64x512xf32>
// CHECK-NOT:  pto.read %start_pos
// CHECK-NOT:  pto.unroll
// The copies share one set of constants: each appears once in the scope.
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2},pto-unroll-expand' | grep -c 'arith.constant 1536 : index' | filecheck %s --check-prefix=ONCE
// ONCE: {{^}}1{{$}}

// G4:         pto.spmd %g = 0 to 16 name "softmax_pool" core vector {
// G4:           %start_i32 = pto.read %start_pos[%group_base]
// G4:           %[[B1:.*]] = arith.addi %group_base, %c1 : index
// G4-NEXT:      %start_i32_1 = pto.read %start_pos[%[[B1]]]
// G4:           %[[B2:.*]] = arith.addi %group_base, %{{.*}} : index
// G4-NEXT:      %start_i32_2 = pto.read %start_pos[%[[B2]]]
// G4:           %[[B3:.*]] = arith.addi %group_base, %c3 : index
// G4-NEXT:      %start_i32_3 = pto.read %start_pos[%[[B3]]]
// G4-NOT:     pto.read %start_pos
// G4-NOT:     pto.unroll

// G3:         pto.spmd %g = 0 to 22 name "softmax_pool" core vector {
// G3:           %num_tasks = arith.constant 64 : index
// G3-NEXT:      %in_range = arith.cmpi slt, %group_base, %num_tasks : index
// G3-NEXT:      scf.if %in_range {
// G3:           %[[B1:.*]] = arith.addi %group_base, %{{.*}} : index
// G3-NEXT:      %in_range_1 = arith.cmpi slt, %[[B1]], %num_tasks : index
// G3-NEXT:      scf.if %in_range_1 {
// G3:           %[[B2:.*]] = arith.addi %group_base, %{{.*}} : index
// G3-NEXT:      %in_range_2 = arith.cmpi slt, %[[B2]], %num_tasks : index
// G3-NEXT:      scf.if %in_range_2 {
// G3-NOT:     pto.unroll
