// An arith op with two results (mulsi_extended, addui_extended, ...) is two values:
// both used to be the same uninterpreted function of the operands, so %lo - %hi
// cancelled to 0. Here lo = t and hi = 0, so every task writes row t - (lo - hi) = 0,
// and the check proved the rows (taken as t) disjoint. Its results are now unknown
// values: a "may race" warning.
// RUN: pto-opt %s -p pto-check-races --verify-diagnostics

func.func @extended(%x: memref<8x64xf32>, %out: memref<16x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %ti = arith.index_cast %t : index to i32
    %c1i = arith.constant 1 : i32
    %lo, %hi = arith.mulsi_extended %ti, %c1i : i32
    %d = arith.subi %lo, %hi : i32
    %di = arith.index_cast %d : i32 to index
    %r = arith.subi %t, %di : index
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-warning@+1 {{'pto.store' op may race: cannot prove that different tasks write disjoint parts of out (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<16x64xf32>
  }
  func.return
}
