// Path sensitivity through nested scf.if: dependence is decided per path.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics | filecheck %s

// A leak two ifs deep: passed through when %ga is true and %gb is false, recomputed
// when %gb is true (and updated when %ga is false). The gate is the inner scf.if.
func.func @inner_gate(%x: memref<8x4xf32>, %fa: memref<8xi32>, %fb: memref<8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    %a = pto.read %fa[%i] : memref<8xi32> -> i32
    %b = pto.read %fb[%i] : memref<8xi32> -> i32
    %ga = arith.cmpi ne, %a, %c0_i32 : i32
    %gb = arith.cmpi ne, %b, %c0_i32 : i32
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %o = scf.if %ga -> (tensor<1x4xf32>) {
      %in = scf.if %gb -> (tensor<1x4xf32>) {
        %e = math.exp %v : tensor<1x4xf32>
        scf.yield %e : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      scf.yield %in : tensor<1x4xf32>
    } else {
      %u = arith.addf %m, %v : tensor<1x4xf32>
      scf.yield %u : tensor<1x4xf32>
    }
    pto.store %o, %x[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %o : tensor<1x4xf32>
  } {pto.batch}
  func.return
}

// CHECK: nested-ifs.mlir:{{[0-9]+}}:3: error: 'pto.range' op pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %m from one batch into the next under a data-dependent gate (the scf.if at {{.*}}nested-ifs.mlir:{{[0-9]+}}:7 on %gb): when %ga is true and %gb is false, %m is passed through unchanged; when %gb is true, it is recomputed from scratch;

// -----

// Updated or passed through on every path of two nested ifs: a reduction, clean.
func.func @nested_reduction(%x: memref<8x4xf32>, %fa: memref<8xi32>, %fb: memref<8xi32>, %y: memref<1x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    %a = pto.read %fa[%i] : memref<8xi32> -> i32
    %b = pto.read %fb[%i] : memref<8xi32> -> i32
    %ga = arith.cmpi ne, %a, %c0_i32 : i32
    %gb = arith.cmpi ne, %b, %c0_i32 : i32
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %o = scf.if %ga -> (tensor<1x4xf32>) {
      %in = scf.if %gb -> (tensor<1x4xf32>) {
        %u = arith.maximumf %m, %v : tensor<1x4xf32>
        scf.yield %u : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      scf.yield %in : tensor<1x4xf32>
    } else {
      scf.yield %m : tensor<1x4xf32>
    }
    pto.yield %o : tensor<1x4xf32>
  }
  pto.store %r, %y[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
  func.return
}

// CHECK-NOT: error
// CHECK: func.func @nested_reduction
// CHECK: %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero)

// -----

// Two results of the same scf.if are correlated: %o#0 + %o#1 depends on %m on both
// paths (no infeasible "then of one, else of the other" combination): a reduction.
func.func @correlated(%x: memref<8x4xf32>, %fa: memref<8xi32>, %y: memref<1x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    %a = pto.read %fa[%i] : memref<8xi32> -> i32
    %ga = arith.cmpi ne, %a, %c0_i32 : i32
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %o:2 = scf.if %ga -> (tensor<1x4xf32>, tensor<1x4xf32>) {
      scf.yield %v, %m : tensor<1x4xf32>, tensor<1x4xf32>
    } else {
      scf.yield %m, %v : tensor<1x4xf32>, tensor<1x4xf32>
    }
    %s = arith.addf %o#0, %o#1 : tensor<1x4xf32>
    pto.yield %s : tensor<1x4xf32>
  }
  pto.store %r, %y[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
  func.return
}

// CHECK-NOT: error
// CHECK: func.func @correlated
