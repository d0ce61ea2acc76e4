// DeepSeek-V4 decode KV compressor, ratio 4: the seed's standalone kernel in `pto`.
//
// B = 64 batches, S = 2 tokens per decode step (128 flattened tokens), D = 4096,
// HEAD_DIM = 512 (448 NOPE + 64 rotary columns), OUT_DIM = 1024, STATE_DIM = 2048.
// Five scopes, in order:
//   1. kv_score_proj        x @ wkv, x @ wgate             -> kv_proj, score_proj
//   2. state_scatter_paged  tokens (+ ape on the score)    -> paged compressor state
//   3. softmax_pool         online softmax over windows    -> pooled (gated rows only)
//   4. rmsnorm_rope         RMS norm, interleaved rope     -> normed_kv
//   5. kv_and_cache_write   gated rows                     -> kv, cmp_kv_cache (bf16)
//
// Arguments (names are the interface: inputs.py and golden.py use them):
//   x                 [128, 4096] bf16  tokens, row = b * 2 + s
//   wkv, wgate        [4096, 1024] bf16 projection weights
//   ape               [4, 1024] f32     additive position embedding of the score, by p % 4
//   start_pos         [64] i32          absolute position of each batch's first new token
//   state_block_table [64, 65] i32      page of the compressor state, by p // 4
//   state             [?, 2048] f32     paged compressor state (4 rows a page):
//                                       kv in [0, 1024), score in [1024, 2048)
//   kv_proj, score_proj [128, 1024] f32 scratch (fully written by scope 1)
//   pooled            [64, 512] f32     scratch (rows of closing windows written by scope 3)
//   norm_w            [1, 512] f32      RMS norm weight
//   cos, sin          [64, 32] f32      rope tables of each batch row's compressed entry,
//                                       gathered by the host at its position (see README)
//   normed_kv         [64, 512] f32     scratch (fully written by scope 4)
//   kv                [64, 512] f32     output: the new compressed entry (= [B, 1, 512])
//   cache_block_table [64, ?] i32       page of the compressed KV cache, by (start // 4) // 128
//   cmp_kv_cache      [?, 512] bf16     compressed KV cache (128 rows a page)
// row_of(b, p) = state_block_table[b, p // 4] * 4 + p % 4.
// A batch's step closes a window (its gate) iff start % 4 + S >= 4.
func.func @decode_compressor_ratio4(
    %x: memref<128x4096xbf16>, %wkv: memref<4096x1024xbf16>, %wgate: memref<4096x1024xbf16>,
    %ape: memref<4x1024xf32>, %start_pos: memref<64xi32>, %state_block_table: memref<64x65xi32>,
    %state: memref<?x2048xf32>, %kv_proj: memref<128x1024xf32>, %score_proj: memref<128x1024xf32>,
    %pooled: memref<64x512xf32>, %norm_w: memref<1x512xf32>, %cos: memref<64x32xf32>,
    %sin: memref<64x32xf32>, %normed_kv: memref<64x512xf32>, %kv: memref<64x512xf32>,
    %cache_block_table: memref<64x?xi32>, %cmp_kv_cache: memref<?x512xbf16>) {

  // 1. Projections on the cube cores: 32 tasks, each one [64, 64] block of kv_proj and of
  //    score_proj; row block (i // 16) * 64, column block (i % 16) * 64; 8 K steps of 512,
  //    the first a plain matmul, the others matmul-accumulate (2-stage pipeline).
  pto.spmd %i = 0 to 32 name "kv_score_proj" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %c512 = arith.constant 512 : index
    %rblk = arith.divsi %i, %c16 : index
    %cblk = arith.remsi %i, %c16 : index
    %r0 = arith.muli %rblk, %c64 : index
    %n0 = arith.muli %cblk, %c64 : index
    %xa = pto.load %x[%r0, %c0] : memref<128x4096xbf16> -> tensor<64x512xbf16>
    %wkva = pto.load %wkv[%c0, %n0] : memref<4096x1024xbf16> -> tensor<512x64xbf16>
    %wga = pto.load %wgate[%c0, %n0] : memref<4096x1024xbf16> -> tensor<512x64xbf16>
    %kv_acc0 = pto.matmul %xa, %wkva : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
    %sc_acc0 = pto.matmul %xa, %wga : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
    %acc:2 = pto.range %k = %c1 to %c8 step %c1 pipeline 2 iter_args(%kv_acc = %kv_acc0, %sc_acc = %sc_acc0) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
      %k0 = arith.muli %k, %c512 : index
      %xk = pto.load %x[%r0, %k0] : memref<128x4096xbf16> -> tensor<64x512xbf16>
      %wkvk = pto.load %wkv[%k0, %n0] : memref<4096x1024xbf16> -> tensor<512x64xbf16>
      %wgk = pto.load %wgate[%k0, %n0] : memref<4096x1024xbf16> -> tensor<512x64xbf16>
      %kv_next = pto.matmul_acc %kv_acc, %xk, %wkvk : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
      %sc_next = pto.matmul_acc %sc_acc, %xk, %wgk : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
      pto.yield %kv_next, %sc_next : tensor<64x64xf32>, tensor<64x64xf32>
    }
    pto.store %acc#0, %kv_proj[%r0, %n0] : tensor<64x64xf32>, memref<128x1024xf32>
    pto.store %acc#1, %score_proj[%r0, %n0] : tensor<64x64xf32>, memref<128x1024xf32>
  }

  // 2. Scatter the two new tokens of every batch into the paged state: one task, a runtime
  //    loop over the batches and a 2-stage pipelined loop over the tokens.
  //    p = start + s; state[row_of(b, p)] = [kv_proj[t], score_proj[t] + ape[p % 4]], t = 2b + s.
  pto.spmd %g = 0 to 1 name "state_scatter_paged" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %c64 = arith.constant 64 : index
    %c1024 = arith.constant 1024 : index
    pto.range %b = %c0 to %c64 step %c1 {
      %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
      %start = arith.index_cast %start_i32 : i32 to index
      %pos = arith.remsi %start, %c4 : index
      %t0 = arith.muli %b, %c2 : index
      pto.range %s = %c0 to %c2 step %c1 pipeline 2 {
        %p = arith.addi %start, %s : index
        %blk = arith.divsi %p, %c4 : index
        %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
        %page = arith.index_cast %page_i32 : i32 to index
        %off = arith.remsi %p, %c4 : index
        %base = arith.muli %page, %c4 : index
        %row = arith.addi %base, %off : index
        %t = arith.addi %t0, %s : index
        %pos_s = arith.addi %pos, %s : index
        %ape_row = arith.remsi %pos_s, %c4 : index
        %kv_row = pto.load %kv_proj[%t, %c0] : memref<128x1024xf32> -> tensor<1x1024xf32>
        %sc_row = pto.load %score_proj[%t, %c0] : memref<128x1024xf32> -> tensor<1x1024xf32>
        %ape_v = pto.load %ape[%ape_row, %c0] : memref<4x1024xf32> -> tensor<1x1024xf32>
        %sc_ape = arith.addf %sc_row, %ape_v : tensor<1x1024xf32>
        pto.store %kv_row, %state[%row, %c0] : tensor<1x1024xf32>, memref<?x2048xf32>
        pto.store %sc_ape, %state[%row, %c1024] : tensor<1x1024xf32>, memref<?x2048xf32>
      }
    }
  }

  // 3. The scope the seed changes, in per-batch form (one task per batch): the body of
  //    examples/softmax_pool.mlir with the kernel's argument names (%block_table is
  //    %state_block_table; the local tile %kv is %kv_t, as %kv is the output argument).
  pto.spmd %b = 0 to 64 name "softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c64 = arith.constant 64 : index
    %c512 = arith.constant 512 : index
    %c1024 = arith.constant 1024 : index
    %c1536 = arith.constant 1536 : index
    %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
    %start = arith.index_cast %start_i32 : i32 to index
    %pos = arith.remsi %start, %c4 : index
    %cur = arith.subi %start, %pos : index
    %prev = arith.subi %cur, %c4 : index
    %pos_s = arith.addi %pos, %c2 : index
    %gate = arith.cmpi sge, %pos_s, %c4 : index
    scf.if %gate {
      %last = arith.addi %cur, %c3 : index
      %last_blk = arith.divsi %last, %c4 : index
      %last_page_i32 = pto.read %state_block_table[%b, %last_blk] : memref<64x65xi32> -> i32
      %last_page = arith.index_cast %last_page_i32 : i32 to index
      %last_off = arith.remsi %last, %c4 : index
      %last_base = arith.muli %last_page, %c4 : index
      %last_row = arith.addi %last_base, %last_off : index
      pto.range %hb = %c0 to %c8 step %c1 {
        %h0 = arith.muli %hb, %c64 : index
        %h_sc_back = arith.addi %h0, %c1536 : index
        %h_kv_back = arith.addi %h0, %c512 : index
        %h_sc_front = arith.addi %h0, %c1024 : index
        %mi0 = pto.load %state[%last_row, %h_sc_back] : memref<?x2048xf32> -> tensor<1x64xf32>
        %zero = arith.subf %mi0, %mi0 : tensor<1x64xf32>
        %li0 = math.exp %zero : tensor<1x64xf32>
        %oi0 = pto.load %state[%last_row, %h_kv_back] : memref<?x2048xf32> -> tensor<1x64xf32>
        %w1:3 = pto.range %s = %c0 to %c4 step %c1 iter_args(%mi = %mi0, %li = %li0, %oi = %oi0) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
          %p = arith.addi %prev, %s : index
          %valid = arith.cmpi sge, %p, %c0 : index
          %upd:3 = scf.if %valid -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
            %blk = arith.divsi %p, %c4 : index
            %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
            %page = arith.index_cast %page_i32 : i32 to index
            %off = arith.remsi %p, %c4 : index
            %base = arith.muli %page, %c4 : index
            %r = arith.addi %base, %off : index
            %sc = pto.load %state[%r, %h_sc_front] : memref<?x2048xf32> -> tensor<1x64xf32>
            %kv_t = pto.load %state[%r, %h0] : memref<?x2048xf32> -> tensor<1x64xf32>
            %m2 = arith.maximumf %mi, %sc : tensor<1x64xf32>
            %da = arith.subf %mi, %m2 : tensor<1x64xf32>
            %a = math.exp %da : tensor<1x64xf32>
            %de = arith.subf %sc, %m2 : tensor<1x64xf32>
            %e = math.exp %de : tensor<1x64xf32>
            %ali = arith.mulf %a, %li : tensor<1x64xf32>
            %li2 = arith.addf %ali, %e : tensor<1x64xf32>
            %oia = arith.mulf %oi, %a : tensor<1x64xf32>
            %kve = arith.mulf %kv_t, %e : tensor<1x64xf32>
            %oi2 = arith.addf %oia, %kve : tensor<1x64xf32>
            scf.yield %m2, %li2, %oi2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
          } else {
            scf.yield %mi, %li, %oi : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
          }
          pto.yield %upd#0, %upd#1, %upd#2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
        }
        %w2:3 = pto.range %s = %c0 to %c3 step %c1 iter_args(%mi = %w1#0, %li = %w1#1, %oi = %w1#2) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
          %p = arith.addi %cur, %s : index
          %blk = arith.divsi %p, %c4 : index
          %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
          %page = arith.index_cast %page_i32 : i32 to index
          %off = arith.remsi %p, %c4 : index
          %base = arith.muli %page, %c4 : index
          %r = arith.addi %base, %off : index
          %sc = pto.load %state[%r, %h_sc_back] : memref<?x2048xf32> -> tensor<1x64xf32>
          %kv_t = pto.load %state[%r, %h_kv_back] : memref<?x2048xf32> -> tensor<1x64xf32>
          %m2 = arith.maximumf %mi, %sc : tensor<1x64xf32>
          %da = arith.subf %mi, %m2 : tensor<1x64xf32>
          %a = math.exp %da : tensor<1x64xf32>
          %de = arith.subf %sc, %m2 : tensor<1x64xf32>
          %e = math.exp %de : tensor<1x64xf32>
          %ali = arith.mulf %a, %li : tensor<1x64xf32>
          %li2 = arith.addf %ali, %e : tensor<1x64xf32>
          %oia = arith.mulf %oi, %a : tensor<1x64xf32>
          %kve = arith.mulf %kv_t, %e : tensor<1x64xf32>
          %oi2 = arith.addf %oia, %kve : tensor<1x64xf32>
          pto.yield %m2, %li2, %oi2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
        }
        %out = arith.divf %w2#2, %w2#1 : tensor<1x64xf32>
        pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
      }
    }
  }

  // 4. RMS norm and rope: 4 tasks of 16 rows. inv_rms = 1 / sqrt(sum(x^2) / 512 + 1e-6),
  //    sums of squares taken per 64-column tile (row_sum) and added tile by tile;
  //    n = (x * inv_rms) * norm_w. The rotary tile (columns 448..511) is rotated pairwise
  //    in interleaved form: out[j] = n[j] * cos[j >> 1] + n[j ^ 1] * sign[j] * sin[j >> 1],
  //    sign[j] = -1 for even j, +1 for odd j.
  pto.spmd %t = 0 to 4 name "rmsnorm_rope" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c7 = arith.constant 7 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %c448 = arith.constant 448 : index
    %r0 = arith.muli %t, %c16 : index
    %sum0 = arith.constant dense<0.000000e+00> : tensor<16x1xf32>
    %sumsq = pto.range %j = %c0 to %c8 step %c1 iter_args(%acc = %sum0) -> (tensor<16x1xf32>) {
      %col = arith.muli %j, %c64 : index
      %xt = pto.load %pooled[%r0, %col] : memref<64x512xf32> -> tensor<16x64xf32>
      %sq = arith.mulf %xt, %xt : tensor<16x64xf32>
      %rs = pto.row_sum %sq : tensor<16x64xf32> -> tensor<16x1xf32>
      %acc2 = arith.addf %acc, %rs : tensor<16x1xf32>
      pto.yield %acc2 : tensor<16x1xf32>
    }
    %dim = arith.constant dense<5.120000e+02> : tensor<16x1xf32>
    %eps = arith.constant dense<1.000000e-06> : tensor<16x1xf32>
    %ones = arith.constant dense<1.000000e+00> : tensor<16x1xf32>
    %mean = arith.divf %sumsq, %dim : tensor<16x1xf32>
    %var = arith.addf %mean, %eps : tensor<16x1xf32>
    %rms = math.sqrt %var : tensor<16x1xf32>
    %inv_rms = arith.divf %ones, %rms : tensor<16x1xf32>
    // The 448 NOPE columns: 7 tiles of 64.
    pto.range %j = %c0 to %c7 step %c1 {
      %col = arith.muli %j, %c64 : index
      %xt = pto.load %pooled[%r0, %col] : memref<64x512xf32> -> tensor<16x64xf32>
      %w = pto.load %norm_w[%c0, %col] : memref<1x512xf32> -> tensor<1x64xf32>
      %xs = pto.row_expand_mul %xt, %inv_rms : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
      %n = pto.col_expand_mul %xs, %w : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
      pto.store %n, %normed_kv[%r0, %col] : tensor<16x64xf32>, memref<64x512xf32>
    }
    // The 64 rotary columns.
    %xr = pto.load %pooled[%r0, %c448] : memref<64x512xf32> -> tensor<16x64xf32>
    %wr = pto.load %norm_w[%c0, %c448] : memref<1x512xf32> -> tensor<1x64xf32>
    %xrs = pto.row_expand_mul %xr, %inv_rms : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
    %nr = pto.col_expand_mul %xrs, %wr : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    %cos_t = pto.load %cos[%r0, %c0] : memref<64x32xf32> -> tensor<16x32xf32>
    %sin_t = pto.load %sin[%r0, %c0] : memref<64x32xf32> -> tensor<16x32xf32>
    %jj = pto.arange start 0 step 1 : tensor<16x64xi32>
    %one_i = arith.constant dense<1> : tensor<16x64xi32>
    %half = arith.shrsi %jj, %one_i : tensor<16x64xi32>
    %partner = arith.xori %jj, %one_i : tensor<16x64xi32>
    %odd = arith.andi %jj, %one_i : tensor<16x64xi32>
    %odd2 = arith.shli %odd, %one_i : tensor<16x64xi32>
    %sign_i = arith.subi %odd2, %one_i : tensor<16x64xi32>
    %sign = pto.cast %sign_i : tensor<16x64xi32> -> tensor<16x64xf32>
    %cos_g = pto.gather %cos_t, %half : tensor<16x32xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
    %sin_g = pto.gather %sin_t, %half : tensor<16x32xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
    %n_sw = pto.gather %nr, %partner : tensor<16x64xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
    %rot_a = arith.mulf %nr, %cos_g : tensor<16x64xf32>
    %n_sg = arith.mulf %n_sw, %sign : tensor<16x64xf32>
    %rot_b = arith.mulf %n_sg, %sin_g : tensor<16x64xf32>
    %rot = arith.addf %rot_a, %rot_b : tensor<16x64xf32>
    pto.store %rot, %normed_kv[%r0, %c448] : tensor<16x64xf32>, memref<64x512xf32>
  }

  // 5. Gated rows: kv[b] = normed_kv[b] and the bf16 copy (round to nearest even) into the
  //    compressed KV cache at row cache_block_table[b, c // 128] * 128 + c % 128, c = start // 4
  //    (c % 128 as c & 127: equal for c >= 0, and provably in [0, 128) for pto-check-races).
  pto.spmd %t = 0 to 4 name "kv_and_cache_write" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %c16 = arith.constant 16 : index
    %c127 = arith.constant 127 : index
    %c128 = arith.constant 128 : index
    %r0 = arith.muli %t, %c16 : index
    pto.range %r = %c0 to %c16 step %c1 {
      %b = arith.addi %r0, %r : index
      %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
      %start = arith.index_cast %start_i32 : i32 to index
      %pos = arith.remsi %start, %c4 : index
      %pos_s = arith.addi %pos, %c2 : index
      %gate = arith.cmpi sge, %pos_s, %c4 : index
      scf.if %gate {
        %row_v = pto.load %normed_kv[%b, %c0] : memref<64x512xf32> -> tensor<1x512xf32>
        pto.store %row_v, %kv[%b, %c0] : tensor<1x512xf32>, memref<64x512xf32>
        %row_h = pto.cast %row_v round "rint" : tensor<1x512xf32> -> tensor<1x512xbf16>
        %cidx = arith.divsi %start, %c4 : index
        %cblk = arith.divsi %cidx, %c128 : index
        %cpage_i32 = pto.read %cache_block_table[%b, %cblk] {pto.distinct_rows} : memref<64x?xi32> -> i32
        %cpage = arith.index_cast %cpage_i32 : i32 to index
        %coff = arith.andi %cidx, %c127 : index
        %cbase = arith.muli %cpage, %c128 : index
        %crow = arith.addi %cbase, %coff : index
        pto.store %row_h, %cmp_kv_cache[%crow, %c0] : tensor<1x512xbf16>, memref<?x512xbf16>
      }
    }
  }
  func.return
}
