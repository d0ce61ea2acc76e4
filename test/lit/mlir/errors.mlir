// pto-to-upstream runs after pto-unroll-expand, and never guesses a lowering.
// RUN: not pto-opt -p 'pto-to-upstream' %s 2>&1 | filecheck %s

func.func @k(%o: memref<1x8xf32>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant dense<0.0> : tensor<1x8xf32>
  // CHECK: errors.mlir:[[# @LINE + 1]]:3: error: 'pto.unroll' op pto-to-upstream runs after pto-unroll-expand: expand this pto.unroll first
  %r = pto.unroll %j = 0 to 2 iter_args(%a = %z) -> (tensor<1x8xf32>) {
    pto.yield %a : tensor<1x8xf32>
  }
  pto.store %r, %o[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  func.return
}
