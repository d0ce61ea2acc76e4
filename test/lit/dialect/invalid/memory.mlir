// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f(%m: memref<64x512xf32>, %i: index) {
  // expected-error@+1 {{'pto.load' op tile dimension 1 is 1024 but the memref memref<64x512xf32> has only 512}}
  %t = pto.load %m[%i, %i] : memref<64x512xf32> -> tensor<1x1024xf32>
  func.return
}

// -----
func.func @f(%m: memref<64x512xf32>, %i: index) {
  // expected-error@+1 {{'pto.load' op pto.load indexes a rank-2 memref memref<64x512xf32> with 1 indices}}
  %t = pto.load %m[%i] : memref<64x512xf32> -> tensor<1x64xf32>
  func.return
}

// -----
func.func @f(%m: memref<64x512xf32>, %i: index) {
  // expected-error@+1 {{'pto.load' op tile element type f16 differs from the memref's f32}}
  %t = pto.load %m[%i, %i] : memref<64x512xf32> -> tensor<1x64xf16>
  func.return
}

// -----
func.func @f(%m: memref<256x512xf32>, %i: index) {
  // expected-error@+1 {{'pto.load' op loaded tile tensor<128x512xf32> is 262144 bytes and does not fit the 196608-byte unified buffer of one vector core}}
  %t = pto.load %m[%i, %i] : memref<256x512xf32> -> tensor<128x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<64x512xf32>, %t: tensor<2x64xf32>, %i: index) {
  // expected-error@+1 {{'pto.store' op pto.store indexes a rank-2 memref memref<64x512xf32> with 3 indices}}
  pto.store %t, %m[%i, %i, %i] : tensor<2x64xf32>, memref<64x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<64x65xi32>, %i: index) {
  // expected-error@+1 {{'pto.read' op pto.read returns f32 but the memref holds i32}}
  %v = pto.read %m[%i, %i] : memref<64x65xi32> -> f32
  func.return
}

// -----
func.func @f(%m: memref<64x65xi32>, %i: i32) {
  // expected-error@+1 {{operand is used with type index, but has been previously used or defined with type i32}}
  %v = pto.read %m[%i, %i] : memref<64x65xi32> -> i32
  func.return
}
