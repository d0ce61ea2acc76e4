// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %s = tensor.extract_slice %t[%r0, 0] [16, 64] [1, 1] : tensor<64x64xf32> to tensor<16x64xf32>
// CHECK: %s2 = tensor.extract_slice %t[16, 32] [16, 32] [1, 1] : tensor<64x64xf32> to tensor<16x32xf32>
// CHECK: %u = tensor.insert_slice %row into %t[%r0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<64x64xf32>
// CHECK: %flat = memref.collapse_shape %x [[0 : i64, 1 : i64], [2 : i64]] : memref<4x16x512xbf16> into memref<64x512xbf16>
// CHECK: %dflat = memref.collapse_shape %y [[0 : i64, 1 : i64], [2 : i64]] : memref<?x16x512xbf16> into memref<?x512xbf16>
// CHECK: %back = memref.expand_shape %dflat [[0 : i64, 1 : i64], [2 : i64]] output_shape [%n, 16, 512] : memref<?x512xbf16> into memref<?x16x512xbf16>
// CHECK: %scr = memref.alloc() : memref<64x512xf32>
// CHECK: %dscr = memref.alloc(%n) : memref<?x512xf32>
func.func @f(%t: tensor<64x64xf32>, %row: tensor<1x64xf32>, %r0: index, %x: memref<4x16x512xbf16>, %y: memref<?x16x512xbf16>, %n: index) {
  %s = tensor.extract_slice %t[%r0, 0] [16, 64] [1, 1] : tensor<64x64xf32> to tensor<16x64xf32>
  %s2 = tensor.extract_slice %t[16, 32] [16, 32] [1, 1] : tensor<64x64xf32> to tensor<16x32xf32>
  %u = tensor.insert_slice %row into %t[%r0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<64x64xf32>
  %flat = memref.collapse_shape %x [[0, 1], [2]] : memref<4x16x512xbf16> into memref<64x512xbf16>
  %dflat = memref.collapse_shape %y [[0, 1], [2]] : memref<?x16x512xbf16> into memref<?x512xbf16>
  %back = memref.expand_shape %dflat [[0, 1], [2]] output_shape [%n, 16, 512] : memref<?x512xbf16> into memref<?x16x512xbf16>
  %scr = memref.alloc() : memref<64x512xf32>
  %dscr = memref.alloc(%n) : memref<?x512xf32>
  func.return
}
