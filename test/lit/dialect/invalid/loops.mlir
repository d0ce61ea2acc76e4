// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f() {
  // expected-error@+1 {{'pto.unroll' op pto.unroll count must be >= 1, got 0}}
  pto.unroll %j = 0 to 0 {
  }
  func.return
}

// -----
func.func @f(%x: f32) {
  // expected-error@+1 {{'pto.unroll' op pto.yield value #0 has type i32 but iter_arg #0 has type f32}}
  %r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (f32) {
    %i = arith.constant 1 : i32
    pto.yield %i : i32
  }
  func.return
}

// -----
func.func @f(%x: f32) {
  // expected-error@+1 {{'pto.unroll' op pto.yield returns 2 values but pto.unroll carries 1 iter_args}}
  %r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (f32) {
    pto.yield %a, %a : f32, f32
  }
  func.return
}

// -----
func.func @f(%x: f32, %lb: index) {
  // expected-error@+1 {{'pto.range' op pto.range pipeline depth must be >= 1, got 0}}
  %r = pto.range %s = %lb to %lb step %lb pipeline 0 iter_args(%a = %x) -> (f32) {
    pto.yield %a : f32
  }
  func.return
}

// -----
func.func @f(%lb: i32) {
  // expected-error@+1 {{operand is used with type index, but has been previously used or defined with type i32}}
  pto.range %s = %lb to %lb step %lb {
  }
  func.return
}

// -----
func.func @f() {
  // expected-error@+1 {{'pto.yield' op}}
  pto.yield
}
