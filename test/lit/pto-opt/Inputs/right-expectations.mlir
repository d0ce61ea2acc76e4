// Every form of expectation, each met.
func.func @plus() {
  // expected-error@+1 {{'pto.unroll' op pto.unroll count must be >= 1, got 0}}
  pto.unroll %j = 0 to 0 {
  }
  func.return
}

// -----
func.func @below() {
  // @below: the next line without an annotation
  // expected-error@below {{count must be >= 1, got -1}}
  pto.unroll %j = 0 to -1 {
  }
  func.return
}

// -----
func.func @above() {
  pto.unroll %j = 0 to -2 {
  // expected-error@above {{got -2}}
  }
  func.return
}

// -----
func.func @same_line() {
  pto.unroll %j = 0 to -3 { // expected-error {{got -3}}
  }
  func.return
}

// -----
func.func @minus() {
  pto.unroll %j = 0 to -4 {
  }
  // expected-error@-2 {{got -4}}
  func.return
}

// -----
// a parse error is a diagnostic too
func.func @parse(%a: i32) {
  // expected-error@+1 {{operand is used with type index, but has been previously used or defined with type i32}}
  pto.range %s = %a to %a step %a {
  }
  func.return
}

// -----
// a chunk without diagnostics passes through
func.func @ok() {
  func.return
}
