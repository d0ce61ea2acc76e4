// Memory carries that were missed. (1) An atomic add does not overwrite: a load of
// what the same batch has just atomically added to still sees every earlier batch's
// adds, so it is not "killed" by the add. (2) A memref the analysis cannot place (an
// scf.if result, a loop's memref iter_arg) may be any tensor: a store through it and
// a read of another memref in a later batch are "undecided" (an error), not disjoint.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics

func.func @atomic_then_load(%x: memref<8x4xf32>, %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries memory from one batch into the next: batch 0 stores %scratch[0, 0:4]}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %scratch[%c0, %c0] atomic add : tensor<1x4xf32>, memref<1x4xf32>
      %t = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// A plain store kills the load after it, as before.
func.func @store_then_load(%x: memref<8x4xf32>, %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %scratch[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
      %t = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// Batch j stores %x's row into %m, which is %scratch; batch j + 1 loads %scratch.
func.func @through_if_result(%x: memref<8x4xf32>, %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    %true = arith.constant true
    // expected-error@+1 {{may carry memory from one batch into the next: cannot prove that no later batch reads what pto.store at}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %m = scf.if %true -> (memref<1x4xf32>) {
        scf.yield %scratch : memref<1x4xf32>
      } else {
        scf.yield %scratch : memref<1x4xf32>
      }
      %prev = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %s = arith.addf %prev, %v : tensor<1x4xf32>
      pto.store %s, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.store %v, %m[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// The same through a memref iter_arg of an inner loop.
func.func @through_iter_arg(%x: memref<8x4xf32>, %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{%m may be the same tensor as %scratch: it is a block argument of the scf.for at}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %prev = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %s = arith.addf %prev, %v : tensor<1x4xf32>
      pto.store %s, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%m = %scratch) -> (memref<1x4xf32>) {
        pto.store %v, %m[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
        scf.yield %m : memref<1x4xf32>
      }
    } {pto.batch}
  }
  func.return
}
