// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f(%o: memref<64xi32>, %i: index, %v: f32) {
  pto.write %v, %o[%i] : f32, memref<64xi32>
  func.return
}
// CHECK: issue8-memory.mlir:4:3: error: 'pto.write' op pto.write stores a f32 but the memref holds i32

// -----
func.func @f(%o: memref<64x8xi32>, %i: index, %v: i32) {
  pto.write %v, %o[%i] : i32, memref<64x8xi32>
  func.return
}
// CHECK: issue8-memory.mlir:11:3: error: 'pto.write' op pto.write indexes a rank-2 memref memref<64x8xi32> with 1 indices

// -----
func.func @f(%m: memref<?x512xf32>, %r: index, %n: index) {
  %t = pto.load_valid %m[%r, %r] valid [%n] : memref<?x512xf32> -> tensor<1x512xf32>
  func.return
}
// CHECK: issue8-memory.mlir:18:3: error: 'pto.load_valid' op pto.load_valid gives 1 valid extents for a rank-2 tile

// -----
func.func @f(%m: memref<?x512xf32>, %r: index, %n: index) {
  %t = pto.load_valid %m[%r, %r] valid [%n, %n] pad median : memref<?x512xf32> -> tensor<1x512xf32>
  func.return
}
// CHECK: issue8-memory.mlir:25:53: error: Expected `zero`, `min`, or `max`.

// -----
func.func @f(%m: memref<?x512xf32>, %r: index, %n: index) {
  %t = pto.load_valid %m[%r, %r] valid [%n] : memref<?x512xf32> -> tensor<512xf32>
  func.return
}
// CHECK: issue8-memory.mlir:32:3: error: 'pto.load_valid' op tile shape [512] has rank 1 but the memref memref<?x512xf32> has rank 2

// -----
func.func @f(%m: memref<?x512xf32>, %t: tensor<1x512xbf16>, %r: index, %n: index) {
  pto.store_valid %t, %m[%r, %r] valid [%n, %n] : tensor<1x512xbf16>, memref<?x512xf32>
  func.return
}
// CHECK: issue8-memory.mlir:39:3: error: 'pto.store_valid' op tile element type bf16 differs from the memref's f32

// -----
func.func @f(%m: memref<?x65536xf32>, %r: index, %n: index) {
  %t = pto.load_valid %m[%r, %r] valid [%n, %n] : memref<?x65536xf32> -> tensor<1x65536xf32>
  func.return
}
// CHECK: issue8-memory.mlir:46:3: error: 'pto.load_valid' op loaded tile tensor<1x65536xf32> is 262144 bytes and does not fit the 196608-byte unified buffer of one vector core of a2a3; split it into smaller tiles
