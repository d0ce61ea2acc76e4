// The same leak in a loop marked {pto.batch} (its iterations stand for distinct tasks):
// an error naming the values, the loop, the gate and both paths.
// RUN: pto-opt %s -p pto-check-carried --verify-diagnostics
// RUN: not pto-opt %s -p pto-check-carried 2>&1 | filecheck %s
//
// pto-privatize-carries privatizes per batch: the pass-through path yields the initial
// value instead, and the (now needless) carry is dropped. The result passes the check.
// RUN: pto-opt %s -p pto-privatize-carries > %t.fixed.mlir
// RUN: pto-opt %t.fixed.mlir -p pto-check-carried 2>&1 | diff %t.fixed.mlir -
// RUN: filecheck %s --input-file %t.fixed.mlir --check-prefix=FIX

func.func @leak(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m and %n from one batch into the next}}
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
  } {pto.batch}
  func.return
}

// CHECK: error: 'pto.range' op pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m and %n from one batch into the next under a data-dependent gate (the scf.if at {{.*}}batch-leak.mlir:{{[0-9]+}}:5 on %on): when %on is false, %m and %n are passed through unchanged; when true, they are recomputed from scratch; so batch i+1 can observe batch i's state. Privatize them per batch (pto-privatize-carries restarts every batch from the initial value) or mark the carry as intended with {pto.intended_carry = [0, 1]}

// FIX:      pto.range %i = %c0 to %c8 step %c1 {
// FIX:        %next, %next_1 = scf.if %on -> (tensor<1x4xf32>, tensor<1x4xf32>) {
// FIX:        } else {
// FIX-NEXT:     scf.yield %zero, %zero : tensor<1x4xf32>, tensor<1x4xf32>
// FIX-NEXT:   }
// FIX-NEXT:   %s = arith.addf %next, %next_1 : tensor<1x4xf32>
// FIX-NEXT:   pto.store %s, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
// FIX-NEXT: } {pto.batch}
