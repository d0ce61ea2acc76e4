// {pto.intended_carry = [...]} (iter_arg names, or indices) marks carries as intended:
// they are neither reported nor changed. Unknown names or indices are errors.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics | filecheck %s
// RUN: not pto-opt %s --split-input-file -p 'pto-check-carried{fix=true}' 2>/dev/null | filecheck %s --check-prefix=FIX

// A leak of %m, marked intended by name; %n still leaks and is reported alone.
func.func @partly(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{'pto.range' op pto.range %i leaks %n from one iteration into the next}}
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
  } {pto.intended_carry = ["m"]}
  func.return
}

// Under fix=true, %n is privatized and dropped; %m stays (the attribute is kept).
// FIX-LABEL: func.func @partly
// FIX:         %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
// FIX:           scf.yield %m, %zero : tensor<1x4xf32>, tensor<1x4xf32>
// FIX:         } {pto.intended_carry = ["m"]}

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
  } {pto.intended_carry = [0, 1]}
  func.return
}

// CHECK-NOT: error
// CHECK-LABEL: func.func @by_index
// CHECK: %r, %r_1 = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero, %n = %zero)
// CHECK: } {pto.intended_carry = [0 : i64, 1 : i64]}
// FIX-LABEL: func.func @by_index
// FIX: %r, %r_1 = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero, %n = %zero)

// -----

func.func @bad_name(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{'pto.range' op pto.intended_carry names "acc", which is not an iter_arg of this loop (its iter_args: %m)}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    pto.yield %m : tensor<1x4xf32>
  } {pto.intended_carry = ["acc"]}
  func.return
}


// -----

func.func @bad_index(%x: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-error@+1 {{'pto.range' op pto.intended_carry index 3 is out of range: the loop has 1 iter_args}}
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
  // expected-error@+1 {{'pto.range' op pto.intended_carry must be an array of iter_arg names or indices, e.g. ["acc"] or [0], got "m"}}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
    pto.yield %m : tensor<1x4xf32>
  } {pto.intended_carry = "m"}
  func.return
}

