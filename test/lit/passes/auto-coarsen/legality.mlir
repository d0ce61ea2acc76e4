// Factors whose variant fails pto-check-races are never chosen: every task of "racy"
// writes z[0], so only one task doing all the work is legal.
// RUN: pto-opt %s -p 'pto-auto-coarsen{factors=1,2,4}' | filecheck %s
// RUN: pto-opt %s -p 'pto-auto-coarsen{factors=1,2}' --verify-diagnostics

func.func @racy(%x: memref<8x64xf32>, %z: memref<1x64xf32>) {
  // expected-error@+1 {{'pto.spmd' op no factor among 1, 2 passes the legality checks (factor 1: pto-check-races:}}
  pto.spmd %t = 0 to 4 name "racy" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %a, %z[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
  }
  func.return
}

// CHECK:      pto.spmd %g = 0 to 1 name "racy" core vector {
// CHECK:        pto.unroll %j = 0 to 4 {
// CHECK:      } {pto.auto_coarsen = {factor = 4 : i64, factors = array<i64: 4>, predicted_us = array<f64: {{[-+.e0-9]+}}>, machine = "a2a3", rejected = array<i64: 1, 2>}}

