// The inner pto.range of a coarsened SPMD iterates over batches (%b = %g * G + %j):
// a carry across it lets one batch observe another's state, even a reduction.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics | filecheck %s
// fix=true: cross-batch-fix.mlir.

func.func @running_sum(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{'pto.range' op pto.range %j iterates over the batches of a coarsened pto.spmd (%b is computed from task id %g and %j) and carries %acc (a reduction) from one batch into the next; a batch must not observe another batch's state: keep the value private per batch (pto.unroll, or define it inside the loop) or mark the carry as intended with {pto.intended_carry = ["acc"]}}}
    %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %t = arith.addf %acc, %v : tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %t : tensor<1x4xf32>
    }
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
    } {pto.intended_carry = ["acc"]}
  }
  func.return
}

// CHECK-NOT: error
// CHECK-LABEL: func.func @running_sum_intended
// CHECK: } {pto.intended_carry = ["acc"]}

// -----

// The same reduction over a loop that does not iterate over batches (its index never
// meets the task id): an ordinary, legal reduction. And a carry that is only read by
// the next batch (a "forward" carry) in a batch loop: an error.
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

// CHECK-NOT: error
// CHECK-LABEL: func.func @columns

// -----

func.func @forward(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{'pto.range' op pto.range %j iterates over the batches of a coarsened pto.spmd (%b is computed from task id %g and %j) and carries %prev (read by the next batch) from one batch into the next}}
    %s = pto.range %j = %c0 to %c2 step %c1 iter_args(%prev = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %prev, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %v : tensor<1x4xf32>
    }
  }
  func.return
}


// -----

// A cross-batch reduction next to a reset: under fix=true the reset is dropped and
// the reduction is still reported (cleanly, on the rebuilt loop).
func.func @mixed(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-warning@+2 {{'pto.range' op pto.range %j carries %tmp but recomputes it from scratch on every iteration and never reads the incoming value: the carry is needless and makes all iterations share one buffer; drop it (pto-check-carried{fix=true} does)}}
    // expected-error@+1 {{'pto.range' op pto.range %j iterates over the batches of a coarsened pto.spmd (%b is computed from task id %g and %j) and carries %acc (a reduction) from one batch into the next}}
    %s:2 = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero, %tmp = %zero) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %t = arith.addf %acc, %v : tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %t, %v : tensor<1x4xf32>, tensor<1x4xf32>
    }
  }
  func.return
}

