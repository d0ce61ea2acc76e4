// {pto.intended_carry = [k, ...]} (iter_arg positions, 0 first) marks carries as
// intended: they are neither reported nor changed. The property is verified: a position
// that is not an iter_arg is an error, and so is a name (SSA names are cosmetic: a
// printer may rename them).
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics
// pto-privatize-carries on the first two cases: privatize-carries/intended.mlir.

// A leak of %m in a batch loop, marked intended; %n still leaks and is reported alone.
func.func @partly(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.range %i is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %n from one batch into the next}}
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
  } {pto.batch, pto.intended_carry = [0]}
  func.return
}


// -----

// Both marked, by index: clean and unchanged.
func.func @by_index(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  %r:2 = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero, %n = %zero) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
    %f = pto.read %flags[%i] : memref<8xi32> -> i32
    %on = arith.cmpi ne, %f, %c0_i32 : i32
    %next:2 = scf.if %on -> (tensor<1x4xf32>, tensor<1x4xf32>) {
      %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      scf.yield %v, %v : tensor<1x4xf32>, tensor<1x4xf32>
    } else {
      scf.yield %m, %n : tensor<1x4xf32>, tensor<1x4xf32>
    }
    pto.store %next#0, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %next#0, %next#1 : tensor<1x4xf32>, tensor<1x4xf32>
  } {pto.batch, pto.intended_carry = [0, 1]}
  func.return
}


// -----

func.func @bad_name(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.intended_carry names "acc": name the iter_args by position (0 is the first), since SSA names are cosmetic}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    pto.yield %m : tensor<1x4xf32>
  } {pto.intended_carry = ["acc"]}
  func.return
}

// -----

func.func @name_of_an_iter_arg(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.intended_carry names "m": name the iter_args by position (0 is the first), since SSA names are cosmetic (%m is at position 0)}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    pto.yield %m : tensor<1x4xf32>
  } {pto.intended_carry = ["m"]}
  func.return
}

// -----

func.func @bad_index(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.intended_carry position 3 is out of range: the loop has 1 iter_args}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    pto.yield %m : tensor<1x4xf32>
  } {pto.intended_carry = [3]}
  func.return
}


// -----

func.func @bad_form(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{pto.intended_carry must be an array of iter_arg positions, e.g. [0, 2], got "m"}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    pto.yield %m : tensor<1x4xf32>
  } {pto.intended_carry = "m"}
  func.return
}

// -----

// {pto.batch} is a unit attribute on a loop.
func.func @bad_batch(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  // expected-error@+1 {{pto.batch marks a loop (pto.range, pto.unroll or scf.for), not arith.constant}}
  %c1 = arith.constant {pto.batch} 1 : index
  func.return
}
