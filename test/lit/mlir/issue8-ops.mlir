// The issue-8 ops lower, verify upstream, and the MLIR engine matches the interpreter bit
// for bit (the kernel has no matmul of inexact sums: int8 and a grid-free f32 product are
// not in it). pto.sort32 / pto.mrgsort are covered by sort.mlir.
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 1 --contract exact | filecheck %s

// CHECK: @k, inputs: random seed 1, contract: exact
// CHECK: ids: bit-identical
// CHECK: cnt: bit-identical
// CHECK: o: bit-identical
// CHECK: oi: bit-identical
// CHECK: st: bit-identical
// CHECK: sm: bit-identical
// CHECK: pto-crosscheck: match

func.func @k(%x: memref<2x4x64xf32>, %lim: memref<2x64xf32>, %ids: memref<2x32xi32>,
             %cnt: memref<2xi32>, %a: memref<32x64xi8>, %b: memref<32x64xi8>,
             %o: memref<64x32xf32>, %oi: memref<32x32xi32>, %st: memref<8x64xf32>,
             %sm: memref<2x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %c40 = arith.constant 40 : index
  %two = arith.constant 2.0 : f32
  %flat = memref.collapse_shape %x [[0, 1], [2]] : memref<2x4x64xf32> into memref<8x64xf32>
  %scr = memref.alloc() : memref<2x64xf32>
  pto.spmd %t = 0 to 2 name "tiles" {
    %row = arith.muli %t, %c3 : index
    %v = pto.load_valid %flat[%row, %c0] valid [%c3, %c40] pad min : memref<8x64xf32> -> tensor<4x64xf32>
    %l = pto.load %lim[%t, %c0] : memref<2x64xf32> -> tensor<1x64xf32>
    %m = pto.col_expand_max %v, %l : tensor<4x64xf32>, tensor<1x64xf32> -> tensor<4x64xf32>
    %r = pto.row_max %m : tensor<4x64xf32> -> tensor<4x1xf32>
    %d = pto.row_expand_sub %m, %r : tensor<4x64xf32>, tensor<4x1xf32> -> tensor<4x64xf32>
    %s = pto.muls %d, %two : tensor<4x64xf32>, f32
    %s2 = pto.adds %s, %two : tensor<4x64xf32>, f32
    %dv = pto.row_expand_div %s2, %r : tensor<4x64xf32>, tensor<4x1xf32> -> tensor<4x64xf32>
    %k = pto.cmp gt %dv, %m : tensor<4x64xf32> -> tensor<4x64xi1>
    %k2 = pto.cmps le %dv, %two : tensor<4x64xf32>, f32 -> tensor<4x64xi1>
    %k3 = arith.andi %k, %k2 : tensor<4x64xi1>
    %z = pto.select %k3, %dv, %m : tensor<4x64xi1>, tensor<4x64xf32>
    %r0 = tensor.extract_slice %z[%c1, 0] [1, 64] [1, 1] : tensor<4x64xf32> to tensor<1x64xf32>
    %ti = pto.gather_mask %r0 pattern P1010 : tensor<1x64xf32> -> tensor<1x32xi32>
    pto.store %ti, %ids[%t, %c0] : tensor<1x32xi32>, memref<2x32xi32>
    %q = pto.gather_mask %r0 pattern P0100 : tensor<1x64xf32> -> tensor<1x16xf32>
    %back = pto.scatter_mask %q into %r0 pattern P0001 : tensor<1x16xf32>, tensor<1x64xf32>
    pto.store %back, %sm[%t, %c0] : tensor<1x64xf32>, memref<2x64xf32>
    pto.store %r0, %scr[%t, %c0] : tensor<1x64xf32>, memref<2x64xf32>
    pto.store_valid %z, %st[%row, %c0] valid [%c3, %c16] : tensor<4x64xf32>, memref<8x64xf32>
    %n = arith.index_cast %t : index to i32
    pto.write %n, %cnt[%t] : i32, memref<2xi32>
  }
  pto.spmd %t = 0 to 2 name "mix" core mix {
    %row = arith.muli %t, %c16 : index
    %mm = pto.section cube -> (tensor<16x32xi32>) {
      %xa = pto.load %a[%row, %c0] : memref<32x64xi8> -> tensor<16x64xi8>
      %xb = pto.load %b[%c0, %c0] : memref<32x64xi8> -> tensor<32x64xi8>
      %pm = pto.matmul %xa, %xb b_trans : tensor<16x64xi8>, tensor<32x64xi8> -> tensor<16x32xi32>
      pto.yield %pm : tensor<16x32xi32>
    }
    %hv = pto.handoff %mm from cube to vector : tensor<16x32xi32>
    pto.section vector {
      pto.store %hv, %oi[%row, %c0] : tensor<16x32xi32>, memref<32x32xi32>
      %f = pto.cast %hv : tensor<16x32xi32> -> tensor<16x32xf32>
      %e = pto.muls %f, %two : tensor<16x32xf32>, f32
      pto.store %e, %o[%row, %c0] : tensor<16x32xf32>, memref<64x32xf32>
    }
  }
  func.return
}
