// A pto.spmd inside a task of another: every task of the outer scope would run all of
// the inner scope's tasks, so their writes are the outer tasks' writes. The check used
// to decide each scope alone and passed this kernel, where all 8 outer tasks write
// rows 0..3 of out; it is now an error at the inner scope (the frontend and the
// interpreter reject such a nesting too).
// RUN: pto-opt %s -p pto-check-races --verify-diagnostics

func.func @nested(%x: memref<8x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    // expected-error@+1 {{'pto.spmd' op a pto.spmd inside a task of the pto.spmd at}}
    pto.spmd %u = 0 to 4 {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      pto.store %v, %out[%u, %c0] : tensor<1x64xf32>, memref<4x64xf32>
    }
  }
  func.return
}
