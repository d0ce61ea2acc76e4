// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK:      pto.spmd %g = 0 to 32 name "softmax_pool" {
// CHECK-NEXT:   pto.unroll %j = 0 to 2 {
// CHECK:          pto.range %hb = %c0 to %c8 step %c1 {
func.func @f() {
  pto.spmd %g = 0 to 32 name "softmax_pool" {
    pto.unroll %j = 0 to 2 {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c8 = arith.constant 8 : index
      pto.range %hb = %c0 to %c8 step %c1 {
      }
    }
  }
  func.return
}
