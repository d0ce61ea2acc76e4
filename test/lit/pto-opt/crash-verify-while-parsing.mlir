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
  // expected-error@+1 {{a dense constant of 9999999800000001 elements is more than the limit of 4194304 elements}}
  %0 = arith.constant dense<0.0> : tensor<99999999x99999999xf32>
  func.return
}

// -----

// 3 x 10**8 elements: refused before xdsl materialises them (it used 18 GB)
func.func @big_splat() {
  // expected-error@+1 {{a dense constant of 299999997 elements is more than the limit}}
  %0 = arith.constant dense<0.0> : tensor<3x99999999xf32>
  func.return
}

// -----

func.func @big_generic_splat() {
  // expected-error@+1 {{a dense constant of 8388608 elements}}
  %0 = "arith.constant"() <{value = dense<1> : tensor<4096x2048xi32>}> : () -> tensor<4096x2048xi32>
  func.return
}

// -----

func.func @dense_index_overflow() {
  // expected-error@+1 {{'arith.constant' op is invalid: argument out of range}}
  %0 = arith.constant dense<99999999999999999999999> : tensor<2xindex>
  func.return
}

// -----

// A real number for complex elements: xdsl's parser asserts (to_complex wants a pair);
// found by the fuzz tests, which turned every f32 of the seed kernel into complex<f32>.
func.func @complex_splat() {
  // expected-error@+1 {{'arith.constant' op is invalid: AssertionError}}
  %0 = arith.constant dense<1.0> : tensor<1x4xcomplex<f32>>
  func.return
}
