// A pto.load_valid reads only its valid window from GM (the rest of the tile is padding),
// so that window, not the whole tile, is what another task's write may race with. The
// whole tile used to be taken: pypto-lib's expert_shared.py (tasks of two rows each
// reading their rows through an [8, 128] tile with two valid rows) got a certain "race"
// with a witness that does not exist. A valid extent known only at run time is still
// taken as the whole tile, and the race says so.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

func.func @own_rows(%h: memref<8x64xf32>, %o: memref<8x64xf32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c64 = arith.constant 64 : index
    %r = arith.muli %t, %c2 : index
    %v = pto.load %o[%r, %c0] : memref<8x64xf32> -> tensor<2x64xf32>
    pto.store %v, %h[%r, %c0] : tensor<2x64xf32>, memref<8x64xf32>
    %w = pto.load_valid %h[%r, %c0] valid [%c2, %c64] pad zero : memref<8x64xf32> -> tensor<8x64xf32>
    pto.store_valid %w, %o[%r, %c0] valid [%c2, %c64] : tensor<8x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

func.func @next_rows(%h: memref<16x64xf32>, %o: memref<16x64xf32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c64 = arith.constant 64 : index
    %r = arith.muli %t, %c2 : index
    %v = pto.load %o[%r, %c0] : memref<16x64xf32> -> tensor<2x64xf32>
    // expected-error@+1 {{'pto.store' op race: task 1 writes h[2, 0:64], which task 0 reads}}
    pto.store %v, %h[%r, %c0] : tensor<2x64xf32>, memref<16x64xf32>
    %w = pto.load_valid %h[%r, %c0] valid [%c3, %c64] pad zero : memref<16x64xf32> -> tensor<8x64xf32>
    pto.store_valid %w, %o[%r, %c0] valid [%c2, %c64] : tensor<8x64xf32>, memref<16x64xf32>
  }
  func.return
}

// -----

func.func @runtime_rows(%h: memref<16x64xf32>, %o: memref<16x64xf32>, %n: index) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c64 = arith.constant 64 : index
    %r = arith.muli %t, %c2 : index
    %v = pto.load %o[%r, %c0] : memref<16x64xf32> -> tensor<2x64xf32>
    // expected-error@+1 {{a runtime valid extent is taken as the whole tile}}
    pto.store %v, %h[%r, %c0] : tensor<2x64xf32>, memref<16x64xf32>
    %w = pto.load_valid %h[%r, %c0] valid [%n, %c64] pad zero : memref<16x64xf32> -> tensor<8x64xf32>
    pto.store_valid %w, %o[%r, %c0] valid [%c2, %c64] : tensor<8x64xf32>, memref<16x64xf32>
  }
  func.return
}
