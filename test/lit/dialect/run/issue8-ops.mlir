// Every op of issue 8 in one kernel, run by pto-run (interpreter + cost model), and its
// swimlane trace written: nothing that verifies may fail in the interpreter or the model.
// RUN: pto-run %s --seed 0 --trace %t.json | filecheck %s
// RUN: filecheck --check-prefix=TRACE %s < %t.json

// CHECK: scope topk (vector): 2 tasks, {{[0-9]+}} ops run
// CHECK: scope mm_scale (mix): 2 tasks, 14 ops run
// CHECK: scope int8 (cube): 1 tasks, 4 ops run
// CHECK: topk {{ +}}AIV {{ +}}2
// CHECK: mm_scale {{ +}}Cluster {{ +}}2
// CHECK: int8 {{ +}}AIC {{ +}}1
// TRACE: "topk"
// TRACE: "mm_scale"

func.func @k(%x: memref<2x4x64xf32>, %lim: memref<2x64xf32>, %ids: memref<2x8xi32>,
             %cnt: memref<2xi32>, %a: memref<32x64xbf16>, %b: memref<64x32xbf16>,
             %q: memref<16x64xi8>, %w: memref<64x32xi8>, %o: memref<64x32xf32>, %oi: memref<16x32xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %two = arith.constant 2.0 : f32
  %flat = memref.collapse_shape %x [[0, 1], [2]] : memref<2x4x64xf32> into memref<8x64xf32>
  %scr = memref.alloc() : memref<2x64xf32>
  pto.spmd %t = 0 to 2 name "topk" {
    %row = arith.muli %t, %c3 : index
    %v = pto.load_valid %flat[%row, %c0] valid [%c3, %c16] pad min : memref<8x64xf32> -> tensor<4x64xf32>
    %l = pto.load %lim[%t, %c0] : memref<2x64xf32> -> tensor<1x64xf32>
    %m = pto.col_expand_max %v, %l : tensor<4x64xf32>, tensor<1x64xf32> -> tensor<4x64xf32>
    %r = pto.row_max %m : tensor<4x64xf32> -> tensor<4x1xf32>
    %d = pto.row_expand_sub %m, %r : tensor<4x64xf32>, tensor<4x1xf32> -> tensor<4x64xf32>
    %s = pto.muls %d, %two : tensor<4x64xf32>, f32
    %k = pto.cmp gt %s, %m : tensor<4x64xf32> -> tensor<4x64xi1>
    %z = pto.select %k, %s, %m : tensor<4x64xi1>, tensor<4x64xf32>
    %r0 = tensor.extract_slice %z[%c1, 0] [1, 64] [1, 1] : tensor<4x64xf32> to tensor<1x64xf32>
    %ix = pto.arange start 0 step 1 : tensor<1x64xi32>
    %p = pto.sort32 %r0, %ix : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x128xf32>
    %srt = pto.mrgsort %p block_len 64 : tensor<1x128xf32> -> tensor<1x128xf32>
    %top = tensor.extract_slice %srt[0, 0] [1, 16] [1, 1] : tensor<1x128xf32> to tensor<1x16xf32>
    %ti = pto.gather_mask %top pattern P1010 : tensor<1x16xf32> -> tensor<1x8xi32>
    pto.store %ti, %ids[%t, %c0] : tensor<1x8xi32>, memref<2x8xi32>
    pto.store %r0, %scr[%t, %c0] : tensor<1x64xf32>, memref<2x64xf32>
    %n = arith.index_cast %t : index to i32
    pto.write %n, %cnt[%t] : i32, memref<2xi32>
  }
  pto.spmd %t = 0 to 2 name "mm_scale" core mix {
    %row = arith.muli %t, %c16 : index
    %mm = pto.section cube -> (tensor<16x32xf32>) {
      %xa = pto.load %a[%row, %c0] : memref<32x64xbf16> -> tensor<16x64xbf16>
      %xb = pto.load %b[%c0, %c0] : memref<64x32xbf16> -> tensor<64x32xbf16>
      %pm = pto.matmul %xa, %xb : tensor<16x64xbf16>, tensor<64x32xbf16> -> tensor<16x32xf32>
      pto.yield %pm : tensor<16x32xf32>
    }
    %hv = pto.handoff %mm from cube to vector : tensor<16x32xf32>
    pto.section vector {
      %e = pto.muls %hv, %two : tensor<16x32xf32>, f32
      pto.store %e, %o[%row, %c0] : tensor<16x32xf32>, memref<64x32xf32>
    }
  }
  pto.spmd %t = 0 to 1 name "int8" core cube {
    %xq = pto.load %q[%c0, %c0] : memref<16x64xi8> -> tensor<16x64xi8>
    %xw = pto.load %w[%c0, %c0] : memref<64x32xi8> -> tensor<64x32xi8>
    %pq = pto.matmul %xq, %xw : tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
    pto.store %pq, %oi[%c0, %c0] : tensor<16x32xi32>, memref<16x32xi32>
  }
  func.return
}
