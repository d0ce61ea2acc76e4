// RUN: not pto-opt %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: unknown-custom-op.mlir:[[# @LINE + 4]]:23: error: {{.*}}pto.frobnicate{{.*}}

func.func @f(%x: tensor<1x64xf32>) {
  %y = arith.addf %x, %x : tensor<1x64xf32>
  %z = pto.frobnicate %y : tensor<1x64xf32>
  func.return
}
