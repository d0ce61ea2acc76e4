// Locations stay right across --split-input-file chunks.
// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @ok() {
  func.return
}
// CHECK: func.func @ok()

// -----
func.func @bad() {
  // expected-error@+1 {{'pto.unroll' op pto.unroll count must be >= 1, got -2}}
  pto.unroll %j = 0 to -2 {
  }
  func.return
}
