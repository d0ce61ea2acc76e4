// Analysable indices that are neither proved disjoint nor refuted are an error ("may
// race"): too many combinations to enumerate, or a run-time task count without a
// symbolic argument. A larger enumeration budget decides the static case.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics | filecheck %s
// RUN: pto-opt %s --split-input-file -p 'pto-check-races{max_points=2000000}' --verify-diagnostics | filecheck %s --check-prefix=BIG

// row = 3 * t mod 1024 is a permutation of the 1024 tasks, but 1024 * 1023 task pairs
// exceed the default budget of 10^6 combinations.
func.func @permutation(%x: memref<1x64xf32>, %out: memref<1024x64xf32>) {
  pto.spmd %t = 0 to 1024 {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %c1024 = arith.constant 1024 : index
    %t3 = arith.muli %t, %c3 : index
    %r = arith.remui %t3, %c1024 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<1024x64xf32>
    // CHECK: undecided.mlir:[[# @LINE - 1]]:5: error: 'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at {{.*}} and store at {{.*}}): 1048576 combinations of task pairs and loop values are too many to enumerate (limit 1000000); a sampled search of {{[0-9]+}} of them found no overlap, which proves nothing, and no symbolic argument applies
    // BIG: func.func @permutation
    // BIG-NOT: error
    // BIG: func.return
  }
  func.return
}

// -----

// The same permutation of a block of 1024 rows, for a task count known at run time.
func.func @dynamic(%n: index, %x: memref<1x64xf32>, %out: memref<?x64xf32>) {
  pto.spmd %t = 0 to %n {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %c1024 = arith.constant 1024 : index
    %t3 = arith.muli %t, %c3 : index
    %r = arith.remui %t3, %c1024 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<?x64xf32>
    // CHECK: undecided.mlir:[[# @LINE - 1]]:5: error: 'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at {{.*}} and store at {{.*}}): the task count is only known at run time, and no argument covers every count (searched task ids below 64 without finding an overlap)
    // BIG: undecided.mlir:[[# @LINE - 2]]:5: error: 'pto.store' op may race
  }
  func.return
}
