// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %a = pto.row_expand_add %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
// CHECK: %b = pto.row_expand_sub %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
// CHECK: %d = pto.row_expand_div %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
// CHECK: %e = pto.row_expand_max %h, %hr : tensor<16x64xbf16>, tensor<16x1xbf16> -> tensor<16x64xbf16>
// CHECK: %f = pto.row_expand_min %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
// CHECK: %g = pto.col_expand_add %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
// CHECK: %i = pto.col_expand_sub %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
// CHECK: %j = pto.col_expand_div %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
// CHECK: %k = pto.col_expand_max %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
// CHECK: %l = pto.col_expand_min %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
// CHECK: %m = pto.adds %x, %s : tensor<16x64xf32>, f32
// CHECK: %n = pto.subs %h, %hs : tensor<16x64xbf16>, bf16
// CHECK: %o = pto.muls %x, %s : tensor<16x64xf32>, f32
// CHECK: %p = pto.divs %x, %s : tensor<16x64xf32>, f32
// CHECK: %t = pto.maxs %q, %qs : tensor<16x64xi32>, i32
// CHECK: %u = pto.mins %x, %s : tensor<16x64xf32>, f32
func.func @f(%x: tensor<16x64xf32>, %r: tensor<16x1xf32>, %c: tensor<1x64xf32>, %h: tensor<16x64xbf16>, %hr: tensor<16x1xbf16>, %s: f32, %hs: bf16, %q: tensor<16x64xi32>, %qs: i32) {
  %a = pto.row_expand_add %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  %b = pto.row_expand_sub %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  %d = pto.row_expand_div %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  %e = pto.row_expand_max %h, %hr : tensor<16x64xbf16>, tensor<16x1xbf16> -> tensor<16x64xbf16>
  %f = pto.row_expand_min %x, %r : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
  %g = pto.col_expand_add %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  %i = pto.col_expand_sub %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  %j = pto.col_expand_div %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  %k = pto.col_expand_max %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  %l = pto.col_expand_min %x, %c : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
  %m = pto.adds %x, %s : tensor<16x64xf32>, f32
  %n = pto.subs %h, %hs : tensor<16x64xbf16>, bf16
  %o = pto.muls %x, %s : tensor<16x64xf32>, f32
  %p = pto.divs %x, %s : tensor<16x64xf32>, f32
  %t = pto.maxs %q, %qs : tensor<16x64xi32>, i32
  %u = pto.mins %x, %s : tensor<16x64xf32>, f32
  func.return
}
