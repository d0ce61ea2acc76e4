// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f() {
  pto.spmd %t = 0 to 0 {
  }
  func.return
}
// CHECK: spmd.mlir:4:3: error: 'pto.spmd' op pto.spmd task count must be >= 1, got 0

// -----
func.func @f() {
  pto.spmd %t = 0 to 4 core scalar {
  }
  func.return
}
// CHECK: spmd.mlir:12:29: error: pto.spmd core must be one of vector, cube, mix, got 'scalar'

// -----
func.func @f() {
  pto.spmd %t = 1 to 4 {
  }
  func.return
}
// CHECK: spmd.mlir:20:17: error: pto.spmd tasks are numbered from 0: expected `0 to N`

// -----
func.func @f(%x: f32) {
  pto.spmd %t = 0 to 4 {
    pto.yield %x : f32
  }
  func.return
}
// CHECK: error: 'pto.spmd' op pto.spmd has no results: its pto.yield must be empty

// -----
func.func @f(%n: i32) {
  pto.spmd %t = 0 to %n {
  }
  func.return
}
// CHECK: spmd.mlir:37:22: error: operand is used with type index, but has been previously used or defined with type i32
