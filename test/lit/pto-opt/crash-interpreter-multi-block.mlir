// A function of two blocks verifies, but the interpreter runs functions of one
// block: it crashed on `Region.block`; now an error at the function.
// RUN: not pto-run %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: crash-interpreter-multi-block.mlir:[[# @LINE + 4]]:1: error: 'func.func' op @f has 2 blocks; the interpreter runs functions of one block
// CHECK-NOT: Traceback
// CHECK-NOT: internal error

func.func @f(%m: memref<64x64xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
  }
  func.return
^bb1:
}
