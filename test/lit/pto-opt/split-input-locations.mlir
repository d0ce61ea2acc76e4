// Locations stay right across --split-input-file chunks.
// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @ok() {
  func.return
}
// CHECK: func.func @ok()

// -----
func.func @bad() {
  pto.unroll %j = 0 to -2 {
  }
  func.return
}
// CHECK: split-input-locations.mlir:11:3: error: 'pto.unroll' op pto.unroll count must be >= 1, got -2
