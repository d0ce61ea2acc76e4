// Calibration case b9d21016, variant this PR: merge_norm spmd(32), inverse RoPE fused.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_sparse_attn.py,
// scope merge_norm of the CSA decode sparse attention, at commit b9d21016 (ed4aa738
// identical). Measured on 910B1 (a2a3): 'merge(+rope) sub-span' 20 us (one scope).
//
// 32 tasks: task i takes token t = i // 4 and head tile i % 4 (the grid order is a
// choice); the merge and sink norm as in upstream.mlir, then the inverse RoPE on the f32
// [16,64] rope segment held in UB (pair-swap index on [16,64], the token's [1,64] cos
// and sin rows, gather, column-broadcast mul x2 + add, cast), and a runtime loop over
// the tile's 16 heads storing each head's bf16 [1,448] NOPE and [1,64] rope parts into
// o_packed. Totals per task: 18 loads, 32 stores, 62 vector ops (69 in the description).
// o_packed is bit-identical to upstream.mlir's (the same ops on every element).
//
// Layouts (choices; the description gives shapes, not layouts): the sparse-attention
// partials of sparse block b, token t, head h are row (t * 5 + b) * 64 + h of blk_max
// [.,1], blk_sum [.,1] and blk_out [.,512] (f32), so a 16-head tile is 16 contiguous
// rows; sink is [H, 1] f32; rope_cos / rope_sin are the interleaved cos and signed sin
// tables [T, 64] f32 per token (made by the rope_cs scope, not measured); o_packed is
// [T, H, 512] bf16 (NOPE columns 0..447, rope columns 448..511 of each head).
// Merge, per 16-head tile: m, l, o of block 0, then blocks 1..4 in a runtime loop:
// m2 = max(m, mb); a = exp(m - m2); e = exp(mb - m2); l = a l + e lb;
// o = o a + ob e (row broadcasts): 11 vector ops. Attention sink: den = l + exp(sink - m)
// (3 ops on [16,1]; the description counts 5 without giving them: 2 small [16,1] ops
// fewer here); o / den (row-broadcast div); cast to bf16 (round to nearest even).
// Inverse RoPE on the f32 rope columns x: y[j] = x[j] cos[j] + x[j ^ 1] sin[j] (cos, sin
// the interleaved / signed tables), with the pair-swap partner index j + 1 - 2 (j & 1)
// built from an arange in 6 vector ops (the description counts 13 without giving them).
func.func @merge_norm(%blk_max: memref<2560x1xf32>, %blk_sum: memref<2560x1xf32>,
                      %blk_out: memref<2560x512xf32>, %sink: memref<64x1xf32>,
                      %rope_cos: memref<8x64xf32>, %rope_sin: memref<8x64xf32>,
                      %o_packed: memref<8x64x512xbf16>) {
  %o_rows = memref.collapse_shape %o_packed [[0, 1], [2]] : memref<8x64x512xbf16> into memref<512x512xbf16>
  pto.spmd %i = 0 to 32 name "merge_norm" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c5 = arith.constant 5 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %c320 = arith.constant 320 : index
    %c448 = arith.constant 448 : index
    %t = arith.divsi %i, %c4 : index
    %ht = arith.remsi %i, %c4 : index
    %tbase = arith.muli %t, %c320 : index
    %trow = arith.muli %t, %c64 : index
    %h0 = arith.muli %ht, %c16 : index
    %r0 = arith.addi %tbase, %h0 : index
    %m0 = pto.load %blk_max[%r0, %c0] : memref<2560x1xf32> -> tensor<16x1xf32>
    %l0 = pto.load %blk_sum[%r0, %c0] : memref<2560x1xf32> -> tensor<16x1xf32>
    %o0 = pto.load %blk_out[%r0, %c0] : memref<2560x512xf32> -> tensor<16x512xf32>
    %w:3 = pto.range %b = %c1 to %c5 step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x512xf32>) {
      %boff = arith.muli %b, %c64 : index
      %rb = arith.addi %r0, %boff : index
      %mb = pto.load %blk_max[%rb, %c0] : memref<2560x1xf32> -> tensor<16x1xf32>
      %lb = pto.load %blk_sum[%rb, %c0] : memref<2560x1xf32> -> tensor<16x1xf32>
      %ob = pto.load %blk_out[%rb, %c0] : memref<2560x512xf32> -> tensor<16x512xf32>
      %m2 = arith.maximumf %m, %mb : tensor<16x1xf32>
      %da = arith.subf %m, %m2 : tensor<16x1xf32>
      %a = math.exp %da : tensor<16x1xf32>
      %de = arith.subf %mb, %m2 : tensor<16x1xf32>
      %e = math.exp %de : tensor<16x1xf32>
      %al = arith.mulf %a, %l : tensor<16x1xf32>
      %el = arith.mulf %e, %lb : tensor<16x1xf32>
      %l2 = arith.addf %al, %el : tensor<16x1xf32>
      %oa = pto.row_expand_mul %o, %a : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
      %oe = pto.row_expand_mul %ob, %e : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
      %o2 = arith.addf %oa, %oe : tensor<16x512xf32>
      pto.yield %m2, %l2, %o2 : tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x512xf32>
    }
    %s = pto.load %sink[%h0, %c0] : memref<64x1xf32> -> tensor<16x1xf32>
    %ds = arith.subf %s, %w#0 : tensor<16x1xf32>
    %es = math.exp %ds : tensor<16x1xf32>
    %den = arith.addf %w#1, %es : tensor<16x1xf32>
    %on = pto.row_expand_div %w#2, %den : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
    %ob16 = pto.cast %on round "rint" : tensor<16x512xf32> -> tensor<16x512xbf16>
    %seg = tensor.extract_slice %on[0, 448] [16, 64] [1, 1] : tensor<16x512xf32> to tensor<16x64xf32>
    %jj = pto.arange start 0 step 1 : tensor<16x64xi32>
    %one = arith.constant dense<1> : tensor<16x64xi32>
    %odd = arith.andi %jj, %one : tensor<16x64xi32>
    %odd2 = arith.shli %odd, %one : tensor<16x64xi32>
    %jp1 = arith.addi %jj, %one : tensor<16x64xi32>
    %partner = arith.subi %jp1, %odd2 : tensor<16x64xi32>
    %cs = pto.load %rope_cos[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %sn = pto.load %rope_sin[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %segs = pto.gather %seg, %partner : tensor<16x64xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
    %xc = pto.col_expand_mul %seg, %cs : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    %xss = pto.col_expand_mul %segs, %sn : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    %y = arith.addf %xc, %xss : tensor<16x64xf32>
    %yb = pto.cast %y round "rint" : tensor<16x64xf32> -> tensor<16x64xbf16>
    %srow = arith.addi %trow, %h0 : index
    pto.range %h = %c0 to %c16 step %c1 {
      %orow = arith.addi %srow, %h : index
      %nope = tensor.extract_slice %ob16[%h, 0] [1, 448] [1, 1] : tensor<16x512xbf16> to tensor<1x448xbf16>
      pto.store %nope, %o_rows[%orow, %c0] : tensor<1x448xbf16>, memref<512x512xbf16>
      %rp = tensor.extract_slice %yb[%h, 0] [1, 64] [1, 1] : tensor<16x64xbf16> to tensor<1x64xbf16>
      pto.store %rp, %o_rows[%orow, %c448] : tensor<1x64xbf16>, memref<512x512xbf16>
    }
  }
  func.return
}
