// pto.sort32 and pto.mrgsort (one tile by runs, and a merge of two tiles) lower and match
// the interpreter bit for bit, ties (integral values) and NaN (sorted last) included.
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 2 | filecheck %s

// CHECK: contract: exact
// CHECK: s32: bit-identical
// CHECK: runs: bit-identical
// CHECK: merged: bit-identical
// CHECK: pto-crosscheck: match

func.func @k(%x: memref<2x64xf32>, %s32: memref<2x128xf32>, %runs: memref<2x128xf32>,
             %merged: memref<2x256xf32>) {
  %c0 = arith.constant 0 : index
  pto.spmd %t = 0 to 1 name "sort" {
    %v = pto.load %x[%c0, %c0] : memref<2x64xf32> -> tensor<2x64xf32>
    %fl = pto.cast %v round "floor" : tensor<2x64xf32> -> tensor<2x64xf32>
    %z = arith.subf %v, %v : tensor<2x64xf32>
    %nan = arith.divf %z, %z : tensor<2x64xf32>
    %hi = arith.mulf %v, %v : tensor<2x64xf32>
    %one = arith.constant dense<1.5> : tensor<2x64xf32>
    %huge = pto.cmp gt %hi, %one : tensor<2x64xf32> -> tensor<2x64xi1>
    %w = pto.select %huge, %nan, %fl : tensor<2x64xi1>, tensor<2x64xf32>
    %ix = pto.arange start 0 step 1 : tensor<2x64xi32>
    %p = pto.sort32 %w, %ix : tensor<2x64xf32>, tensor<2x64xi32> -> tensor<2x128xf32>
    pto.store %p, %s32[%c0, %c0] : tensor<2x128xf32>, memref<2x128xf32>
    %r = pto.mrgsort %p block_len 16 : tensor<2x128xf32> -> tensor<2x128xf32>
    pto.store %r, %runs[%c0, %c0] : tensor<2x128xf32>, memref<2x128xf32>
    %m = pto.mrgsort %p, %r : tensor<2x128xf32>, tensor<2x128xf32> -> tensor<2x256xf32>
    pto.store %m, %merged[%c0, %c0] : tensor<2x256xf32>, memref<2x256xf32>
  }
  func.return
}
