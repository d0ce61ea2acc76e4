// A tile larger than the memref: a located verifier error (exit 1 without
// --verify-diagnostics).
// RUN: not pto-opt %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: wrong-tile-shape.mlir:[[# @LINE + 5]]:3: error: 'pto.load' op tile dimension 0 is 2 but the memref memref<1x512xf32> has only 1
// CHECK-NOT: error

func.func @f(%m: memref<1x512xf32>) {
  %c0 = arith.constant 0 : index
  %t = pto.load %m[%c0, %c0] : memref<1x512xf32> -> tensor<2x64xf32>
  func.return
}
