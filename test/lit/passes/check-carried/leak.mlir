// The leak shape in a loop that is not marked as a batch loop: under a data-dependent
// gate the carried values are recomputed from scratch, otherwise passed through. The
// loop may run over one task's own data (a legal segmented computation), so this is a
// warning, one per loop, naming the values, the gate (the scf.if's file:line:col and
// its condition), both paths, and how to mark the loop if its iterations stand for
// tasks. pto-privatize-carries leaves an unmarked loop alone.
// RUN: pto-opt %s -p pto-check-carried --verify-diagnostics
// RUN: pto-opt %s -p pto-check-carried 2>&1 >/dev/null | filecheck %s
// RUN: pto-opt %s > %t.mlir
// RUN: pto-opt %s -p pto-privatize-carries | diff %t.mlir -

func.func @leak(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-warning@+1 {{pto.range %i is not marked as a batch loop, but its carries %m and %n have the leak shape}}
  %r:2 = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero, %n = %zero) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
    %f = pto.read %flags[%i] : memref<8xi32> -> i32
    %on = arith.cmpi ne, %f, %c0_i32 : i32
    %next:2 = scf.if %on -> (tensor<1x4xf32>, tensor<1x4xf32>) {
      %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %e = math.exp %v : tensor<1x4xf32>
      scf.yield %e, %v : tensor<1x4xf32>, tensor<1x4xf32>
    } else {
      scf.yield %m, %n : tensor<1x4xf32>, tensor<1x4xf32>
    }
    %s = arith.addf %next#0, %next#1 : tensor<1x4xf32>
    pto.store %s, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %next#0, %next#1 : tensor<1x4xf32>, tensor<1x4xf32>
  }
  func.return
}

// CHECK: warning: 'pto.range' op pto.range %i is not marked as a batch loop, but its carries %m and %n have the leak shape under a data-dependent gate (the scf.if at {{.*}}leak.mlir:{{[0-9]+}}:5 on %on): when %on is false, %m and %n are passed through unchanged; when true, they are recomputed from scratch. If the iterations of pto.range %i stand for distinct tasks, mark it with {pto.batch} (pto-check-carried then rejects the carry, and pto-privatize-carries restarts every iteration from the initial value); if the carry is intended, mark it with {pto.intended_carry = [0, 1]}
// CHECK-NOT: error
