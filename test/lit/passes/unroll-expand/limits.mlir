// An expansion that would create more than max_ops ops is refused with a diagnostic on
// the outermost unroll; bad options are clean errors.
// RUN: pto-opt %s -p 'pto-unroll-expand{max_ops=100}' --verify-diagnostics
// RUN: not pto-opt %s -p 'pto-unroll-expand{max_ops=100}' 2>&1 | filecheck %s
// RUN: pto-opt %s -p 'pto-unroll-expand{max_ops=10000}' | filecheck %s --check-prefix=OK
// RUN: not pto-opt %s -p 'pto-unroll-expand{max_ops=0}' 2>&1 | filecheck %s --check-prefix=ZERO
// RUN: not pto-opt %s -p 'pto-unroll-expand{max_ops=lots}' 2>&1 | filecheck %s --check-prefix=TYPE

func.func @big(%x: memref<64xf32>) {
  // expected-error@+1 {{'pto.unroll' op expanding the unrolled loops would create more than 100 ops; use a pto.range, or raise pto-unroll-expand{max_ops=...}}}
  pto.unroll %i = 0 to 16 {
    pto.unroll %k = 0 to 16 {
      %v = pto.load %x[%k] : memref<64xf32> -> tensor<1xf32>
      pto.store %v, %x[%i] : tensor<1xf32>, memref<64xf32>
    }
  }
  func.return
}
// CHECK-NOT: Traceback
// CHECK: limits.mlir:[[# @LINE - 9]]:3: error: 'pto.unroll' op expanding the unrolled loops would create more than 100 ops; use a pto.range, or raise pto-unroll-expand{max_ops=...}
// CHECK-NOT: Traceback

// OK-NOT: pto.unroll
// OK-COUNT-256: pto.store
// OK-NOT: pto.store

// ZERO: pto-opt: error: bad pass pipeline 'pto-unroll-expand{max_ops=0}': pto-unroll-expand: max_ops must be positive, got 0
// TYPE: pto-opt: error: bad pass pipeline 'pto-unroll-expand{max_ops=lots}'
