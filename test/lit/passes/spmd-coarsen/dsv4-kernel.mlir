// The whole standalone seed kernel: the seed change is `scope=softmax_pool`; the other
// four scopes are left exactly as they were.
// RUN: pto-opt %examples/dsv4_compressor_ratio4/kernel.mlir -p 'pto-spmd-coarsen{factor=2 scope=softmax_pool},pto-unroll-expand' | filecheck %s
// Without scope= every scope is grouped, and the one-task scope cannot be.
// RUN: not pto-opt %examples/dsv4_compressor_ratio4/kernel.mlir -p 'pto-spmd-coarsen{factor=2}' 2>&1 | filecheck %s --check-prefix=ALL
// The other scopes are the same: drop the softmax_pool scope from both outputs, and the
// `_N` suffixes the printer adds to repeated SSA names, and compare.
// RUN: pto-opt %examples/dsv4_compressor_ratio4/kernel.mlir | sed -e '/name "softmax_pool"/,/name "rmsnorm_rope"/d' -e 's/_[0-9][0-9]*\b//g' > %t.plain
// RUN: pto-opt %examples/dsv4_compressor_ratio4/kernel.mlir -p 'pto-spmd-coarsen{factor=2 scope=softmax_pool}' | sed -e '/name "softmax_pool"/,/name "rmsnorm_rope"/d' -e 's/_[0-9][0-9]*\b//g' | diff %t.plain -

// CHECK:      pto.spmd %i = 0 to 32 name "kv_score_proj" core cube {
// CHECK:      pto.spmd %g = 0 to 1 name "state_scatter_paged" core vector {
// CHECK:      pto.spmd %g_1 = 0 to 32 name "softmax_pool" core vector {
// CHECK-NEXT:   %group_size = arith.constant 2 : index
// CHECK-NEXT:   %group_base = arith.muli %g_1, %group_size : index
// CHECK-NOT:    pto.unroll
// CHECK:      pto.spmd %t_1 = 0 to 4 name "rmsnorm_rope" core vector {
// CHECK:      pto.spmd %t_2 = 0 to 4 name "kv_and_cache_write" core vector {
// CHECK-NOT:  pto.unroll

// ALL: kernel.mlir:74:3: error: 'pto.spmd' op 1 task cannot be grouped by 2: the factor exceeds the task count; choose the scope to coarsen with scope=NAME
