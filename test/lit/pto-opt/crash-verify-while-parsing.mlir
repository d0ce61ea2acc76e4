// A constructor that verifies while parsing (xdsl raises VerifyException, not a
// ParseError) and a constant too large to build: located diagnostics naming the op.
// RUN: pto-opt %s --verify-diagnostics --split-input-file | filecheck %s
// RUN: not pto-opt %s --split-input-file 2>&1 | filecheck --check-prefix=FIRST %s
// CHECK-NOT: Traceback
// CHECK-NOT: internal error

func.func @string_index() {
  %0 = arith.constant "x" : index
  func.return
}
// CHECK: crash-verify-while-parsing.mlir:9:3: error: 'arith.constant' op is invalid: Unexpected attribute "x"
// CHECK-NEXT: %0 = arith.constant "x" : index
// FIRST: crash-verify-while-parsing.mlir:9:3: error: 'arith.constant' op is invalid
// FIRST-NOT: Traceback

// -----

func.func @huge_splat() {
  %0 = arith.constant dense<0.0> : tensor<99999999x99999999xf32>
  func.return
}
// CHECK: crash-verify-while-parsing.mlir:20:3: error: 'arith.constant' op is too large to build (out of memory)

// -----

func.func @dense_index_overflow() {
  %0 = arith.constant dense<99999999999999999999999> : tensor<2xindex>
  func.return
}
// CHECK: crash-verify-while-parsing.mlir:28:3: error: 'arith.constant' op is invalid: argument out of range
// CHECK-NOT: Traceback
// CHECK-NOT: internal error
