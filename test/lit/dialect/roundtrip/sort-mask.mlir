// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %p = pto.sort32 %v, %i : tensor<1x256xf32>, tensor<1x256xui32> -> tensor<1x512xf32>
// CHECK: %q = pto.sort32 %v2, %i2 : tensor<2x64xf32>, tensor<2x64xi32> -> tensor<2x128xf32>
// CHECK: %s = pto.mrgsort %p block_len 64 : tensor<1x512xf32> -> tensor<1x512xf32>
// CHECK: %a = tensor.extract_slice %s[0, 0] [1, 256] [1, 1] : tensor<1x512xf32> to tensor<1x256xf32>
// CHECK: %b = tensor.extract_slice %s[0, 256] [1, 256] [1, 1] : tensor<1x512xf32> to tensor<1x256xf32>
// CHECK: %m = pto.mrgsort %a, %b : tensor<1x256xf32>, tensor<1x256xf32> -> tensor<1x512xf32>
// CHECK: %top = tensor.extract_slice %m[0, 0] [1, 16] [1, 1] : tensor<1x512xf32> to tensor<1x16xf32>
// CHECK: %ix = pto.gather_mask %top pattern P1010 : tensor<1x16xf32> -> tensor<1x8xi32>
// CHECK: %vals = pto.gather_mask %top pattern P0101 : tensor<1x16xf32> -> tensor<1x8xf32>
// CHECK: %one = pto.gather_mask %top pattern P0001 : tensor<1x16xf32> -> tensor<1x4xf32>
// CHECK: %back = pto.scatter_mask %ix into %top pattern P1010 : tensor<1x8xi32>, tensor<1x16xf32>
func.func @f(%v: tensor<1x256xf32>, %i: tensor<1x256xui32>, %v2: tensor<2x64xf32>, %i2: tensor<2x64xi32>) {
  %p = pto.sort32 %v, %i : tensor<1x256xf32>, tensor<1x256xui32> -> tensor<1x512xf32>
  %q = pto.sort32 %v2, %i2 : tensor<2x64xf32>, tensor<2x64xi32> -> tensor<2x128xf32>
  %s = pto.mrgsort %p block_len 64 : tensor<1x512xf32> -> tensor<1x512xf32>
  %a = tensor.extract_slice %s[0, 0] [1, 256] [1, 1] : tensor<1x512xf32> to tensor<1x256xf32>
  %b = tensor.extract_slice %s[0, 256] [1, 256] [1, 1] : tensor<1x512xf32> to tensor<1x256xf32>
  %m = pto.mrgsort %a, %b : tensor<1x256xf32>, tensor<1x256xf32> -> tensor<1x512xf32>
  %top = tensor.extract_slice %m[0, 0] [1, 16] [1, 1] : tensor<1x512xf32> to tensor<1x16xf32>
  %ix = pto.gather_mask %top pattern P1010 : tensor<1x16xf32> -> tensor<1x8xi32>
  %vals = pto.gather_mask %top pattern P0101 : tensor<1x16xf32> -> tensor<1x8xf32>
  %one = pto.gather_mask %top pattern P0001 : tensor<1x16xf32> -> tensor<1x4xf32>
  %back = pto.scatter_mask %ix into %top pattern P1010 : tensor<1x8xi32>, tensor<1x16xf32>
  func.return
}
