// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: pto.spmd %t = 0 to 64 name "softmax_pool" core vector {
// CHECK-NEXT: }
func.func @f() {
  pto.spmd %t = 0 to 64 name "softmax_pool" core vector {
  }
  func.return
}
