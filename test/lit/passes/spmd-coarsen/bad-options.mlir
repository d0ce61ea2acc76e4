// Bad options: a clean one-line error and a non-zero exit, never a traceback.
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=abc}' 2>&1 | filecheck %s --check-prefix=ABC
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=2.5}' 2>&1 | filecheck %s --check-prefix=FLOAT
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=0}' 2>&1 | filecheck %s --check-prefix=ZERO
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=-1}' 2>&1 | filecheck %s --check-prefix=NEG
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=2 inner=loop}' 2>&1 | filecheck %s --check-prefix=INNER
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=2 remainder=pad}' 2>&1 | filecheck %s --check-prefix=REM
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=2 scope=7}' 2>&1 | filecheck %s --check-prefix=SCOPE
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=2 grain=4}' 2>&1 | filecheck %s --check-prefix=UNKNOWN
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=99999999999999999999 remainder=guard}' 2>&1 | filecheck %s --check-prefix=HUGE
// A factor larger than the task count (a diagnostic on the op, with its location).
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=9}' 2>&1 | filecheck %s --check-prefix=BIG
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=9 remainder=guard}' --verify-diagnostics
// RUN: not pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=128 remainder=guard}' 2>&1 | filecheck %s --check-prefix=BIG-SEED

func.func @k(%x: memref<8x8xf32>) {
  // expected-error@+1 {{'pto.spmd' op 8 tasks cannot be grouped by 9: the factor exceeds the task count}}
  pto.spmd %t = 0 to 8 name "k" {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%t, %c0] : memref<8x8xf32> -> tensor<1x8xf32>
    pto.store %v, %x[%t, %c0] : tensor<1x8xf32>, memref<8x8xf32>
  }
  func.return
}

// ABC-NOT: Traceback
// ABC: pto-opt: error: bad pass pipeline 'pto-spmd-coarsen{factor=abc}': pto-spmd-coarsen: option factor must be an integer, got 'abc'
// ABC-NOT: Traceback
// FLOAT: pto-spmd-coarsen: option factor must be an integer, got '2.5'
// ZERO-NOT: Traceback
// ZERO: pto-opt: error: bad pass pipeline 'pto-spmd-coarsen{factor=0}': pto-spmd-coarsen: factor must be a positive number of tasks per group, got 0
// ZERO-NOT: Traceback
// NEG-NOT: Traceback
// NEG: pto-opt: error: bad pass pipeline 'pto-spmd-coarsen{factor=-1}': pto-spmd-coarsen: factor must be a positive number of tasks per group, got -1
// NEG-NOT: Traceback
// INNER: pto-spmd-coarsen: inner must be one of unroll, range, got 'loop'
// REM: pto-spmd-coarsen: remainder must be one of error, guard, got 'pad'
// SCOPE: pto-spmd-coarsen: option scope must be a name (quote it: scope="7"), got '7'
// UNKNOWN: pto-opt: error: bad pass pipeline {{.*}}grain
// HUGE: pto-spmd-coarsen: factor 99999999999999999999 is too large (at most 2147483647)
// BIG-NOT: Traceback
// BIG: bad-options.mlir:[[# @LINE - 24]]:3: error: 'pto.spmd' op 8 tasks cannot be grouped by 9: the factor exceeds the task count
// BIG-NOT: Traceback
// BIG-SEED: softmax_pool.mlir:11:3: error: 'pto.spmd' op 64 tasks cannot be grouped by 128: the factor exceeds the task count
