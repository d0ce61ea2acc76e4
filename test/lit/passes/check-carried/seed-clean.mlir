// The seed's softmax_pool is clean: the window loops' mi/li/oi are reductions (the
// `scf.if %valid` that updates them or passes them through is still a reduction), and
// nothing crosses batches. Checking changes nothing and prints nothing.
// RUN: pto-opt %examples/softmax_pool.mlir > %t.seed.mlir
// RUN: pto-opt %examples/softmax_pool.mlir -p pto-check-carried 2>&1 | diff %t.seed.mlir -
// RUN: pto-opt %examples/softmax_pool.mlir -p pto-privatize-carries 2>&1 | diff %t.seed.mlir -
//
// Grouped by a trace-time unroll (G = 2), hand-written: clean.
// RUN: pto-opt %S/Inputs/softmax_pool_grouped_unroll.mlir > %t.unroll.mlir
// RUN: pto-opt %S/Inputs/softmax_pool_grouped_unroll.mlir -p pto-check-carried 2>&1 | diff %t.unroll.mlir -
//
// Grouped by pto-spmd-coarsen, unroll and range (the batch loop, marked {pto.batch},
// carries nothing, in values or in memory): clean.
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2}' > %t.cu.mlir
// RUN: pto-opt %t.cu.mlir -p pto-check-carried 2>&1 | diff %t.cu.mlir -
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2 inner=range}' > %t.cr.mlir
// RUN: pto-opt %t.cr.mlir -p pto-check-carried 2>&1 | diff %t.cr.mlir -
// RUN: filecheck %s --input-file %t.unroll.mlir

// CHECK: pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
// CHECK:   pto.unroll %j = 0 to 2 {
// CHECK:     %b = arith.addi %gbase, %j : index
