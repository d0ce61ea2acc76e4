// pto-check-carried{fix=true} does not change a cross-batch reduction: it stays an
// error; next to a reset carry, the reset is dropped (no warning) and the reduction is
// still reported, on the rebuilt loop. (The same kernels without fix=true: cross-batch.mlir.)
// RUN: pto-opt %s --split-input-file -p 'pto-check-carried{fix=true}' --verify-diagnostics

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

// A cross-batch reduction next to a reset: under fix=true the reset is dropped and
// the reduction is still reported (cleanly, on the rebuilt loop).
func.func @mixed(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
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

