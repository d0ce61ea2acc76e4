// An integer iter_arg that every iteration steps by a constant (a running offset,
// `%off + c`) is `init + c * k` at iteration k. It used to be an unknown value, so a
// certain race through it was only a "may race" warning ("the indices depend on off,
// unknown at compile time").
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

// Every task writes rows 0 and 1.
func.func @offset_race(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %r = pto.range %i = %c0 to %c2 step %c1 iter_args(%off = %c0) -> (index) {
      // expected-error@+1 {{'pto.store' op race: tasks 0 and 1 both write out[0, 0:64] (store at}}
      pto.store %v, %out[%off, %c0] : tensor<1x64xf32>, memref<8x64xf32>
      %n = arith.addi %off, %c1 : index
      pto.yield %n : index
    }
  }
  func.return
}

// -----

// Rows 8t, 8t + 1, ..., 8t + 7 through an offset started at 8t: disjoint, no
// diagnostic.
func.func @offset_clean(%x: memref<8x64xf32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %start = arith.muli %t, %c8 : index
    %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%off = %start) -> (index) {
      pto.store %v, %out[%off, %c0] : tensor<1x64xf32>, memref<64x64xf32>
      %n = arith.addi %c1, %off : index
      scf.yield %n : index
    }
  }
  func.return
}

// -----

// Counting down by 2 from 8t + 7 in a pto.unroll of 4: rows 8t + 7, 8t + 5, ... 8t + 1;
// with a tile of 2 rows, task t's last tile (8t + 1, 8t + 2) is clear of task t - 1's
// rows (up to 8t - 1 + 1 = 8t): disjoint, no diagnostic.
func.func @countdown_clean(%x: memref<9x64xf32>, %out: memref<72x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c7 = arith.constant 7 : index
    %c8 = arith.constant 8 : index
    %v = pto.load %x[%t, %c0] : memref<9x64xf32> -> tensor<2x64xf32>
    %s8 = arith.muli %t, %c8 : index
    %start = arith.addi %s8, %c7 : index
    %r = pto.unroll %j = 0 to 4 iter_args(%off = %start) -> (index) {
      pto.store %v, %out[%off, %c0] : tensor<2x64xf32>, memref<72x64xf32>
      %n = arith.subi %off, %c2 : index
      pto.yield %n : index
    }
  }
  func.return
}

// -----

// A carry stepped by a value that is not a constant stays unknown: a warning.
func.func @doubling(%x: memref<8x64xf32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %r = pto.range %i = %c0 to %c3 step %c1 iter_args(%off = %t) -> (index) {
      // expected-warning@+1 {{'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at}}
      pto.store %v, %out[%off, %c0] : tensor<1x64xf32>, memref<64x64xf32>
      %n = arith.addi %off, %off : index
      pto.yield %n : index
    }
  }
  func.return
}
