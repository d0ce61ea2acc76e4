// An i1 constant in a region the expansion cleans: xDSL holds `true` as -1, ptoc's
// integer semantics as 1 (the same bit). The cleanup took -1 for an out-of-range value
// and replaced the constant by one that xDSL normalised back to -1, forever (found by
// the fuzz tests: pto-spmd-coarsen{remainder=guard} then pto-unroll-expand hung on a
// kernel with `arith.constant true`). The constant is kept as it is and still folds
// what it can (copy 0's `xori false, true`).
// RUN: pto-opt %s -p pto-unroll-expand | filecheck %s
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=3 remainder=guard},pto-unroll-expand' | filecheck %s --check-prefix=GUARD

func.func @k(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %true = arith.constant true
    pto.unroll %j = 0 to 2 {
      %lt = arith.cmpi slt, %j, %c0 : index
      %ok = arith.xori %lt, %true : i1
      scf.if %ok {
        %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
        pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
      }
    }
  }
  func.return
}

// CHECK:      %true = arith.constant true
// CHECK-NOT:  pto.unroll
// CHECK:      scf.if %true {
// CHECK:      %ok = arith.xori %lt, %true : i1
// CHECK-NEXT: scf.if %ok {
// GUARD:      pto.spmd %g = 0 to 3 {
// GUARD-NOT:  pto.unroll
// GUARD:      scf.if
