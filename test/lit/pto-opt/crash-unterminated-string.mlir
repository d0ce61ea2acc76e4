// An unterminated string literal: xdsl 0.74's lexer pattern backtracks exponentially
// in the rest of the line (this file took forever to parse; pto-run had no timeout).
// ptoc's lexer uses an equivalent linear pattern: an immediate located parse error.
// RUN: not pto-opt %s --parse-timeout 20 2>&1 | filecheck %s
// RUN: not pto-run %s 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: crash-unterminated-string.mlir:[[# @LINE + 6]]:29: error: End of file reached before closing string literal.
// CHECK-NOT: parsing did not finish
// CHECK-NOT: Traceback

func.func @f(%m: memref<64x64xf32>) {
  %c0 = "arith.constant"() <{value = 0 : index}> : () -> index
  pto.spmd %t = 0 to 4 name "s core vector { %x = pto.load %m[%t, %c0] : memref<64x64xf32> -> tensor<1x64xf32>
  }
  func.return
}
