// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f(%x: tensor<16x64xf32>) {
  // expected-error@+1 {{'pto.row_sum' op pto.row_sum of a [16, 64] tile gives a [16, 1] tile, not [1, 64]}}
  %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<1x64xf32>
  func.return
}

// -----

func.func @f(%x: tensor<16x64xf32>) {
  // expected-error@+1 {{'pto.col_max' op pto.col_max of a [16, 64] tile gives a [1, 64] tile, not [16, 1]}}
  %c = pto.col_max %x : tensor<16x64xf32> -> tensor<16x1xf32>
  func.return
}

// -----

func.func @f(%x: tensor<64xf32>) {
  // expected-error@+1 {{'pto.col_max' op pto.col_max takes a tile of rank 2 or more}}
  %c = pto.col_max %x : tensor<64xf32> -> tensor<1xf32>
  func.return
}

// -----

func.func @f(%x: tensor<16x64xbf16>) {
  // expected-error@+1 {{'pto.col_sum' op pto.col_sum sums f16, f32, i16 or i32 tiles (a2a3 TCOLSUM), not bf16}}
  %c = pto.col_sum %x : tensor<16x64xbf16> -> tensor<1x64xbf16>
  func.return
}

// -----

func.func @f(%x: tensor<16x64xi8>) {
  // expected-error@+1 {{'pto.col_sum' op pto.col_sum sums f16, f32, i16 or i32 tiles (a2a3 TCOLSUM), not i8}}
  %c = pto.col_sum %x binary : tensor<16x64xi8> -> tensor<1x64xi8>
  func.return
}

// -----

func.func @f(%x: tensor<16x64xf32>) {
  // expected-error@+1 {{'pto.col_sum' op pto.col_sum of a [16, 64] tile gives a [1, 64] tile, not [16, 1]}}
  %c = pto.col_sum %x : tensor<16x64xf32> -> tensor<16x1xf32>
  func.return
}

// -----

func.func @f(%x: tensor<16x64xf32>) {
  // expected-error@+1 {{'pto.row_min' op pto.row_min of a [16, 64] tile gives a [16, 1] tile, not [1, 64]}}
  %c = pto.row_min %x : tensor<16x64xf32> -> tensor<1x64xf32>
  func.return
}

// -----

func.func @f(%x: tensor<16x64xf32>) {
  // expected-error@+1 {{'pto.col_min' op pto.col_min of a [16, 64] tile gives a [1, 64] tile, not [16, 1]}}
  %c = pto.col_min %x : tensor<16x64xf32> -> tensor<16x1xf32>
  func.return
}

// -----
func.func @f(%x: tensor<16x64xf32>, %r: tensor<1x64xf32>) {
  // expected-error@+1 {{'pto.row_expand_mul' op pto.row_expand_mul scales a [16, 64] tile by a [16, 1] tile, not [1, 64]}}
  %a = pto.row_expand_mul %x, %r : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  func.return
}

// -----
func.func @f(%x: tensor<16x64xf32>, %r: tensor<16x1xf32>) {
  // expected-error@+1 {{'pto.col_expand_mul' op pto.col_expand_mul scales a [16, 64] tile by a [1, 64] tile, not [16, 1]}}
  %a = pto.col_expand_mul %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<64x512xbf16>, %b: tensor<256x64xbf16>) {
  // expected-error@+1 {{'pto.matmul' op inner dimensions differ: [64, 512] x [256, 64]}}
  %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<256x64xbf16> -> tensor<64x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<64x512xbf16>, %b: tensor<512x64xbf16>) {
  // expected-error@+1 {{'pto.matmul' op pto.matmul accumulates in f32; its result must be f32}}
  %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xbf16>
  func.return
}

// -----
func.func @f(%x: tensor<1x64xf32>, %i: tensor<1x32xf32>) {
  // expected-error@+1 {{'pto.gather' op indices must be an integer tile}}
  %g = pto.gather %x, %i : tensor<1x64xf32>, tensor<1x32xf32> -> tensor<1x32xf32>
  func.return
}

// -----
func.func @f(%x: tensor<1x512xf32>) {
  // expected-error@+1 {{pto.cast rounding must be one of rint, round, floor, ceil, trunc, odd, none, got 'banker'}}
  %h = pto.cast %x round "banker" : tensor<1x512xf32> -> tensor<1x512xbf16>
  func.return
}

// -----
func.func @f(%x: tensor<1x512xf32>) {
  // expected-error@+1 {{'pto.cast' op pto.cast changes the element type only: tensor<1x512xf32> -> tensor<1x256xbf16>}}
  %h = pto.cast %x : tensor<1x512xf32> -> tensor<1x256xbf16>
  func.return
}

// -----
func.func @f() {
  // expected-error@+1 {{'pto.arange' op pto.arange makes an integer tile; cast it for floats}}
  %i = pto.arange start 0 step 1 : tensor<1x64xf32>
  func.return
}
