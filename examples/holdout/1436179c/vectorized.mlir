// Holdout case 1436179c, variant vectorized: 8 tasks, each a one-pass softmax over the window.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/prefill_compressor_ratio128.py,
// scope prefill_hca_c128_softmax_pool (the pool of the ratio-128 HCA prefill compressor),
// at commit 1436179c. Measured on a2a3 (NPU, real weights, the file's standalone run):
// softmax_pool 62 us (span or per-task exec not stated; see case.toml).
//
// Sizes at the harness defaults (FLASH config, PREFILL_BATCH 1 x PREFILL_SEQ 128):
// T = 128 tokens, COMPRESS_RATIO = STATE_LEN = 128, HEAD_DIM = OUT_DIM = 512,
// HEAD_TILE = 64 (8 head blocks), MAX_CMP_WRITES = 1, so PACKED_C128_POOL_BLOCKS = 8
// tasks. State caches [1024, 8, 512] f32 (HCA_STATE_BLOCK_SIZE 8), viewed as [8192, 512]
// rows. Fixture (--start-pos 0): positions 0..127, only token 127 makes a compressed
// write, so the write map (written by the write_map scope) is dst [0, -1 x 7], pos
// [127, 0 x 7]; every block-table entry >= 0.
//
// At this commit the state scatter (prefill_hca_c128_state_scatter_pre, a separate scope
// not in this kernel) runs before the pool: it writes every token's kv projection and
// score projection + ape into its state row, so the pool reads its whole window from the
// state cache (no seed + overlay, no write-discovery scan).
//
// pl.spmd(8): task p takes write_i = p / 8 (= 0) and head block hb = p - 8 write_i,
// h0 = 64 hb. Per task, in source order: two zero tiles [128,64] f32 (the pool tiles,
// on chip); a scalar read of write_dst_map[0, write_i] (i32); gate >= 0 (true for every
// task); a scalar read of write_pos_map[0, write_i] (write_pos = 127); a runtime loop over
// the 128 window slots i: two zero rows [1,64] (pl.full) written into row i of both
// tiles; block = (write_pos + 1 - 128 + i) / 8, a scalar read of
// compress_state_block_table[block] (i32); when >= 0: load kv_state row page * 8 + intra,
// cols h0:+64 ([1,64] f32, 256 B) into row i of the kv tile, the same of score_state into
// the score tile. Then, on the whole window: transpose both tiles to [64,128]; row_max of
// the scores, row_expand_sub, exp, row_sum, row_expand_div (the weights), mul with the kv,
// row_sum -> [64,1], reshaped (free) to [1,64] and stored into pooled_kv_pad[write_i,
// h0:+64]. The else branch (no write: copy the row onto itself) is kept; the fixture never
// takes it.
// Totals per task (fixture): 130 scalar reads; 256 loads of one 256 B burst; 1 store of
// 256 B; vector ops: 2 fills [128,64]; 128 x (2 fills [1,64] + 4 row inserts into a
// [128,64] tile); 2 fills [64,128] (transpose destinations) and 2 transposes
// [128,64] -> [64,128]; 7 ops on [64,128] (row_max,
// row_expand_sub, exp, row_sum, row_expand_div, mul, row_sum).
//
// Choices: the write maps, the state caches (as the scatter leaves them) and
// pooled_kv_pad (zeroed by the norm_pad_init scope) are arguments, as only the measured
// scope is in the kernel. A GM row loaded into a pool-tile row is a load then a
// tensor.insert_slice, as the code writes it (a GM row slice stored into a tile row).
// Approximated: PyPTO's pl.create_tensor inside a scope allocates a tile without an op,
// while here the two pool tiles start as zero constants, and each linalg.transpose needs
// a destination tile, also a zero constant; the interpreter records these as fills
// (2 of [128,64] and 2 of [64,128] per task that the public code does not have; the
// pl.full rows are real fills). Nothing else is approximated.
func.func @prefill_hca_c128_softmax_pool(%kv_state: memref<1024x8x512xf32>, %score_state: memref<1024x8x512xf32>,
                                         %compress_state_block_table: memref<1024xi32>,
                                         %write_pos_map: memref<1x8xi32>, %write_dst_map: memref<1x8xi32>,
                                         %pooled_kv_pad: memref<8x512xf32>) {
  %kv_rows = memref.collapse_shape %kv_state [[0, 1], [2]] : memref<1024x8x512xf32> into memref<8192x512xf32>
  %score_rows = memref.collapse_shape %score_state [[0, 1], [2]] : memref<1024x8x512xf32> into memref<8192x512xf32>
  pto.spmd %p = 0 to 8 name "prefill_hca_c128_softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c64 = arith.constant 64 : index
    %c128 = arith.constant 128 : index
    %c0_i32 = arith.constant 0 : i32
    %write_i = arith.divsi %p, %c8 : index
    %wbase = arith.muli %write_i, %c8 : index
    %hb = arith.subi %p, %wbase : index
    %h0 = arith.muli %hb, %c64 : index
    %kv_tile0 = arith.constant dense<0.000000e+00> : tensor<128x64xf32>
    %sc_tile0 = arith.constant dense<0.000000e+00> : tensor<128x64xf32>
    %dst = pto.read %write_dst_map[%c0, %write_i] : memref<1x8xi32> -> i32
    %has_write = arith.cmpi sge, %dst, %c0_i32 : i32
    scf.if %has_write {
      %wpos = pto.read %write_pos_map[%c0, %write_i] : memref<1x8xi32> -> i32
      %wpos_idx = arith.index_cast %wpos : i32 to index
      %wnext = arith.addi %wpos_idx, %c1 : index
      %wstart = arith.subi %wnext, %c128 : index
      %win:2 = pto.range %i = %c0 to %c128 step %c1
          iter_args(%kt = %kv_tile0, %st = %sc_tile0) -> (tensor<128x64xf32>, tensor<128x64xf32>) {
        %zk = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
        %kt1 = tensor.insert_slice %zk into %kt[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
        %zs = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
        %st1 = tensor.insert_slice %zs into %st[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
        %abs = arith.addi %wstart, %i : index
        %blk = arith.divsi %abs, %c8 : index
        %blk8 = arith.muli %blk, %c8 : index
        %intra = arith.subi %abs, %blk8 : index
        %page = pto.read %compress_state_block_table[%blk] : memref<1024xi32> -> i32
        %mapped = arith.cmpi sge, %page, %c0_i32 : i32
        %u:2 = scf.if %mapped -> (tensor<128x64xf32>, tensor<128x64xf32>) {
          %page_idx = arith.index_cast %page : i32 to index
          %pbase = arith.muli %page_idx, %c8 : index
          %row = arith.addi %pbase, %intra : index
          %kvr = pto.load %kv_rows[%row, %h0] : memref<8192x512xf32> -> tensor<1x64xf32>
          %kt2 = tensor.insert_slice %kvr into %kt1[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
          %scr = pto.load %score_rows[%row, %h0] : memref<8192x512xf32> -> tensor<1x64xf32>
          %st2 = tensor.insert_slice %scr into %st1[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
          scf.yield %kt2, %st2 : tensor<128x64xf32>, tensor<128x64xf32>
        } else {
          scf.yield %kt1, %st1 : tensor<128x64xf32>, tensor<128x64xf32>
        }
        pto.yield %u#0, %u#1 : tensor<128x64xf32>, tensor<128x64xf32>
      }
      %zt_sc = arith.constant dense<0.000000e+00> : tensor<64x128xf32>
      %sc_t = linalg.transpose ins(%win#1 : tensor<128x64xf32>) outs(%zt_sc : tensor<64x128xf32>) permutation = [1, 0]
      %zt_kv = arith.constant dense<0.000000e+00> : tensor<64x128xf32>
      %kv_t = linalg.transpose ins(%win#0 : tensor<128x64xf32>) outs(%zt_kv : tensor<64x128xf32>) permutation = [1, 0]
      %mx = pto.row_max %sc_t : tensor<64x128xf32> -> tensor<64x1xf32>
      %sh = pto.row_expand_sub %sc_t, %mx : tensor<64x128xf32>, tensor<64x1xf32> -> tensor<64x128xf32>
      %ex = math.exp %sh : tensor<64x128xf32>
      %den = pto.row_sum %ex : tensor<64x128xf32> -> tensor<64x1xf32>
      %w = pto.row_expand_div %ex, %den : tensor<64x128xf32>, tensor<64x1xf32> -> tensor<64x128xf32>
      %wk = arith.mulf %kv_t, %w : tensor<64x128xf32>
      %pc = pto.row_sum %wk : tensor<64x128xf32> -> tensor<64x1xf32>
      %pflat = tensor.collapse_shape %pc [[0, 1]] : tensor<64x1xf32> into tensor<64xf32>
      %prow = tensor.expand_shape %pflat [[0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
      pto.store %prow, %pooled_kv_pad[%write_i, %h0] : tensor<1x64xf32>, memref<8x512xf32>
    } else {
      %keep = pto.load %pooled_kv_pad[%write_i, %h0] : memref<8x512xf32> -> tensor<1x64xf32>
      pto.store %keep, %pooled_kv_pad[%write_i, %h0] : tensor<1x64xf32>, memref<8x512xf32>
    }
  }
  func.return
}
