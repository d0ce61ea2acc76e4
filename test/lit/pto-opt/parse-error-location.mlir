// A syntax error inside a pto op points at the offending token.
// RUN: not pto-opt %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: parse-error-location.mlir:[[# @LINE + 4]]:43: error: operand expected

func.func @f() {
  pto.spmd %t = 0 to 4 name "s" {
    pto.unroll %j = 0 to 2 iter_args(%a = ) -> (f32) {
    }
  }
  func.return
}
