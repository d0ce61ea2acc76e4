// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: pto.store %t, %o[%r, %c] atomic add : tensor<16x128xf32>, memref<32x1024xf32>
// CHECK: pto.store %n, %h[%r, %c] atomic add : tensor<1x64xi32>, memref<64x512xi32>
// CHECK: pto.store %t, %o[%r, %c] : tensor<16x128xf32>, memref<32x1024xf32>
// GENERIC: "pto.store"(%t, %o, %r, %c) <{atomic = #pto<atomic add>}> : (tensor<16x128xf32>, memref<32x1024xf32>, index, index) -> ()
// GENERIC: "pto.store"(%n, %h, %r, %c) <{atomic = #pto<atomic add>}>
// GENERIC: "pto.store"(%t, %o, %r, %c) : (tensor<16x128xf32>
func.func @f(%o: memref<32x1024xf32>, %h: memref<64x512xi32>, %r: index, %c: index) {
  %t = arith.constant dense<1.000000e+00> : tensor<16x128xf32>
  %n = arith.constant dense<1> : tensor<1x64xi32>
  pto.store %t, %o[%r, %c] atomic add : tensor<16x128xf32>, memref<32x1024xf32>
  pto.store %n, %h[%r, %c] atomic add : tensor<1x64xi32>, memref<64x512xi32>
  pto.store %t, %o[%r, %c] : tensor<16x128xf32>, memref<32x1024xf32>
  func.return
}
