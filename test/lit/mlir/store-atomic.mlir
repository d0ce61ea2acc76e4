// pto.store ... atomic add lowers, verifies upstream, and the MLIR engine matches the
// interpreter bit for bit: 4 tasks add their f32 / i32 tiles into the same windows of a
// buffer (split-K partials), in task order (docs/numerics.md).
// RUN: pto-opt -p 'pto-to-upstream' %s | filecheck %s --check-prefix=LOWER
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 3 --contract exact | filecheck %s

// LOWER: linalg.generic
// LOWER: arith.addf
// LOWER: linalg.generic
// LOWER: arith.addi

// CHECK: @k, inputs: random seed 3, contract: exact
// CHECK: acc: bit-identical
// CHECK: cnt: bit-identical
// CHECK: pto-crosscheck: match

func.func @k(%x: memref<4x16x64xf32>, %acc: memref<16x128xf32>, %n: memref<8x64xi32>,
             %cnt: memref<2x64xi32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %flat = memref.collapse_shape %x [[0, 1], [2]] : memref<4x16x64xf32> into memref<64x64xf32>
  pto.spmd %t = 0 to 4 name "split_k" {
    %r = arith.muli %t, %c64 : index
    %r16 = arith.divsi %r, %c2 : index
    %row = arith.remsi %r16, %c64 : index
    %p = pto.load %flat[%row, %c0] : memref<64x64xf32> -> tensor<16x64xf32>
    %col = arith.remsi %t, %c2 : index
    %c = arith.muli %col, %c64 : index
    pto.store %p, %acc[%c0, %c] atomic add : tensor<16x64xf32>, memref<16x128xf32>
    %nr = arith.remsi %t, %c2 : index
    %nn = arith.muli %nr, %c2 : index
    %q = pto.load %n[%nn, %c0] : memref<8x64xi32> -> tensor<1x64xi32>
    pto.store %q, %cnt[%c0, %c0] atomic add : tensor<1x64xi32>, memref<2x64xi32>
  }
  func.return
}
