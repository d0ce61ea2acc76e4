// Scalar GM writes (pto.write), valid-window stores (pto.store_valid) and writes
// through memref views are writes for the race check (issue 8 point 4).
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

// Four tasks write the same element with pto.write: a race with a witness.
func.func @write_same(%out: memref<4xi32>) {
  %c0 = arith.constant 0 : index
  %v = arith.constant 7 : i32
  pto.spmd %t = 0 to 4 {
    // expected-error@+1 {{race: tasks 0 and 1 both write out[0] (write at}}
    pto.write %v, %out[%c0] : i32, memref<4xi32>
  }
  func.return
}

// -----

// Each task writes its own element: disjoint, no diagnostic.
func.func @write_own(%out: memref<4x8xi32>) {
  %c3 = arith.constant 3 : index
  %v = arith.constant 7 : i32
  pto.spmd %t = 0 to 4 {
    pto.write %v, %out[%t, %c3] : i32, memref<4x8xi32>
  }
  func.return
}

// -----

// A pto.write into the row another task stores: the write and the store race.
func.func @write_vs_store(%x: memref<1x8xi32>, %out: memref<4x8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant 7 : i32
  pto.spmd %t = 0 to 4 {
    %tile = pto.load %x[%c0, %c0] : memref<1x8xi32> -> tensor<1x8xi32>
    // expected-error@+1 {{race: tasks 1 and 0 both write out[1, 5] (store at}}
    pto.store %tile, %out[%t, %c0] : tensor<1x8xi32>, memref<4x8xi32>
    %c5 = arith.constant 5 : index
    pto.write %v, %out[%c1, %c5] : i32, memref<4x8xi32>
  }
  func.return
}

// -----

// store_valid with a runtime valid extent is bounded by its whole static tile: two
// tasks whose tiles overlap race (the valid window may be the whole tile).
func.func @store_valid_race(%x: memref<16x64xf32>, %out: memref<64x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  pto.spmd %t = 0 to 4 {
    %r = arith.muli %t, %c8 : index
    %v = pto.load %x[%c0, %c0] : memref<16x64xf32> -> tensor<16x64xf32>
    // expected-error@+1 {{race: tasks 0 and 1 both write out[8:16, 0:64] (store_valid at}}
    pto.store_valid %v, %out[%r, %c0] valid [%n, %c64] : tensor<16x64xf32>, memref<64x64xf32>
  }
  func.return
}

// -----

// A constant valid extent smaller than the tile is used: 8 valid rows every 8 rows.
func.func @store_valid_const(%x: memref<16x64xf32>, %out: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  pto.spmd %t = 0 to 4 {
    %r = arith.muli %t, %c8 : index
    %v = pto.load %x[%c0, %c0] : memref<16x64xf32> -> tensor<16x64xf32>
    pto.store_valid %v, %out[%r, %c0] valid [%c8, %c64] : tensor<16x64xf32>, memref<64x64xf32>
  }
  func.return
}

// -----

// A write through a collapse_shape view aliases the base tensor: view rows
// [16t, 16t + 16) are the base's block t, and task t also writes the base's row
// [(t + 1) mod 4, 0] directly, inside the block of task t + 1.
func.func @view_race(%x: memref<16x512xf32>, %y: memref<1x1x512xf32>, %out: memref<4x16x512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %flat = memref.collapse_shape %out [[0, 1], [2]] : memref<4x16x512xf32> into memref<64x512xf32>
  pto.spmd %t = 0 to 4 {
    %r = arith.muli %t, %c16 : index
    %v = pto.load %x[%c0, %c0] : memref<16x512xf32> -> tensor<16x512xf32>
    // expected-error@+1 {{race: tasks 0 and 3 both write out[0, 0, 0:512] (store at}}
    pto.store %v, %flat[%r, %c0] : tensor<16x512xf32>, memref<64x512xf32>
    %w = pto.load %y[%c0, %c0, %c0] : memref<1x1x512xf32> -> tensor<1x1x512xf32>
    %t1 = arith.addi %t, %c1 : index
    %b = arith.remsi %t1, %c4 : index
    pto.store %w, %out[%b, %c0, %c0] : tensor<1x1x512xf32>, memref<4x16x512xf32>
  }
  func.return
}

// -----

// Through the view, each task writes its own 16-row block: disjoint, no diagnostic.
func.func @view_disjoint(%x: memref<16x512xf32>, %out: memref<4x16x512xf32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %flat = memref.collapse_shape %out [[0, 1], [2]] : memref<4x16x512xf32> into memref<64x512xf32>
  pto.spmd %t = 0 to 4 {
    %r = arith.muli %t, %c16 : index
    %v = pto.load %x[%c0, %c0] : memref<16x512xf32> -> tensor<16x512xf32>
    pto.store %v, %flat[%r, %c0] : tensor<16x512xf32>, memref<64x512xf32>
  }
  func.return
}

// -----

// A view row index not provably aligned to the collapsed rows: undecided (error),
// never "disjoint" without proof.
func.func @view_undecided(%x: memref<16x512xf32>, %out: memref<4x16x512xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %flat = memref.collapse_shape %out [[0, 1], [2]] : memref<4x16x512xf32> into memref<64x512xf32>
  pto.spmd %t = 0 to 4 {
    %r = arith.muli %t, %c4 : index
    %v = pto.load %x[%c0, %c0] : memref<16x512xf32> -> tensor<16x512xf32>
    // expected-error@+1 {{may race: cannot prove that different tasks write disjoint parts of out (store at}}
    pto.store %v, %flat[%r, %c0] : tensor<16x512xf32>, memref<64x512xf32>
  }
  func.return
}

// -----

// A memref made by an op the check does not model (here memref.cast) may alias a
// kernel argument: undecided (error), never "disjoint" on the assumption that
// distinct memrefs do not alias.
func.func @cast_alias(%x: memref<1x64xf32>, %out: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %alias = "memref.cast"(%out) : (memref<4x64xf32>) -> memref<?x64xf32>
  pto.spmd %t = 0 to 4 {
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{may race: cannot prove that different tasks write disjoint parts of alias (store at}}
    pto.store %v, %alias[%t, %c0] : tensor<1x64xf32>, memref<?x64xf32>
  }
  func.return
}
