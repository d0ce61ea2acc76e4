// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) {
  %m = pto.cmp lt %a, %b : tensor<4x64xf32> -> tensor<4x64xi8>
  func.return
}
// CHECK: issue8-masks.mlir:4:3: error: 'pto.cmp' op pto.cmp of tensor<4x64xf32> gives a mask tensor<4x64xi1>, not tensor<4x64xi8>

// -----
func.func @f(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) {
  %m = pto.cmp below %a, %b : tensor<4x64xf32> -> tensor<4x64xi1>
  func.return
}
// CHECK: issue8-masks.mlir:11:16: error: Expected `eq`, `ne`, `lt`, `le`, `gt`, or `ge`.

// -----
func.func @f(%a: tensor<4x64xf32>, %s: f16) {
  %m = pto.cmps lt %a, %s : tensor<4x64xf32>, f16 -> tensor<4x64xi1>
  func.return
}
// CHECK: issue8-masks.mlir:18:3: error: 'pto.cmps' op pto.cmps compares a tile of f32 with a scalar of the same type, not f16

// -----
func.func @f(%a: tensor<4x64xf32>, %s: f32) {
  %m = pto.cmps lt %a, %s : tensor<4x64xf32>, f32 -> tensor<4x32xi1>
  func.return
}
// CHECK: issue8-masks.mlir:25:3: error: 'pto.cmps' op pto.cmps of tensor<4x64xf32> gives a mask tensor<4x64xi1>, not tensor<4x32xi1>

// -----
func.func @f(%m: tensor<4x64xi1>, %a: tensor<4x32xf32>) {
  %r = pto.select %m, %a, %a : tensor<4x64xi1>, tensor<4x32xf32>
  func.return
}
// CHECK: issue8-masks.mlir:32:3: error: 'pto.select' op mask shape [4, 64] differs from the tile shape [4, 32]

// -----
func.func @f(%m: tensor<4x64xf32>, %a: tensor<4x64xf32>) {
  %r = pto.select %m, %a, %a : tensor<4x64xf32>, tensor<4x64xf32>
  func.return
}
// CHECK: issue8-masks.mlir:39:3: error: 'pto.select' op pto.select's mask must be a tile of i1, got tensor<4x64xf32>

// -----
func.func @f(%x: tensor<16x64xf32>, %r: tensor<1x64xf32>) {
  %a = pto.row_expand_sub %x, %r : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  func.return
}
// CHECK: issue8-masks.mlir:46:3: error: 'pto.row_expand_sub' op pto.row_expand_sub broadcasts a [16, 1] tile (one value per row) over a [16, 64] tile, not a [1, 64] tile

// -----
func.func @f(%x: tensor<16x64xf32>, %r: tensor<16x1xf32>) {
  %a = pto.col_expand_max %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  func.return
}
// CHECK: issue8-masks.mlir:53:3: error: 'pto.col_expand_max' op pto.col_expand_max broadcasts a [1, 64] tile (one value per column) over a [16, 64] tile, not a [16, 1] tile

// -----
func.func @f(%x: tensor<16x64xf32>, %s: f16) {
  %a = pto.adds %x, %s : tensor<16x64xf32>, f16
  func.return
}
// CHECK: issue8-masks.mlir:60:3: error: 'pto.adds' op pto.adds combines a tile of f32 with a scalar of the same type, not f16

// -----
func.func @f(%v: tensor<1x48xf32>, %i: tensor<1x48xi32>) {
  %p = pto.sort32 %v, %i : tensor<1x48xf32>, tensor<1x48xi32> -> tensor<1x96xf32>
  func.return
}
// CHECK: issue8-masks.mlir:67:3: error: 'pto.sort32' op pto.sort32 sorts groups of 32: the last axis (48) must be a multiple of 32

// -----
func.func @f(%v: tensor<1x64xf32>, %i: tensor<1x64xi16>) {
  %p = pto.sort32 %v, %i : tensor<1x64xf32>, tensor<1x64xi16> -> tensor<1x128xf32>
  func.return
}
// CHECK: issue8-masks.mlir:74:3: error: 'pto.sort32' op pto.sort32 indices must be a 32-bit integer tile, got tensor<1x64xi16>

