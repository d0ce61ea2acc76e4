// Calibration case b9d21016, variant upstream: merge_norm spmd(8) + separate rope spmd(16).
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_sparse_attn.py,
// scopes merge_norm and rope of the CSA decode sparse attention (B = 4, S = 2, T = 8
// tokens, H = 64 heads of 512 = 448 NOPE + 64 rope), at commit 1a23bd37 (the parent of
// b9d21016). Measured on 910B1 (a2a3): the 'merge(+rope) sub-span' from merge_norm's
// start to the end of the rope stage, 53 us (two scopes in the window).
//
// merge_norm: 8 tasks, one token each, a runtime loop over the 4 tiles of 16 heads; per
// tile the online-softmax merge over the 5 sparse blocks, the sink norm, the bf16 cast;
// the f32 rope segment [16,64] goes to the attn_rope_stage tensor [T x H, 64] in global
// memory (a 128 KB f32 round trip, made by the kernel: memref.alloc), and a runtime
// loop over the 16 heads stores each head's bf16 [1,448] NOPE part into o_packed.
// Totals per task: 64 loads, 68 stores, 204 vector ops.
// rope: 16 tasks of 4 heads x all 8 tokens: the pair-swap index on [8,32] (13 ops), then
// per head and 16-pair half: load f32 [8,32] of attn_rope_stage (the head's rows of the
// 8 tokens, stride H x 64 f32), the [8,32] cos and sin columns, gather, mul x2 + add,
// cast, store bf16 [8,32] into the head's rope columns of o_packed (8 rows, row stride
// 8 KiB). Totals per task: 24 loads, 8 stores, 53 vector ops.
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
  %stage = memref.alloc() : memref<8x64x64xf32>
  %stage_rows = memref.collapse_shape %stage [[0, 1], [2]] : memref<8x64x64xf32> into memref<512x64xf32>
  %stage_tok = memref.collapse_shape %stage [[0], [1, 2]] : memref<8x64x64xf32> into memref<8x4096xf32>
  pto.spmd %t = 0 to 8 name "merge_norm" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c5 = arith.constant 5 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %c80 = arith.constant 80 : index
    %c320 = arith.constant 320 : index
    %c512 = arith.constant 512 : index
    %tbase = arith.muli %t, %c320 : index
    %trow = arith.muli %t, %c64 : index
    pto.range %ht = %c0 to %c4 step %c1 {
      %h0 = arith.muli %ht, %c16 : index
      %hoff = arith.muli %ht, %c80 : index
      %r0 = arith.addi %tbase, %hoff : index
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
      %srow = arith.addi %trow, %h0 : index
      pto.store %seg, %stage_rows[%srow, %c0] : tensor<16x64xf32>, memref<512x64xf32>
      pto.range %h = %c0 to %c16 step %c1 {
        %gh = arith.addi %h0, %h : index
        %g = arith.divsi %gh, %c8 : index
        %hh = arith.remsi %gh, %c8 : index
        %g8 = arith.muli %g, %c8 : index
        %prow = arith.addi %g8, %t : index
        %pcol = arith.muli %hh, %c512 : index
        %nope = tensor.extract_slice %ob16[%h, 0] [1, 448] [1, 1] : tensor<16x512xbf16> to tensor<1x448xbf16>
        pto.store %nope, %o_packed[%prow, %pcol] : tensor<1x448xbf16>, memref<64x4096xbf16>
      }
    }
  }
  pto.spmd %r = 0 to 16 name "rope" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %c448 = arith.constant 448 : index
    %c512 = arith.constant 512 : index
    %ones = arith.constant dense<1.000000e+00> : tensor<8x32xf32>
    %ar = pto.arange start 0 step 1 : tensor<1x32xi32>
    %arf = pto.cast %ar : tensor<1x32xi32> -> tensor<1x32xf32>
    %col = pto.col_expand_mul %ones, %arf : tensor<8x32xf32>, tensor<1x32xf32> -> tensor<8x32xf32>
    %half = arith.constant 5.000000e-01 : f32
    %two = arith.constant 2.000000e+00 : f32
    %onef = arith.constant 1.000000e+00 : f32
    %hj = pto.muls %col, %half : tensor<8x32xf32>, f32
    %hji = pto.cast %hj round "trunc" : tensor<8x32xf32> -> tensor<8x32xi32>
    %dup = pto.cast %hji : tensor<8x32xi32> -> tensor<8x32xf32>
    %dup2 = pto.muls %dup, %two : tensor<8x32xf32>, f32
    %lane = arith.subf %col, %dup2 : tensor<8x32xf32>
    %jp1 = pto.adds %col, %onef : tensor<8x32xf32>, f32
    %lane2 = pto.muls %lane, %two : tensor<8x32xf32>, f32
    %pf = arith.subf %jp1, %lane2 : tensor<8x32xf32>
    %partner = pto.cast %pf round "trunc" : tensor<8x32xf32> -> tensor<8x32xi32>
    %hbase = arith.muli %r, %c4 : index
    pto.range %k = %c0 to %c4 step %c1 {
      %gh = arith.addi %hbase, %k : index
      %g = arith.divsi %gh, %c8 : index
      %hh = arith.remsi %gh, %c8 : index
      %orow = arith.muli %g, %c8 : index
      %hcol = arith.muli %gh, %c64 : index
      %ocol0 = arith.muli %hh, %c512 : index
      %ocol1 = arith.addi %ocol0, %c448 : index
      pto.range %p = %c0 to %c2 step %c1 {
        %pc = arith.muli %p, %c32 : index
        %scol = arith.addi %hcol, %pc : index
        %x = pto.load %stage_tok[%c0, %scol] : memref<8x4096xf32> -> tensor<8x32xf32>
        %cs = pto.load %rope_cos[%c0, %pc] : memref<8x64xf32> -> tensor<8x32xf32>
        %sn = pto.load %rope_sin[%c0, %pc] : memref<8x64xf32> -> tensor<8x32xf32>
        %xs = pto.gather %x, %partner : tensor<8x32xf32>, tensor<8x32xi32> -> tensor<8x32xf32>
        %xc = arith.mulf %x, %cs : tensor<8x32xf32>
        %xss = arith.mulf %xs, %sn : tensor<8x32xf32>
        %y = arith.addf %xc, %xss : tensor<8x32xf32>
        %yb = pto.cast %y round "rint" : tensor<8x32xf32> -> tensor<8x32xbf16>
        %ocol = arith.addi %ocol1, %pc : index
        pto.store %yb, %o_packed[%orow, %ocol] : tensor<8x32xbf16>, memref<64x4096xbf16>
      }
    }
  }
  func.return
}
