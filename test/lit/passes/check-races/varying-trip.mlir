// A loop whose trip count varies with the task (`0 to %t`) has a computable trip
// count: its counter is bounded by the largest trip, and each iteration is guarded by
// `index < ub`. Its index used to be "the index of loop i (trip count unknown)", so a
// certain race was only a "may race" warning.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

// Task t writes rows 0 .. t-1: tasks 1 and 2 both write row 0.
func.func @triangle_race(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.range %i = %c0 to %t step %c1 {
      // expected-error@+1 {{'pto.store' op race: tasks 1 and 2 both write out[0, 0:64] (store at}}
      pto.store %v, %out[%i, %c0] : tensor<1x64xf32>, memref<8x64xf32>
    }
  }
  func.return
}

// -----

// Task t writes rows 8t .. 8t+t-1 (t <= 7 < 8): disjoint, no diagnostic.
func.func @triangle_clean(%x: memref<8x64xf32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %base = arith.muli %t, %c8 : index
    pto.range %i = %c0 to %t step %c1 {
      %r = arith.addi %base, %i : index
      pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    }
  }
  func.return
}

// -----

// A varying lower and upper bound and a step of 2: task t writes rows 9t + 1,
// 9t + 3, ... below 9t + t + 2 <= 9t + 9: disjoint, no diagnostic.
func.func @strided_clean(%x: memref<8x64xf32>, %out: memref<80x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c9 = arith.constant 9 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %base = arith.muli %t, %c9 : index
    %lb = arith.addi %base, %c1 : index
    %n = arith.addi %t, %c2 : index
    %ub = arith.addi %base, %n : index
    pto.range %r = %lb to %ub step %c2 {
      pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<80x64xf32>
    }
  }
  func.return
}

// -----

// Two-row tiles at rows 4t + 2i for i < t: task 3's last tile (rows 16, 17) meets
// task 4's first (rows 16, 17).
func.func @strided_race(%x: memref<9x64xf32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %v = pto.load %x[%t, %c0] : memref<9x64xf32> -> tensor<2x64xf32>
    %base = arith.muli %t, %c4 : index
    pto.range %i = %c0 to %t step %c1 {
      %o = arith.muli %i, %c2 : index
      %r = arith.addi %base, %o : index
      // expected-error@+1 {{'pto.store' op race: tasks}}
      pto.store %v, %out[%r, %c0] : tensor<2x64xf32>, memref<64x64xf32>
    }
  }
  func.return
}

// -----

// A trip count read from memory stays unknown: a warning, as before.
func.func @trip_from_memory(%x: memref<8x64xf32>, %n: memref<8xi32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %ni = pto.read %n[%t] : memref<8xi32> -> i32
    %ub = arith.index_cast %ni : i32 to index
    %base = arith.muli %t, %c8 : index
    pto.range %i = %c0 to %ub step %c1 {
      %r = arith.addi %base, %i : index
      // expected-warning@+1 {{'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at}}
      pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    }
  }
  func.return
}
