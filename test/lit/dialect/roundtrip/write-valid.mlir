// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: pto.write %v, %o[%r, %c] : i32, memref<64x65xi32>
// CHECK: %t = pto.load_valid %m[%r, %c] valid[%n, %c] pad min : memref<?x512xf32> -> tensor<1x512xf32>
// CHECK: %z = pto.load_valid %m[%r, %c] valid[%n, %c] : memref<?x512xf32> -> tensor<4x512xf32>
// CHECK: %x = pto.load_valid %m[%r, %c] valid[%n, %c] pad max : memref<?x512xf32> -> tensor<1x512xf32>
// CHECK: pto.store_valid %t, %m[%r, %c] valid[%n, %c] : tensor<1x512xf32>, memref<?x512xf32>
// CHECK: %g = pto.gather_row %z, %m[%r, %c] at[%n, %c] valid[%n, %c] : tensor<4x512xf32>, memref<?x512xf32> -> tensor<4x512xf32>
func.func @f(%m: memref<?x512xf32>, %o: memref<64x65xi32>, %r: index, %c: index, %n: index, %v: i32) {
  pto.write %v, %o[%r, %c] : i32, memref<64x65xi32>
  %t = pto.load_valid %m[%r, %c] valid [%n, %c] pad min : memref<?x512xf32> -> tensor<1x512xf32>
  %z = pto.load_valid %m[%r, %c] valid [%n, %c] : memref<?x512xf32> -> tensor<4x512xf32>
  %x = pto.load_valid %m[%r, %c] valid [%n, %c] pad max : memref<?x512xf32> -> tensor<1x512xf32>
  pto.store_valid %t, %m[%r, %c] valid [%n, %c] : tensor<1x512xf32>, memref<?x512xf32>
  %g = pto.gather_row %z, %m[%r, %c] at [%n, %c] valid [%n, %c] : tensor<4x512xf32>, memref<?x512xf32> -> tensor<4x512xf32>
  func.return
}
