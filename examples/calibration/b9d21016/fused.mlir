// Calibration case b9d21016, variant this PR: merge_norm spmd(32), inverse RoPE fused.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_sparse_attn.py,
// scope merge_norm of the CSA decode sparse attention, at commit b9d21016 (ed4aa738
// identical). Measured on 910B1 (a2a3): 'merge(+rope) sub-span' 20 us (one scope).
//
// 32 tasks: task i takes token t = i // 4 and head tile ht = i % 4; the merge and sink
// norm as in upstream.mlir, then the inverse RoPE on the f32 [16,64] rope segment held
// in UB (pair-swap index on [16,64], the token's [1,64] cos and sin rows, gather,
// column-broadcast mul x2 + add, cast), and a runtime loop over the tile's 16 heads
// storing each head's bf16 [1,448] NOPE and [1,64] rope parts into o_packed.
// Totals per task: 18 loads, 32 stores, 69 vector ops, no scalar reads.
// o_packed is bit-identical to upstream.mlir's (the same ops on every element).
//
// Layouts (as the public kernel's): the sparse-attention partials of token t, 16-head
// tile ht, sparse block b, head hh of the tile are row ((t * 4 + ht) * 5 + b) * 16 + hh
// of blk_max [., 1], blk_sum [., 1] and blk_out [., 512] (f32), so a tile's block is 16
// contiguous rows; sink is the per-head attention sink [H, 1] f32; rope_cos / rope_sin
// are the interleaved cos and signed sin tables [T, 64] f32 (made by the rope_cs scope,
// not measured); o_packed is [O_GROUPS x T, 8 x 512] bf16: head h = 8 g + hh of token t
// is row 8 g + t, columns 512 hh .. (NOPE 0..447, rope 448..511).
// Merge, per 16-head tile: m, l, o of block 0, then blocks 1..4 in a runtime loop:
// m2 = max(m, mb); a = exp(m - m2); e = exp(mb - m2); l = a l + e lb;
// o = o a + ob e (row broadcasts): 11 vector ops. Attention sink (5 ops on [16,1]): the
// sink as a tile (m - m) + sink, den = l + exp(sink - m); then o / den (row-broadcast
// div) and the bf16 cast (round to nearest even).
// Inverse RoPE on the f32 rope columns x: y[j] = x[j] cos[j] + x[j ^ 1] sin[j] (cos, sin
// the interleaved / signed tables). The pair-swap partner j ^ 1 is built, as in the
// public kernel, in f32 from an arange in 13 vector ops: a ones fill, arange, cast,
// column broadcast -> j; trunc(j / 2) via a multiply and two casts; lane = j - 2 floor;
// partner = cast(j + 1 - 2 lane).
func.func @merge_norm(%blk_max: memref<2560x1xf32>, %blk_sum: memref<2560x1xf32>,
                      %blk_out: memref<2560x512xf32>, %sink: memref<64x1xf32>,
                      %rope_cos: memref<8x64xf32>, %rope_sin: memref<8x64xf32>,
                      %o_packed: memref<64x4096xbf16>) {
  pto.spmd %i = 0 to 32 name "merge_norm" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c5 = arith.constant 5 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c80 = arith.constant 80 : index
    %c448 = arith.constant 448 : index
    %c512 = arith.constant 512 : index
    %t = arith.divsi %i, %c4 : index
    %ht = arith.remsi %i, %c4 : index
    %h0 = arith.muli %ht, %c16 : index
    %r0 = arith.muli %i, %c80 : index
    %m0 = pto.load %blk_max[%r0, %c0] : memref<2560x1xf32> -> tensor<16x1xf32>
    %l0 = pto.load %blk_sum[%r0, %c0] : memref<2560x1xf32> -> tensor<16x1xf32>
    %o0 = pto.load %blk_out[%r0, %c0] : memref<2560x512xf32> -> tensor<16x512xf32>
    %w:3 = pto.range %b = %c1 to %c5 step %c1 iter_args(%m = %m0, %l = %l0, %o = %o0) -> (tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x512xf32>) {
      %boff = arith.muli %b, %c16 : index
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
    %mz = arith.subf %w#0, %w#0 : tensor<16x1xf32>
    %st = arith.addf %mz, %s : tensor<16x1xf32>
    %ds = arith.subf %st, %w#0 : tensor<16x1xf32>
    %es = math.exp %ds : tensor<16x1xf32>
    %den = arith.addf %w#1, %es : tensor<16x1xf32>
    %on = pto.row_expand_div %w#2, %den : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
    %ob16 = pto.cast %on round "rint" : tensor<16x512xf32> -> tensor<16x512xbf16>
    %seg = tensor.extract_slice %on[0, 448] [16, 64] [1, 1] : tensor<16x512xf32> to tensor<16x64xf32>
    %ones = arith.constant dense<1.000000e+00> : tensor<16x64xf32>
    %ar = pto.arange start 0 step 1 : tensor<1x64xi32>
    %arf = pto.cast %ar : tensor<1x64xi32> -> tensor<1x64xf32>
    %col = pto.col_expand_mul %ones, %arf : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    %half = arith.constant 5.000000e-01 : f32
    %two = arith.constant 2.000000e+00 : f32
    %onef = arith.constant 1.000000e+00 : f32
    %hj = pto.muls %col, %half : tensor<16x64xf32>, f32
    %hji = pto.cast %hj round "trunc" : tensor<16x64xf32> -> tensor<16x64xi32>
    %dup = pto.cast %hji : tensor<16x64xi32> -> tensor<16x64xf32>
    %dup2 = pto.muls %dup, %two : tensor<16x64xf32>, f32
    %lane = arith.subf %col, %dup2 : tensor<16x64xf32>
    %jp1 = pto.adds %col, %onef : tensor<16x64xf32>, f32
    %lane2 = pto.muls %lane, %two : tensor<16x64xf32>, f32
    %pf = arith.subf %jp1, %lane2 : tensor<16x64xf32>
    %partner = pto.cast %pf round "trunc" : tensor<16x64xf32> -> tensor<16x64xi32>
    %cs = pto.load %rope_cos[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %sn = pto.load %rope_sin[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %segs = pto.gather %seg, %partner : tensor<16x64xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
    %xc = pto.col_expand_mul %seg, %cs : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    %xss = pto.col_expand_mul %segs, %sn : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    %y = arith.addf %xc, %xss : tensor<16x64xf32>
    %yb = pto.cast %y round "rint" : tensor<16x64xf32> -> tensor<16x64xbf16>
    pto.range %h = %c0 to %c16 step %c1 {
      %gh = arith.addi %h0, %h : index
      %g = arith.divsi %gh, %c8 : index
      %hh = arith.remsi %gh, %c8 : index
      %g8 = arith.muli %g, %c8 : index
      %prow = arith.addi %g8, %t : index
      %pcol = arith.muli %hh, %c512 : index
      %nope = tensor.extract_slice %ob16[%h, 0] [1, 448] [1, 1] : tensor<16x512xbf16> to tensor<1x448xbf16>
      pto.store %nope, %o_packed[%prow, %pcol] : tensor<1x448xbf16>, memref<64x4096xbf16>
      %rp = tensor.extract_slice %yb[%h, 0] [1, 64] [1, 1] : tensor<16x64xbf16> to tensor<1x64xbf16>
      %rcol = arith.addi %pcol, %c448 : index
      pto.store %rp, %o_packed[%prow, %rcol] : tensor<1x64xbf16>, memref<64x4096xbf16>
    }
  }
  func.return
}
