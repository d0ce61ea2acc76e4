// An arith.select of a fresh tile and the carried one on a scalar condition is a
// gate, like an scf.if with one result: select(%gate, %v, %acc) keeps the carry when
// %gate is false and recomputes it when true (the leak shape). It was taken for an
// ordinary op whose result depends on %acc, i.e. a reduction: no warning in an
// unmarked loop, and "a reduction" instead of the leak in a batch loop.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics

func.func @unmarked(%x: memref<8x4xf32>, %flag: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %z = arith.constant 0 : i32
    %acc0 = arith.constant dense<0.0> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-warning@+1 {{'pto.range' op pto.range %j is not marked as a batch loop, but its carry %acc has the leak shape under a data-dependent gate (the arith.select at}}
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %acc0) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %f = pto.read %flag[%b] : memref<8xi32> -> i32
      %gate = arith.cmpi ne, %f, %z : i32
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %n = arith.select %gate, %v, %acc : tensor<1x4xf32>
      pto.store %n, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %n : tensor<1x4xf32>
    }
  }
  func.return
}

// -----

func.func @batch(%x: memref<8x4xf32>, %flag: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %z = arith.constant 0 : i32
    %acc0 = arith.constant dense<0.0> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{and leaks %acc from one batch into the next under a data-dependent gate (the arith.select at}}
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %acc0) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %f = pto.read %flag[%b] : memref<8xi32> -> i32
      %gate = arith.cmpi ne, %f, %z : i32
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %n = arith.select %gate, %v, %acc : tensor<1x4xf32>
      pto.store %n, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %n : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// A masked update, select(%gate, %acc + %v, %acc), is still a reduction: legal in
// an unmarked loop, no diagnostic.
func.func @masked_update(%x: memref<8x4xf32>, %flag: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %z = arith.constant 0 : i32
    %acc0 = arith.constant dense<0.0> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%acc = %acc0) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %f = pto.read %flag[%b] : memref<8xi32> -> i32
      %gate = arith.cmpi ne, %f, %z : i32
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %s = arith.addf %acc, %v : tensor<1x4xf32>
      %n = arith.select %gate, %s, %acc : tensor<1x4xf32>
      pto.yield %n : tensor<1x4xf32>
    }
    pto.store %r, %y[%g, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}
