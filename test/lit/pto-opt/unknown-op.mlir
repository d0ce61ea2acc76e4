// An unknown op: one located parse error, non-zero exit, no traceback.
// RUN: not pto-opt %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: unknown-op.mlir:[[# @LINE + 5]]:19: error: Operation pto.tile_magic is not registered
// CHECK-NEXT: "pto.tile_magic"() : () -> ()
// CHECK-NEXT: ^

func.func @f() {
  "pto.tile_magic"() : () -> ()
  func.return
}