// -----
func.func @f(%v: tensor<1x64xf32>, %i: tensor<1x64xi32>) {
  %p = pto.sort32 %v, %i : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x64xf32>
  func.return
}
// CHECK: issue8-masks.mlir:81:3: error: 'pto.sort32' op pto.sort32 of [1, 64] gives (value, index) pairs tensor<1x128xf32>, not tensor<1x64xf32>

// -----
func.func @f(%p: tensor<1x512xf32>) {
  %s = pto.mrgsort %p : tensor<1x512xf32> -> tensor<1x512xf32>
  func.return
}
// CHECK: issue8-masks.mlir:88:3: error: 'pto.mrgsort' op pto.mrgsort of one tile needs `block_len`: the length of its sorted runs

// -----
func.func @f(%p: tensor<1x512xf32>) {
  %s = pto.mrgsort %p block_len 48 : tensor<1x512xf32> -> tensor<1x512xf32>
  func.return
}
// CHECK: issue8-masks.mlir:95:3: error: 'pto.mrgsort' op pto.mrgsort block_len 48 must be even, >= 2 and divide the last axis (512)

// -----
func.func @f(%a: tensor<1x256xf32>, %b: tensor<1x256xf32>) {
  %m = pto.mrgsort %a, %b : tensor<1x256xf32>, tensor<1x256xf32> -> tensor<1x256xf32>
  func.return
}
// CHECK: issue8-masks.mlir:102:3: error: 'pto.mrgsort' op pto.mrgsort of 2 tile(s) of 512 slots in all gives 512 slots, not 256

// -----
func.func @f(%p: tensor<1x16xf32>) {
  %i = pto.gather_mask %p pattern P1010 : tensor<1x16xf32> -> tensor<1x4xi32>
  func.return
}
// CHECK: issue8-masks.mlir:109:3: error: 'pto.gather_mask' op pto.gather_mask P1010 of [1, 16] gives [1, 8], not [1, 4]

// -----
func.func @f(%p: tensor<1x16xf32>) {
  %i = pto.gather_mask %p pattern P1010 : tensor<1x16xf32> -> tensor<1x8xi16>
  func.return
}
// CHECK: issue8-masks.mlir:116:3: error: 'pto.gather_mask' op pto.gather_mask keeps the bits: f32 and i16 must have the same width

// -----
func.func @f(%p: tensor<1x16xf32>) {
  %i = pto.gather_mask %p pattern P0110 : tensor<1x16xf32> -> tensor<1x8xf32>
  func.return
}
// CHECK: issue8-masks.mlir:123:35: error: Expected `P0101`, `P1010`, `P0001`, `P0010`, `P0100`, `P1000`, or `P1111`.

// -----
func.func @f(%p: tensor<1x16xf32>, %i: tensor<1x4xi32>) {
  %r = pto.scatter_mask %i into %p pattern P1010 : tensor<1x4xi32>, tensor<1x16xf32>
  func.return
}
// CHECK: issue8-masks.mlir:130:3: error: 'pto.scatter_mask' op pto.scatter_mask P1010 into [1, 16] takes a [1, 8] tile, not [1, 4]

// -----
func.func @f(%a: tensor<64x512xbf16>, %w: tensor<64x512xbf16>) {
  %c = pto.matmul %a, %w : tensor<64x512xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
  func.return
}
// CHECK: issue8-masks.mlir:137:3: error: 'pto.matmul' op inner dimensions differ: [64, 512] x [64, 512]

// -----
func.func @f(%x: tensor<16x64xi8>, %y: tensor<64x32xi8>) {
  %q = pto.matmul %x, %y : tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xf32>
  func.return
}
// CHECK: issue8-masks.mlir:144:3: error: 'pto.matmul' op pto.matmul multiplies integers as int8 x int8 -> int32; got i8 inputs and a f32 result

// -----
func.func @f(%x: tensor<16x64xi32>, %y: tensor<64x32xi32>) {
  %q = pto.matmul %x, %y : tensor<16x64xi32>, tensor<64x32xi32> -> tensor<16x32xi32>
  func.return
}
// CHECK: issue8-masks.mlir:151:3: error: 'pto.matmul' op pto.matmul multiplies integers as int8 x int8 -> int32; got i32 inputs and a i32 result
