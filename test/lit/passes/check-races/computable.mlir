// Indices through arith ops the algebra has no normal form for but whose values are
// computable (minsi, maxsi, minui, maxui, select, cmpi) are evaluated exactly by the
// enumeration. They used to be uninterpreted, "unknown at compile time": a certain
// race through a clamp was only a "may race" warning (pto-opt exit 0, pto-tune
// "legal"). Now a race has a witness (an error), and a clamp that keeps the tasks
// apart is proved disjoint (no diagnostic).
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

// Tasks 3..7 all write row min(t, 3).
func.func @clamp_race(%x: memref<8x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %r = arith.minsi %t, %c3 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 3 and 4 both write out[3, 0:64] (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<4x64xf32>
  }
  func.return
}

// -----

// The tail tile clamped to the end of a 500-column row, min(64 t, 500 - 64), overlaps
// the tile before it (columns 436..447 are written by tasks 6 and 7).
func.func @tail_clamp(%x: memref<1x64xf32>, %out: memref<1x500xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : index
    %c436 = arith.constant 436 : index
    %col = arith.muli %t, %c64 : index
    %c = arith.minsi %col, %c436 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 6 and 7 both write out[0, 436:448] (store at}}
    pto.store %v, %out[%c0, %c] : tensor<1x64xf32>, memref<1x500xf32>
  }
  func.return
}

// -----

// select on a compare: rows t for t < 3, else 3.
func.func @select_race(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %p = arith.cmpi slt, %t, %c3 : index
    %r = arith.select %p, %t, %c3 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 3 and 4 both write out[3, 0:64] (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

// An unsigned max: tasks 0, 1 and 2 write row maxui(t, 2) = 2.
func.func @maxui_race(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %r = arith.maxui %t, %c2 : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 0 and 1 both write out[2, 0:64] (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

// Clamps that keep the tasks apart: proved disjoint by enumeration, no diagnostic.
func.func @clamp_clean(%x: memref<8x64xf32>, %out: memref<8x512xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c7 = arith.constant 7 : index
    %c64 = arith.constant 64 : index
    %c448 = arith.constant 448 : index
    %r = arith.minsi %t, %c7 : index
    %col = arith.muli %t, %c64 : index
    %c = arith.minsi %col, %c448 : index
    %p = arith.cmpi eq, %t, %c0 : index
    %s = arith.select %p, %c0, %r : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c] : tensor<1x64xf32>, memref<8x512xf32>
    %m = arith.maxsi %s, %c0 : index
    pto.store %v, %out[%m, %c] : tensor<1x64xf32>, memref<8x512xf32>
  }
  func.return
}

// -----

// i1 values: true is -1 (as xDSL holds an i1 constant, and as the interpreter
// sign-extends it), so extsi(t == 0) is -1 for task 0 and row t - extsi(t == 0) is 1
// for tasks 0 and 1.
func.func @i1_sign(%x: memref<8x64xf32>, %out: memref<9x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c0_i64 = arith.constant 0 : i64
    %ti = arith.index_cast %t : index to i64
    %p = arith.cmpi eq, %ti, %c0_i64 : i64
    %e = arith.extsi %p : i1 to i64
    %ei = arith.index_cast %e : i64 to index
    %r = arith.subi %t, %ei : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 0 and 1 both write out[1, 0:64] (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<9x64xf32>
  }
  func.return
}

// -----

// Division by a value is still uninterpreted: a warning.
func.func @div_by_value(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %d = arith.addi %t, %c1 : index
    %r = arith.divsi %c2, %d : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-warning@+1 {{'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
