// A loop bound used before its definition, which is inside the loop's own body:
// xdsl leaves the use as an unresolved forward reference (its verifier then crashed).
// RUN: not pto-opt %s 2>&1 | filecheck %s
// RUN: not pto-run %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: crash-forward-reference.mlir:[[# @LINE + 7]]:5: error: 'pto.range' op operand #0 is used before its definition
// CHECK-NOT: Traceback
// CHECK-NOT: internal error

func.func @f(%m: memref<64x64xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
    %c4 = arith.constant 4 : index
    pto.range %j = %c0 to %c4 step %c4 {
      %c0 = arith.constant 0 : index
    }
  }
  func.return
}
