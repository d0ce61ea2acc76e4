// RUN: pto-opt %s | filecheck %s
// RUN: pto-opt %s --print-op-generic | pto-opt | filecheck %s
// RUN: pto-opt %s > %t.once.mlir && pto-opt %t.once.mlir | diff %t.once.mlir -

// CHECK: %c0 = arith.constant 0 : index
// CHECK: %c64 = arith.constant 64 : index
// CHECK: pto.spmd %t = 0 to 24 name "attn" core mix {
// CHECK: %row = arith.muli %t, %c64 : index
// CHECK: %mm = pto.section cube -> (tensor<64x64xf32>) {
// CHECK: %x = pto.load %a[%c0, %c0] : memref<64x512xbf16> -> tensor<64x512xbf16>
// CHECK: %y = pto.load %b[%c0, %c0] : memref<512x64xbf16> -> tensor<512x64xbf16>
// CHECK: %p = pto.matmul %x, %y : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
// CHECK: pto.yield %p : tensor<64x64xf32>
// CHECK: %v = pto.handoff %mm from cube to vector : tensor<64x64xf32>
// CHECK: pto.section vector {
// CHECK: %e = math.exp %v : tensor<64x64xf32>
// CHECK: pto.store %e, %o[%row, %c0] : tensor<64x64xf32>, memref<1536x64xf32>
func.func @f(%a: memref<64x512xbf16>, %b: memref<512x64xbf16>, %o: memref<1536x64xf32>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  pto.spmd %t = 0 to 24 name "attn" core mix {
    %row = arith.muli %t, %c64 : index
    %mm = pto.section cube -> (tensor<64x64xf32>) {
      %x = pto.load %a[%c0, %c0] : memref<64x512xbf16> -> tensor<64x512xbf16>
      %y = pto.load %b[%c0, %c0] : memref<512x64xbf16> -> tensor<512x64xbf16>
      %p = pto.matmul %x, %y : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
      pto.yield %p : tensor<64x64xf32>
    }
    %v = pto.handoff %mm from cube to vector : tensor<64x64xf32>
    pto.section vector {
      %e = math.exp %v : tensor<64x64xf32>
      pto.store %e, %o[%row, %c0] : tensor<64x64xf32>, memref<1536x64xf32>
    }
  }
  func.return
}
