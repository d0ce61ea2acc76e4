// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: core cube
// CHECK: core mix
// CHECK: name "a" core vector {
// CHECK-NEXT: } {attr = 1 : i64}
func.func @f() {
  pto.spmd %t = 0 to 32 name "proj" core cube {
  }
  pto.spmd %t = 0 to 24 core mix {
  }
  pto.spmd %t = 0 to 2 name "a" core vector {
  } {attr = 1 : i64}
  func.return
}
