// 3 does not divide 64: an error by default, a guarded partial last group on request.
// RUN: not pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=3}' 2>&1 | filecheck %s --check-prefix=ERR
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=3 remainder=guard}' | filecheck %s --check-prefix=GUARD

// ERR-NOT: Traceback
// ERR: softmax_pool.mlir:11:3: error: 'pto.spmd' op 64 tasks cannot be grouped by 3: 3 does not divide 64; use remainder=guard
// ERR-NOT: Traceback

// ceil(64 / 3) = 22 groups; the last one runs tasks 63 (and skips 64, 65).
// GUARD:      pto.spmd %g = 0 to 22 name "softmax_pool" core vector {
// GUARD-NEXT:   %group_size = arith.constant 3 : index
// GUARD-NEXT:   %group_base = arith.muli %g, %group_size : index
// GUARD-NEXT:   pto.unroll %j = 0 to 3 {
// GUARD-NEXT:     %b = arith.addi %group_base, %j : index
// GUARD-NEXT:     %num_tasks = arith.constant 64 : index
// GUARD-NEXT:     %in_range = arith.cmpi slt, %b, %num_tasks : index
// GUARD-NEXT:     scf.if %in_range {
// GUARD-NEXT:       %c0 = arith.constant 0 : index
// GUARD:            %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
// GUARD:            pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
// GUARD-NEXT:     }
// GUARD-NEXT:   }
// GUARD-NEXT: }
// GUARD-NEXT: }
// GUARD-NEXT: }
// GUARD-NEXT: func.return
