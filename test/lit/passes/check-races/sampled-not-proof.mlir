// A sampled search never proves disjointness (issue 12, finding 1). 100 tasks and a
// loop of 101 iterations make 100 * 100 * 101 = 1010000 combinations, just over the
// default budget of 10^6 (the check used to count only the 100 * 99 * 101 = 999900
// pairs of distinct tasks, call that exhaustive, and then sample the grid). Task t
// writes out[t, 60], and in the loop, at k = 60 only (a value the sample skips),
// out[(t + 37) mod 100, k], so tasks t and (t + 37) mod 100 both write that element:
// the old check said nothing, and `pto-run --task-order reverse` changed the output.
// RUN: pto-opt %s -p pto-check-races --verify-diagnostics
// RUN: not pto-opt %s -p pto-check-races 2>&1 | filecheck %s
// A budget that covers the whole grid finds the witness.
// RUN: not pto-opt %s -p 'pto-check-races{max_points=1010000}' 2>&1 | filecheck %s --check-prefix=BIG

// CHECK: error: 'pto.store' op may race: cannot prove that different tasks write disjoint parts of out {{.*}}: 1010000 combinations of task pairs and loop values are too many to enumerate (limit 1000000); a sampled search of {{[0-9]+}} of them found no overlap, which proves nothing
// BIG: error: 'pto.store' op race: tasks {{[0-9]+}} and {{[0-9]+}} both write out[{{[0-9]+}}, 60]
func.func @shifted(%x: memref<1x1xf32>, %out: memref<100x101xf32>) {
  pto.spmd %t = 0 to 100 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c37 = arith.constant 37 : index
    %c100 = arith.constant 100 : index
    %c101 = arith.constant 101 : index
    %s = arith.addi %t, %c37 : index
    %r = arith.remui %s, %c100 : index
    %v = pto.load %x[%c0, %c0] : memref<1x1xf32> -> tensor<1x1xf32>
    %c60 = arith.constant 60 : index
    // expected-error@+1 {{may race: cannot prove that different tasks write disjoint parts of out}}
    pto.store %v, %out[%t, %c60] : tensor<1x1xf32>, memref<100x101xf32>
    pto.range %k = %c0 to %c101 step %c1 {
      %at60 = arith.cmpi eq, %k, %c60 : index
      scf.if %at60 {
        pto.store %v, %out[%r, %k] : tensor<1x1xf32>, memref<100x101xf32>
      }
      pto.yield
    }
  }
  func.return
}
