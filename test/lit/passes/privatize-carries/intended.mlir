// pto-privatize-carries leaves intended carries alone: in a batch loop, %m (marked
// intended) stays, %n (a leak) is privatized and then dropped, and the attribute's
// positions are remapped to the loop's remaining iter_args.
// RUN: pto-opt %s --split-input-file -p pto-privatize-carries | filecheck %s
// RUN: pto-opt %s --split-input-file -p pto-privatize-carries,pto-check-carried | filecheck %s

// A leak of %m in a batch loop, marked intended; %n still leaks and is reported alone.
func.func @partly(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
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

// pto-privatize-carries privatizes %n and drops it; %m stays (the attribute is kept, its
// position remapped).
// CHECK-LABEL: func.func @partly
// CHECK:         %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
// CHECK:           scf.yield %m, %zero : tensor<1x4xf32>, tensor<1x4xf32>
// CHECK:         } {pto.batch, pto.intended_carry = [0 : i64]}

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

// CHECK-LABEL: func.func @by_index
// CHECK: %r, %r_1 = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero, %n = %zero)
