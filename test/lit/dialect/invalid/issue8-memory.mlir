// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f(%o: memref<64xi32>, %i: index, %v: f32) {
  // expected-error@+1 {{'pto.write' op pto.write stores a f32 but the memref holds i32}}
  pto.write %v, %o[%i] : f32, memref<64xi32>
  func.return
}

// -----
func.func @f(%o: memref<64x8xi32>, %i: index, %v: i32) {
  // expected-error@+1 {{'pto.write' op pto.write indexes a rank-2 memref memref<64x8xi32> with 1 indices}}
  pto.write %v, %o[%i] : i32, memref<64x8xi32>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.load_valid' op pto.load_valid gives 1 valid extents for a rank-2 tile}}
  %t = pto.load_valid %m[%r, %r] valid [%n] : memref<?x512xf32> -> tensor<1x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %r: index, %n: index) {
  // expected-error@+1 {{Expected `zero`, `min`, or `max`.}}
  %t = pto.load_valid %m[%r, %r] valid [%n, %n] pad median : memref<?x512xf32> -> tensor<1x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.load_valid' op tile shape [512] has rank 1 but the memref memref<?x512xf32> has rank 2}}
  %t = pto.load_valid %m[%r, %r] valid [%n] : memref<?x512xf32> -> tensor<512xf32>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %t: tensor<1x512xbf16>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.store_valid' op tile element type bf16 differs from the memref's f32}}
  pto.store_valid %t, %m[%r, %r] valid [%n, %n] : tensor<1x512xbf16>, memref<?x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<?x65536xf32>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.load_valid' op loaded tile tensor<1x65536xf32> is 262144 bytes and does not fit the 196608-byte unified buffer of one vector core of a2}}
  %t = pto.load_valid %m[%r, %r] valid [%n, %n] : memref<?x65536xf32> -> tensor<1x65536xf32>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %t: tensor<4x512xbf16>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.gather_row' op tile element type bf16 differs from the memref's f32}}
  %g = pto.gather_row %t, %m[%r, %r] at [%r, %r] valid [%n, %n] : tensor<4x512xbf16>, memref<?x512xf32> -> tensor<4x512xbf16>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %t: tensor<4x512xf32>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.gather_row' op pto.gather_row gives 1 offsets for a rank-2 tile}}
  %g = pto.gather_row %t, %m[%r, %r] at [%r] valid [%n, %n] : tensor<4x512xf32>, memref<?x512xf32> -> tensor<4x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<?x512xf32>, %t: tensor<4x512xf32>, %r: index, %n: index) {
  // expected-error@+1 {{'pto.gather_row' op the result type tensor<2x512xf32> differs from the tile's tensor<4x512xf32>}}
  %g = pto.gather_row %t, %m[%r, %r] at [%r, %r] valid [%n, %n] : tensor<4x512xf32>, memref<?x512xf32> -> tensor<2x512xf32>
  func.return
}
