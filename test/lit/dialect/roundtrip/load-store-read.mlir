// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %t = pto.load %m[%r, %c] : memref<?x2048xf32> -> tensor<1x64xf32>
// CHECK: pto.store %t, %o[%r, %c] : tensor<1x64xf32>, memref<64x512xf32>
// CHECK: %v = pto.read %bt[%r, %c] : memref<64x65xi32> -> i32
// CHECK: %h = pto.load %x[%r, %c] : memref<128x4096xbf16> -> tensor<64x512xbf16>
func.func @f(%m: memref<?x2048xf32>, %o: memref<64x512xf32>, %bt: memref<64x65xi32>, %x: memref<128x4096xbf16>, %r: index, %c: index) {
  %t = pto.load %m[%r, %c] : memref<?x2048xf32> -> tensor<1x64xf32>
  pto.store %t, %o[%r, %c] : tensor<1x64xf32>, memref<64x512xf32>
  %v = pto.read %bt[%r, %c] : memref<64x65xi32> -> i32
  %h = pto.load %x[%r, %c] : memref<128x4096xbf16> -> tensor<64x512xbf16>
  func.return
}
