// Every tile op of the dialect lowers, and the result verifies upstream.
// RUN: pto-opt -p 'pto-to-upstream' %s | filecheck %s
// RUN: pto-opt -p 'pto-to-upstream' %s | filecheck %s --check-prefix=NOPTO
// NOPTO-NOT: {{(= |^ *)pto\.}}
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null

func.func @tiles(%a: memref<64x512xbf16>, %b: memref<512x64xbf16>, %x: memref<4x200xf32>,
                 %o: memref<64x64xf32>, %s: memref<4x1xf32>, %i: memref<4x8xi32>, %h: memref<4x200xbf16>) {
  %c0 = arith.constant 0 : index
  %ta = pto.load %a[%c0, %c0] : memref<64x512xbf16> -> tensor<64x512xbf16>
  %tb = pto.load %b[%c0, %c0] : memref<512x64xbf16> -> tensor<512x64xbf16>
  // CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]}
  // CHECK: arith.extf
  // CHECK: arith.mulf
  // CHECK: arith.addf
  %m = pto.matmul %ta, %tb : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
  %m2 = pto.matmul_acc %m, %ta, %tb : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
  pto.store %m2, %o[%c0, %c0] : tensor<64x64xf32>, memref<64x64xf32>
  %tx = pto.load %x[%c0, %c0] : memref<4x200xf32> -> tensor<4x200xf32>
  // row_sum: one scf.for over rows; per row a tree over each 64-element repeat, the
  // repeats added in order (a loop over the full repeats, then the padded tail)
  // CHECK: scf.for {{.*}} iter_args({{.*}}) -> (tensor<4x1xf32>)
  // CHECK:   scf.for {{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32)
  %rs = pto.row_sum %tx : tensor<4x200xf32> -> tensor<4x1xf32>
  %rm = pto.row_max %tx : tensor<4x200xf32> -> tensor<4x1xf32>
  %rr = arith.addf %rs, %rm : tensor<4x1xf32>
  %sc = pto.row_expand_mul %tx, %rr : tensor<4x200xf32>, tensor<4x1xf32> -> tensor<4x200xf32>
  %row = pto.load %x[%c0, %c0] : memref<4x200xf32> -> tensor<1x200xf32>
  %cm = pto.col_expand_mul %sc, %row : tensor<4x200xf32>, tensor<1x200xf32> -> tensor<4x200xf32>
  // CHECK: arith.bitcast {{.*}} : f32 to i32
  %hb = pto.cast %cm round "floor" : tensor<4x200xf32> -> tensor<4x200xbf16>
  pto.store %hb, %h[%c0, %c0] : tensor<4x200xbf16>, memref<4x200xbf16>
  %rs1 = pto.load %s[%c0, %c0] : memref<4x1xf32> -> tensor<4x1xf32>
  pto.store %rr, %s[%c0, %c0] : tensor<4x1xf32>, memref<4x1xf32>
  // CHECK: linalg.index 1
  %ar = pto.arange start 7 step 3 : tensor<4x8xi32>
  %c8 = arith.constant dense<8> : tensor<4x8xi32>
  %idx = arith.remsi %ar, %c8 : tensor<4x8xi32>
  %g = pto.gather %tx, %idx : tensor<4x200xf32>, tensor<4x8xi32> -> tensor<4x8xf32>
  %gi = pto.cast %g round "trunc" : tensor<4x8xf32> -> tensor<4x8xi32>
  pto.store %gi, %i[%c0, %c0] : tensor<4x8xi32>, memref<4x8xi32>
  func.return
}
