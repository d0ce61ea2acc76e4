// A value passed through unchanged across two levels of scf.if and an inner loop is
// still "the incoming value": recognized as a pass-through, so the carry leaks.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics | filecheck %s
// RUN: pto-opt %s --split-input-file -p pto-privatize-carries | filecheck %s --check-prefix=FIX

func.func @two_levels(%x: memref<8x4xf32>, %fa: memref<8xi32>, %fb: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    %a = pto.read %fa[%i] : memref<8xi32> -> i32
    %b = pto.read %fb[%i] : memref<8xi32> -> i32
    %ga = arith.cmpi ne, %a, %c0_i32 : i32
    %gb = arith.cmpi ne, %b, %c0_i32 : i32
    %o = scf.if %ga -> (tensor<1x4xf32>) {
      %l = pto.range %k = %c0 to %c4 step %c1 iter_args(%t = %m) -> (tensor<1x4xf32>) {
        %in = scf.if %gb -> (tensor<1x4xf32>) {
          scf.yield %t : tensor<1x4xf32>
        } else {
          scf.yield %t : tensor<1x4xf32>
        }
        pto.yield %in : tensor<1x4xf32>
      }
      scf.yield %l : tensor<1x4xf32>
    } else {
      %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      scf.yield %v : tensor<1x4xf32>
    }
    pto.store %o, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %o : tensor<1x4xf32>
  } {pto.batch}
  func.return
}

// CHECK: pass-through-two-levels.mlir:{{[0-9]+}}:3: error: 'pto.range' op pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the scf.if at {{.*}}pass-through-two-levels.mlir:{{[0-9]+}}:5 on %ga): when %ga is true, %m is passed through unchanged; when false, it is recomputed from scratch;

// The fix replaces the incoming value by the initial one (here: as the inner loop's
// initial value) and drops the carry.
// FIX:      pto.range %i = %c0 to %c8 step %c1 {
// FIX:        %l = pto.range %k = %c0 to %c4 step %c1 iter_args(%t = %zero) -> (tensor<1x4xf32>) {

// -----

// Updated (not just passed) two levels down, recomputed at the top: still a leak, and
// the message says "updated".
func.func @updated(%x: memref<8x4xf32>, %fa: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    %a = pto.read %fa[%i] : memref<8xi32> -> i32
    %ga = arith.cmpi ne, %a, %c0_i32 : i32
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %o = scf.if %ga -> (tensor<1x4xf32>) {
      scf.yield %v : tensor<1x4xf32>
    } else {
      %u = arith.addf %m, %v : tensor<1x4xf32>
      scf.yield %u : tensor<1x4xf32>
    }
    pto.store %o, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %o : tensor<1x4xf32>
  } {pto.batch}
  func.return
}

// CHECK: pass-through-two-levels.mlir:{{[0-9]+}}:3: error: 'pto.range' op pto.range %i is a batch loop {{.*}} leaks %m {{.*}} (the scf.if at {{.*}} on %ga): when %ga is false, %m is updated from the previous iteration's value; when true, it is recomputed from scratch;
// FIX-LABEL: func.func @updated
// FIX:         %u = arith.addf %zero, %v : tensor<1x4xf32>
