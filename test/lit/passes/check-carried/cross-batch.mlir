// A loop marked {pto.batch} (as pto-spmd-coarsen marks the loop over the G tasks of a
// group) iterates over batches: a carry across it lets one batch observe another's
// state, even a reduction. The same loop unmarked runs over one task's own data, and
// its reduction is legal.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics
// pto-privatize-carries does not change a cross-batch reduction or forward (it stays an
// error); it drops the reset of @mixed.
// RUN: pto-opt %s --split-input-file -p pto-privatize-carries | filecheck %s

func.func @running_sum(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries %acc (a reduction) from one batch into the next}}
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


// -----

// Marked as intended: clean.
func.func @running_sum_intended(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
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
    } {pto.batch, pto.intended_carry = [0]}
  }
  func.return
}

// CHECK-LABEL: func.func @running_sum_intended
// CHECK: } {pto.batch, pto.intended_carry = [0 : i64]}

// -----

// The same reduction over a loop that is not a batch loop: an ordinary, legal
// reduction. And a carry that is only read by the next batch (a "forward" carry) in a
// batch loop: an error.
func.func @columns(%x: memref<8x8xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 8 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (tensor<1x4xf32>) {
      %col = arith.muli %j, %c4 : index
      %v = pto.load %x[%g, %col] : memref<8x8xf32> -> tensor<1x4xf32>
      %t = arith.addf %acc, %v : tensor<1x4xf32>
      pto.yield %t : tensor<1x4xf32>
    }
    pto.store %s, %y[%g, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}

// CHECK-LABEL: func.func @columns

// -----

func.func @forward(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{and carries %prev (read by the next batch) from one batch into the next}}
    %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%prev = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %prev, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %v : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}


// -----

// A cross-batch reduction next to a reset: pto-privatize-carries drops the reset, and
// the reduction is still reported (cleanly, on the rebuilt loop).
func.func @mixed(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-warning@+2 {{carries %tmp but recomputes it from scratch}}
    // expected-error@+1 {{and carries %acc (a reduction) from one batch into the next}}
    %s:2 = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero, %tmp = %zero) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %t = arith.addf %acc, %v : tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %t, %v : tensor<1x4xf32>, tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}
// CHECK-LABEL: func.func @mixed
// CHECK:       %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (tensor<1x4xf32>) {
// CHECK:       } {pto.batch}
