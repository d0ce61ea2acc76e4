// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f() {
  // expected-error@+1 {{'pto.spmd' op pto.spmd task count must be >= 1, got 0}}
  pto.spmd %t = 0 to 0 {
  }
  func.return
}

// -----
func.func @f() {
  // expected-error@+1 {{pto.spmd core must be one of vector, cube, mix, got 'scalar'}}
  pto.spmd %t = 0 to 4 core scalar {
  }
  func.return
}

// -----
func.func @f() {
  // expected-error@+1 {{pto.spmd tasks are numbered from 0: expected `0 to N`}}
  pto.spmd %t = 1 to 4 {
  }
  func.return
}

// -----
func.func @f(%x: f32) {
  // expected-error@+1 {{'pto.spmd' op pto.spmd has no results: its pto.yield must be empty}}
  pto.spmd %t = 0 to 4 {
    pto.yield %x : f32
  }
  func.return
}

// -----
func.func @f(%n: i32) {
  // expected-error@+1 {{operand is used with type index, but has been previously used or defined with type i32}}
  pto.spmd %t = 0 to %n {
  }
  func.return
}
