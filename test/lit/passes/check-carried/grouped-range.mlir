// The seed grouped by a runtime batch loop with mi, li, oi carried across batches under
// the gate (examples/softmax_pool_grouped_range.mlir, whose loop is marked {pto.batch}):
// a leak naming all three, the loop, the gate and both paths, in one diagnostic.
// RUN: pto-opt %examples/softmax_pool_grouped_range.mlir -p pto-check-carried --verify-diagnostics | filecheck %s
// RUN: not pto-opt %examples/softmax_pool_grouped_range.mlir -p pto-check-carried 2>&1 | filecheck %s --check-prefixes=CHECK,WARN
//
// pto-privatize-carries privatizes them per batch (every batch starts from %acc0, as every task of
// the per-batch kernel does), drops the then-needless carries of the batch loop and of
// the head-tile loop, and the result passes the check with no diagnostic at all.
// RUN: pto-opt %examples/softmax_pool_grouped_range.mlir -p pto-privatize-carries > %t.fixed.mlir
// RUN: pto-opt %t.fixed.mlir -p pto-check-carried 2>&1 | diff %t.fixed.mlir -
// RUN: filecheck %s --input-file %t.fixed.mlir --check-prefix=FIXED

// WARN: softmax_pool_grouped_range.mlir:{{[0-9]+}}:9: warning: 'pto.range' op pto.range %hb carries %mi_h, %li_h and %oi_h but recomputes them from scratch on every iteration and never reads the incoming value
// CHECK: softmax_pool_grouped_range.mlir:{{[0-9]+}}:5: error: 'pto.range' op pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %mi, %li and %oi from one batch into the next under a data-dependent gate (the scf.if at {{.*}}softmax_pool_grouped_range.mlir:{{[0-9]+}}:7 on %gate): when %gate is false, %mi, %li and %oi are passed through unchanged; when true, they are recomputed from scratch; so batch i+1 can observe batch i's state.
// CHECK-SAME: {pto.intended_carry = [0, 1, 2]}

// FIXED:      pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
// FIXED:        %acc0 = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
// FIXED:        pto.range %j = %c0 to %c2 step %c1 {
// FIXED-NEXT:     %b = arith.addi %gbase, %j : index
// FIXED:          scf.if %gate {
// FIXED:            pto.range %hb = %c0 to %c8 step %c1 {
// FIXED:              %w1, %w1_1, %w1_2 = pto.range %s = %c0 to %c4 step %c1 iter_args(%mw = %mi0, %lw = %li0, %ow = %oi0)
// FIXED:              pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
// FIXED-NEXT:       }
// FIXED-NEXT:     }
// FIXED-NEXT:   } {pto.batch}
// FIXED-NEXT: }
// FIXED-NOT:  iter_args(%mi
// FIXED-NOT:  scf.yield %mi
