// Expectations that do not match the diagnostics: each mismatch is named, exit 1.
// expected-error@+1 {{this is not the message}}
func.func @wrong_text() {
  pto.unroll %j = 0 to 0 {
  }
  func.return
}

// -----
func.func @wrong_line() {
  // expected-error@+2 {{pto.unroll count must be >= 1}}
  pto.unroll %j = 0 to 0 {
  }
  func.return
}

// -----
func.func @missing() {
  // expected-error@+1 {{never produced}}
  func.return
}

// -----
func.func @wrong_severity() {
  // expected-warning@+1 {{pto.unroll count must be >= 1}}
  pto.unroll %j = 0 to 0 {
  }
  func.return
}

// -----
func.func @unexpected() {
  pto.unroll %j = 0 to 0 {
  }
  func.return
}
