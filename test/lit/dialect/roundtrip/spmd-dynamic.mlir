// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: pto.spmd %t = 0 to %n name "dyn" {
// CHECK: pto.spmd %u = 0 to 3 {
func.func @f(%n: index) {
  pto.spmd %t = 0 to %n name "dyn" {
  }
  pto.spmd %u = 0 to 3 {
  }
  func.return
}
