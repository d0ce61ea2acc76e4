// pto.row_expand / pto.col_expand (the plain broadcasts) lower to linalg.generic that
// yields the vector's value, verify upstream, and the MLIR engine matches the
// interpreter bit for bit (also on int32 tiles).
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 2 --contract exact | filecheck %s

func.func @k(%x: memref<16x64xf32>, %w: memref<1x64xf32>, %n: memref<16x8xi32>,
             %y: memref<16x64xf32>, %z: memref<16x64xf32>, %q: memref<16x8xi32>) {
  pto.spmd %t = 0 to 1 name "s" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%c0, %c0] : memref<16x64xf32> -> tensor<16x64xf32>
    %m = pto.row_max %a : tensor<16x64xf32> -> tensor<16x1xf32>
    %r = pto.row_expand %a, %m : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
    pto.store %r, %y[%c0, %c0] : tensor<16x64xf32>, memref<16x64xf32>
    %v = pto.load %w[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %c = pto.col_expand %a, %v : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    pto.store %c, %z[%c0, %c0] : tensor<16x64xf32>, memref<16x64xf32>
    %i = pto.load %n[%c0, %c0] : memref<16x8xi32> -> tensor<16x8xi32>
    %i0 = pto.load %n[%c0, %c0] : memref<16x8xi32> -> tensor<1x8xi32>
    %ci = pto.col_expand %i, %i0 : tensor<16x8xi32>, tensor<1x8xi32> -> tensor<16x8xi32>
    pto.store %ci, %q[%c0, %c0] : tensor<16x8xi32>, memref<16x8xi32>
  }
  func.return
}

// CHECK: pto-crosscheck: match
