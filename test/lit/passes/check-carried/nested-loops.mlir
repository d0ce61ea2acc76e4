// Dependence through nested loops: a value computed from the iter_arg through an inner
// loop's iter_args and results depends on it; an inner loop whose trip count is not a
// constant may run no iterations and then passes its initial value through.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics -o %t.out 2>&1 | filecheck %s --check-prefix=WARN
// RUN: filecheck %s --input-file %t.out

// A reduction through an inner pto.range (static and dynamic trip count) and an inner
// pto.unroll: clean.
func.func @through_inner(%x: memref<8x4xf32>, %y: memref<1x4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (tensor<1x4xf32>) {
    %s = pto.range %k = %c0 to %c4 step %c1 iter_args(%a = %acc) -> (tensor<1x4xf32>) {
      %v = pto.load %x[%k, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %a2 = arith.addf %a, %v : tensor<1x4xf32>
      pto.yield %a2 : tensor<1x4xf32>
    }
    %d = pto.range %k = %c0 to %n step %c1 iter_args(%a = %s) -> (tensor<1x4xf32>) {
      %v = pto.load %x[%k, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %a2 = arith.mulf %a, %v : tensor<1x4xf32>
      pto.yield %a2 : tensor<1x4xf32>
    }
    %u = pto.unroll %j = 0 to 2 iter_args(%a = %d) -> (tensor<1x4xf32>) {
      %e = math.exp %a : tensor<1x4xf32>
      pto.yield %e : tensor<1x4xf32>
    }
    pto.yield %u : tensor<1x4xf32>
  }
  pto.store %r, %y[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
  func.return
}

// CHECK-NOT: error
// CHECK: func.func @through_inner

// -----

// An inner loop with a runtime trip count that recomputes the value: when it runs no
// iterations %m is passed through, else it is recomputed: a leak whose gate is the
// inner loop.
func.func @maybe_empty(%x: memref<8x4xf32>, %y: memref<8x4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    // expected-warning@+1 {{pto.range %k carries %a but recomputes it from scratch on every iteration and never reads the incoming value: the carry only takes the last iteration's value out of the}}
    %s = pto.range %k = %c0 to %n step %c1 iter_args(%a = %m) -> (tensor<1x4xf32>) {
      %v = pto.load %x[%k, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.yield %v : tensor<1x4xf32>
    }
    pto.store %s, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %s : tensor<1x4xf32>
  } {pto.batch}
  func.return
}

// WARN: nested-loops.mlir:{{[0-9]+}}:5: warning: 'pto.range' op pto.range %k carries %a but recomputes it
// CHECK: nested-loops.mlir:{{[0-9]+}}:3: error: 'pto.range' op pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (pto.range %k at {{.*}}nested-loops.mlir:{{[0-9]+}}:5, whose trip count may be zero): when pto.range %k at {{.*}} runs no iterations, %m is passed through unchanged; when pto.range %k at {{.*}} runs at least once, it is recomputed from scratch;

// -----

// The same inner loop with a constant trip count always recomputes: the outer carry is
// a reset (its block argument only initializes the inner loop's own reset carry), so a
// warning for each loop and no error.
func.func @always_runs(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-warning@+1 {{pto.range %i carries %m but recomputes it from scratch on every iteration and never reads the incoming value: the carry is needless and makes all iterations share one}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    // expected-warning@+1 {{pto.range %k carries %a but recomputes it from scratch on every iteration and never reads the incoming value: the carry only takes the last iteration's value out of the}}
    %s = pto.range %k = %c0 to %c4 step %c1 iter_args(%a = %m) -> (tensor<1x4xf32>) {
      %v = pto.load %x[%k, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.yield %v : tensor<1x4xf32>
    }
    pto.store %s, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %s : tensor<1x4xf32>
  }
  func.return
}

// WARN: nested-loops.mlir:{{[0-9]+}}:3: warning: 'pto.range' op pto.range %i carries %m but recomputes it from scratch on every iteration and never reads the incoming value: the carry is needless
// WARN: nested-loops.mlir:{{[0-9]+}}:5: warning: 'pto.range' op pto.range %k carries %a but recomputes it
// CHECK-NOT: error
// CHECK: func.func @always_runs

// -----

// The gate is inside an inner loop: the diagnostic names it and the loop.
func.func @k(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    // expected-warning@+1 {{pto.range %k is not marked as a batch loop, but its carry %t has the leak shape under a data-dependent gate (the scf.if at}}
    %l = pto.range %k = %c0 to %c2 step %c1 iter_args(%t = %m) -> (tensor<1x4xf32>) {
      %f = pto.read %flags[%k] : memref<8xi32> -> i32
      %g = arith.cmpi ne, %f, %c0_i32 : i32
      %o = scf.if %g -> (tensor<1x4xf32>) {
        %v = pto.load %x[%k, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        scf.yield %v : tensor<1x4xf32>
      } else {
        scf.yield %t : tensor<1x4xf32>
      }
      pto.yield %o : tensor<1x4xf32>
    }
    pto.store %l, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %l : tensor<1x4xf32>
  } {pto.batch}
  func.return
}

// CHECK: error: 'pto.range' op pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the scf.if at {{.*}}nested-loops.mlir:{{[0-9]+}}:7 on %g): when %g is false in the iterations of pto.range %k at {{.*}}nested-loops.mlir:{{[0-9]+}}:5, %m is passed through unchanged; when %g is true in one of them, it is recomputed from scratch;
// The inner loop is not a batch loop: its own leak shape is a warning.
// WARN: warning: 'pto.range' op pto.range %k is not marked as a batch loop, but its carry %t has the leak shape
