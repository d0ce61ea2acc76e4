// Under --disable-verify an out-of-range predicate reaches xdsl's arith.cmpi printer,
// which raised IndexError (an internal error). Now an error at the op that cannot be
// printed. (Verified, the same input is rejected: see crash-upstream-invariants.mlir.)
// RUN: not pto-opt %s --disable-verify 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: crash-unprintable-op.mlir:[[# @LINE + 4]]:3: error: 'arith.cmpi' op cannot be printed (IndexError: list index out of range)
// CHECK-NOT: internal error

func.func @f(%a: index) {
  %g = "arith.cmpi"(%a, %a) <{predicate = 65 : i64}> : (index, index) -> i1
  func.return
}
