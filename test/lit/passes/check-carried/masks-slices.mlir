// Masks and slices (issue 8 point 4): a carry that flows through pto.select (new value
// on some lanes, the old one on the others) or tensor.insert_slice (a partial update of
// the carried tile) reads the incoming value. In a batch loop that is a carry across
// batches (error); in an unmarked loop a masked or partial update is a legal
// reduction, and a select that keeps the carried tile on some lanes and recomputes it
// from scratch on the others has the leak shape (warning), like an scf.if.
// Memory carries through pto.write -> pto.read count as memory carries.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics

// A masked update in an unmarked loop: select(m, acc + v, acc) is a reduction.
func.func @masked_reduction(%x: memref<8x64xf32>, %y: memref<1x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
  pto.spmd %t = 0 to 1 {
    %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (tensor<1x64xf32>) {
      %v = pto.load %x[%i, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      %m = pto.cmp gt %v, %zero : tensor<1x64xf32> -> tensor<1x64xi1>
      %s = arith.addf %acc, %v : tensor<1x64xf32>
      %n = pto.select %m, %s, %acc : tensor<1x64xi1>, tensor<1x64xf32>
      pto.yield %n : tensor<1x64xf32>
    }
    pto.store %r, %y[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
  }
  func.return
}

// -----

// The leak shape on some lanes: fresh where %m holds, the carried tile elsewhere.
func.func @select_leak(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
  pto.spmd %t = 0 to 1 {
    // expected-warning@+1 {{pto.range %i is not marked as a batch loop, but its carry %acc has the leak shape under a data-dependent gate (the lane-wise pto.select at}}
    %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (tensor<1x64xf32>) {
      %v = pto.load %x[%i, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      %m = pto.cmp gt %v, %zero : tensor<1x64xf32> -> tensor<1x64xi1>
      %n = pto.select %m, %v, %acc : tensor<1x64xi1>, tensor<1x64xf32>
      pto.store %n, %y[%i, %c0] : tensor<1x64xf32>, memref<8x64xf32>
      pto.yield %n : tensor<1x64xf32>
    }
  }
  func.return
}

// -----

// The same select in a batch loop: the lanes kept cross from one batch to the next.
func.func @select_batch(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
  pto.spmd %g = 0 to 4 {
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and leaks %acc from one batch into the next under a data-dependent gate (the lane-wise pto.select at}}
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (tensor<1x64xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      %m = pto.cmp gt %v, %zero : tensor<1x64xf32> -> tensor<1x64xi1>
      %n = pto.select %m, %v, %acc : tensor<1x64xi1>, tensor<1x64xf32>
      pto.store %n, %y[%b, %c0] : tensor<1x64xf32>, memref<8x64xf32>
      pto.yield %n : tensor<1x64xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// A row written into the carried tile in each iteration of an unmarked loop: a
// partial update, a legal reduction (no diagnostic).
func.func @insert_rows(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<8x64xf32>
  pto.spmd %t = 0 to 1 {
    %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (tensor<8x64xf32>) {
      %v = pto.load %x[%i, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      %n = tensor.insert_slice %v into %acc[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<8x64xf32>
      pto.yield %n : tensor<8x64xf32>
    }
    pto.store %r, %y[%c0, %c0] : tensor<8x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

// The same partial update in a batch loop: the rows of the previous batch survive.
func.func @insert_batch(%x: memref<8x64xf32>, %y: memref<32x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<8x64xf32>
  pto.spmd %g = 0 to 4 {
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries %acc (a reduction) from one batch into the next}}
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (tensor<8x64xf32>) {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%j, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      %n = tensor.insert_slice %v into %acc[%j, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<8x64xf32>
      %o = arith.muli %b, %c8 : index
      pto.store %n, %y[%o, %c0] : tensor<8x64xf32>, memref<32x64xf32>
      pto.yield %n : tensor<8x64xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// A scalar written by one batch and read back by the next: a memory carry.
func.func @write_read(%cnt: memref<1xi32>, %y: memref<8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  pto.spmd %g = 0 to 4 {
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{carries memory from one batch into the next: batch 0 stores %cnt[0] (pto.write at}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %p = pto.read %cnt[%c0] : memref<1xi32> -> i32
      pto.write %p, %y[%b] : i32, memref<8xi32>
      %one = arith.constant 1 : i32
      %q = arith.addi %p, %one : i32
      pto.write %q, %cnt[%c0] : i32, memref<1xi32>
    } {pto.batch}
  }
  func.return
}

// -----

// Each batch writes and reads back its own element: no carry (no diagnostic).
func.func @write_read_own(%cnt: memref<8xi32>, %y: memref<8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %seven = arith.constant 7 : i32
  pto.spmd %g = 0 to 4 {
    %base = arith.muli %g, %c2 : index
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      pto.write %seven, %cnt[%b] : i32, memref<8xi32>
      %p = pto.read %cnt[%b] : memref<8xi32> -> i32
      pto.write %p, %y[%b] : i32, memref<8xi32>
    } {pto.batch}
  }
  func.return
}

// -----

// A memory carry through a view: batch j stores row 0 of the collapsed view, batch
// j + 1 reads the same elements through the base tensor.
func.func @view_carry(%x: memref<8x4xf32>, %s: memref<2x4x4xf32>, %y: memref<8x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %flat = memref.collapse_shape %s [[0, 1], [2]] : memref<2x4x4xf32> into memref<8x4xf32>
  pto.spmd %g = 0 to 4 {
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{carries memory from one batch into the next: batch 0 stores %s[0, 0, 0:4] (pto.store at}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %prev = pto.load %s[%c0, %c0, %c0] : memref<2x4x4xf32> -> tensor<1x1x4xf32>
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %flat[%c0, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      %p = tensor.collapse_shape %prev [[0, 1], [2]] : tensor<1x1x4xf32> into tensor<1x4xf32>
      pto.store %p, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    } {pto.batch}
  }
  func.return
}
