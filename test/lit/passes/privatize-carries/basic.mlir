// pto-privatize-carries: in a batch loop, a leaking carry restarts every batch from its
// initial value (and the then-needless carry is dropped); an unmarked loop's leak shape
// (maybe a legal segmented computation) and a cross-batch reduction are left alone.
// RUN: pto-opt %s --split-input-file -p pto-privatize-carries | filecheck %s

// CHECK-LABEL: func.func @batch
// CHECK:       pto.range %j = %c0 to %c2 step %c1 {
// CHECK:         } else {
// CHECK-NEXT:      scf.yield %zero : tensor<1x4xf32>
// CHECK:       } {pto.batch}
func.func @batch(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %f = pto.read %flags[%b] : memref<8xi32> -> i32
      %on = arith.cmpi ne, %f, %c0_i32 : i32
      %next = scf.if %on -> (tensor<1x4xf32>) {
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        scf.yield %v : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %next : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// CHECK-LABEL: func.func @unmarked
// CHECK:       %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%m = %zero)
// CHECK:         scf.yield %m : tensor<1x4xf32>
func.func @unmarked(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %f = pto.read %flags[%b] : memref<8xi32> -> i32
      %on = arith.cmpi ne, %f, %c0_i32 : i32
      %next = scf.if %on -> (tensor<1x4xf32>) {
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        scf.yield %v : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %next : tensor<1x4xf32>
    }
  }
  func.return
}

// -----

// CHECK-LABEL: func.func @reduction
// CHECK:       %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero)
// CHECK:         %t = arith.addf %acc, %v
func.func @reduction(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %t = arith.addf %acc, %v : tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %t : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}
