// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f(%x: tensor<16x64xf32>) {
  %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<1x64xf32>
  func.return
}
// CHECK: tiles.mlir:4:3: error: 'pto.row_sum' op pto.row_sum of a [16, 64] tile gives a [16, 1] tile, not [1, 64]

// -----
func.func @f(%x: tensor<16x64xf32>, %r: tensor<1x64xf32>) {
  %a = pto.row_expand_mul %x, %r : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  func.return
}
// CHECK: error: 'pto.row_expand_mul' op pto.row_expand_mul scales a [16, 64] tile by a [16, 1] tile, not [1, 64]

// -----
func.func @f(%x: tensor<16x64xf32>, %r: tensor<16x1xf32>) {
  %a = pto.col_expand_mul %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  func.return
}
// CHECK: error: 'pto.col_expand_mul' op pto.col_expand_mul scales a [16, 64] tile by a [1, 64] tile, not [16, 1]

// -----
func.func @f(%a: tensor<64x512xbf16>, %b: tensor<256x64xbf16>) {
  %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<256x64xbf16> -> tensor<64x64xf32>
  func.return
}
// CHECK: error: 'pto.matmul' op inner dimensions differ: [64, 512] x [256, 64]

// -----
func.func @f(%a: tensor<64x512xbf16>, %b: tensor<512x64xbf16>) {
  %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xbf16>
  func.return
}
// CHECK: error: 'pto.matmul' op pto.matmul accumulates in f32; its result must be f32

// -----
func.func @f(%x: tensor<1x64xf32>, %i: tensor<1x32xf32>) {
  %g = pto.gather %x, %i : tensor<1x64xf32>, tensor<1x32xf32> -> tensor<1x32xf32>
  func.return
}
// CHECK: error: 'pto.gather' op indices must be an integer tile

// -----
func.func @f(%x: tensor<1x512xf32>) {
  %h = pto.cast %x round "banker" : tensor<1x512xf32> -> tensor<1x512xbf16>
  func.return
}
// CHECK: tiles.mlir:46:26: error: pto.cast rounding must be one of rint, round, floor, ceil, trunc, odd, none, got 'banker'

// -----
func.func @f(%x: tensor<1x512xf32>) {
  %h = pto.cast %x : tensor<1x512xf32> -> tensor<1x256xbf16>
  func.return
}
// CHECK: error: 'pto.cast' op pto.cast changes the element type only: tensor<1x512xf32> -> tensor<1x256xbf16>

// -----
func.func @f() {
  %i = pto.arange start 0 step 1 : tensor<1x64xf32>
  func.return
}
// CHECK: error: 'pto.arange' op pto.arange makes an integer tile; cast it for floats
