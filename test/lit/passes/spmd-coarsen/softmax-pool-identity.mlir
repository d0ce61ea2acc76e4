// factor=1 (and the default options) leave the seed's softmax_pool byte for byte unchanged.
// RUN: pto-opt %examples/softmax_pool.mlir > %t.plain.mlir
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=1}' | diff %t.plain.mlir -
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen' | diff %t.plain.mlir -
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=1 inner=range remainder=guard scope=softmax_pool}' | diff %t.plain.mlir -
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=1}' | filecheck %s

// A dynamic task count is fine at factor 1, even with remainder=error.
func.func @dyn(%x: memref<8x8xf32>, %n: index) {
  pto.spmd %t = 0 to %n {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%t, %c0] : memref<8x8xf32> -> tensor<1x8xf32>
    pto.store %v, %x[%t, %c0] : tensor<1x8xf32>, memref<8x8xf32>
  }
  func.return
}
// CHECK:      pto.spmd %t = 0 to %n {
// CHECK-NEXT:   %c0 = arith.constant 0 : index
// CHECK-NOT:  pto.unroll
