// A constructor that verifies while parsing (xdsl raises VerifyException, not a
// ParseError) and a constant too large to build: located diagnostics naming the op.
// RUN: pto-opt %s --verify-diagnostics --split-input-file
// RUN: not pto-opt %s --split-input-file 2>&1 | filecheck --check-prefix=FIRST %s

func.func @string_index() {
  // expected-error@+1 {{'arith.constant' op is invalid: Unexpected attribute "x"}}
  %0 = arith.constant "x" : index
  func.return
}
// FIRST: crash-verify-while-parsing.mlir:[[# @LINE - 3]]:3: error: 'arith.constant' op is invalid
// FIRST-NOT: Traceback

// -----

func.func @huge_splat() {
  // expected-error@+1 {{'arith.constant' op is too large to build (out of memory)}}
  %0 = arith.constant dense<0.0> : tensor<99999999x99999999xf32>
  func.return
}

// -----

func.func @dense_index_overflow() {
  // expected-error@+1 {{'arith.constant' op is invalid: argument out of range}}
  %0 = arith.constant dense<99999999999999999999999> : tensor<2xindex>
  func.return
}
