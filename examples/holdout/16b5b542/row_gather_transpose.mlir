// Holdout case 16b5b542, variant row gather + transpose: 32 tasks of a [1,64] head chunk.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_compressor_ratio128.py,
// scope softmax_pool of the ratio-128 (HCA) KV compressor (decode), at commit b9d21016
// (16b5b542^, the parent of 16b5b542). Measured on a2a3 (standalone
// decode_compressor_ratio128.py, L2 swimlane): softmax_pool 32 tasks, Avg Exec 12.35 us
// (aggregate 395.20 us / 32 tasks).
//
// Sizes (FLASH config, harness defaults): B = DECODE_BATCH = 4, S = DECODE_SEQ = 2,
// HEAD_DIM = OUT_DIM = 512, COMPRESS_RATIO = STATE_LEN = 128, HEAD_TILE = 64, state page
// size C128_COMPRESSOR_BLOCK_SIZE = 8, COMPRESS_STATE_DIM = 1024 (kv 0..511 | score
// 512..1023), compress_state [B * 64 = 256, 8, 1024] f32 viewed as [256, 8 * 1024]
// (compress_state_flat, one row per page), pooled_kv [RMS_PAD_ROWS = 16, 512] f32.
//
// pl.spmd(B * HEAD_DIM / HEAD_TILE = 32): task idx takes batch c = idx / 8 and head
// chunk h0 = (idx % 8) * 64; pad row = (c / 4) * 16 + c % 4. Per task: a scalar read of
// position_ids[c, 0] -> gate (pos % 128 + S >= 128; false: the task ends). Active task:
// two zero [128, 64] f32 state tiles (pl.create_tensor in the scope), then a 2-stage
// pipelined loop over the 128 window slots s: a scalar read of position_ids[c, 0] (the
// public loop re-reads it every slot), state_pos = first window position + s, a scalar
// read of the block table at state_pos / 8, then two loads of one [1,64] f32 burst
// (256 B) from page row blk: score at (state_pos % 8) * 1024 + 512 + h0, kv at
// (state_pos % 8) * 1024 + h0, each written into row s of its state tile
// (tensor.insert_slice). Then both tiles transposed to [64, 128] (linalg.transpose), and
// the softmax over the 128 slots as row reductions: row_max, row_expand_sub, exp,
// row_sum, row_expand_div, mul by the kv tile, row_sum -> [64, 1], reshaped to [1, 64]
// (free) and stored at pooled_kv[pad, h0:h0+64].
// Totals, active task: 257 scalar reads, 256 loads of one 256 B burst, 256 insert_slice
// + 2 transposes + 7 vector ops on [64,128] / [64,1] + 2 fills (below) = 267 vector
// events, 1 store of 256 B.
// Skipped task: 1 scalar read. Fixture: batches 2 and 3 compress (tasks 16..31 active),
// batches 0 and 1 do not (tasks 0..15 skipped).
//
// Choices: only the measured scope is in the kernel; the compressor state (written by
// the earlier state_scatter_pre scope) and pooled_kv (whose pad rows pooled_pad_init
// zeroes) are arguments. Static shapes (the public block counts are dynamic). Ops follow
// the source order; the slice-assign of a GM row into a state tile is a pto.load plus a
// tensor.insert_slice, as ptoc's frontend maps it.
// Approximated: two zero fills the device does not run: one [128,64] zero tile starts
// both state tiles (PyPTO's pl.create_tensor allocates them without an op; every row is
// overwritten by the loop), and one [64,128] zero tile is the shape operand of both
// linalg.transpose ops (its values are not read).
func.func @softmax_pool(%position_ids: memref<4x2xi32>, %compress_state_block_table: memref<4x64xi32>,
                        %compress_state: memref<256x8x1024xf32>, %pooled_kv: memref<16x512xf32>) {
  %flat = memref.collapse_shape %compress_state [[0], [1, 2]] : memref<256x8x1024xf32> into memref<256x8192xf32>
  pto.spmd %idx = 0 to 32 name "softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %c127 = arith.constant 127 : index
    %c128 = arith.constant 128 : index
    %c512 = arith.constant 512 : index
    %c1024 = arith.constant 1024 : index
    %c = arith.divsi %idx, %c8 : index
    %cq = arith.divsi %c, %c4 : index
    %cr = arith.remsi %c, %c4 : index
    %pad0 = arith.muli %cq, %c16 : index
    %pad = arith.addi %pad0, %cr : index
    %hb = arith.remsi %idx, %c8 : index
    %h0 = arith.muli %hb, %c64 : index
    %first_i32 = pto.read %position_ids[%c, %c0] : memref<4x2xi32> -> i32
    %first = arith.index_cast %first_i32 : i32 to index
    %pos_gate = arith.remsi %first, %c128 : index
    %pos_s = arith.addi %pos_gate, %c2 : index
    %gate = arith.cmpi sge, %pos_s, %c128 : index
    scf.if %gate {
      %zero = arith.constant dense<0.000000e+00> : tensor<128x64xf32>
      %st:2 = pto.range %s = %c0 to %c128 step %c1 pipeline 2 iter_args(%sc = %zero, %kv = %zero) -> (tensor<128x64xf32>, tensor<128x64xf32>) {
        %fb_i32 = pto.read %position_ids[%c, %c0] : memref<4x2xi32> -> i32
        %fb = arith.index_cast %fb_i32 : i32 to index
        %pos_b = arith.remsi %fb, %c128 : index
        %to_end = arith.subi %c127, %pos_b : index
        %cmp_pos = arith.addi %fb, %to_end : index
        %win0 = arith.subi %cmp_pos, %c127 : index
        %state_pos = arith.addi %win0, %s : index
        %lblk = arith.divsi %state_pos, %c8 : index
        %intra = arith.remsi %state_pos, %c8 : index
        %blk_i32 = pto.read %compress_state_block_table[%c, %lblk] : memref<4x64xi32> -> i32
        %blk = arith.index_cast %blk_i32 : i32 to index
        %slot0 = arith.muli %intra, %c1024 : index
        %kv_col = arith.addi %slot0, %h0 : index
        %sc_col0 = arith.addi %slot0, %c512 : index
        %sc_col = arith.addi %sc_col0, %h0 : index
        %slot_sc = pto.load %flat[%blk, %sc_col] : memref<256x8192xf32> -> tensor<1x64xf32>
        %slot_kv = pto.load %flat[%blk, %kv_col] : memref<256x8192xf32> -> tensor<1x64xf32>
        %sc2 = tensor.insert_slice %slot_sc into %sc[%s, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
        %kv2 = tensor.insert_slice %slot_kv into %kv[%s, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
        pto.yield %sc2, %kv2 : tensor<128x64xf32>, tensor<128x64xf32>
      }
      %zt = arith.constant dense<0.000000e+00> : tensor<64x128xf32>
      %sc_t = linalg.transpose ins(%st#0 : tensor<128x64xf32>) outs(%zt : tensor<64x128xf32>) permutation = [1, 0]
      %kv_t = linalg.transpose ins(%st#1 : tensor<128x64xf32>) outs(%zt : tensor<64x128xf32>) permutation = [1, 0]
      %mx = pto.row_max %sc_t : tensor<64x128xf32> -> tensor<64x1xf32>
      %dif = pto.row_expand_sub %sc_t, %mx : tensor<64x128xf32>, tensor<64x1xf32> -> tensor<64x128xf32>
      %ex = math.exp %dif : tensor<64x128xf32>
      %sm = pto.row_sum %ex : tensor<64x128xf32> -> tensor<64x1xf32>
      %prob = pto.row_expand_div %ex, %sm : tensor<64x128xf32>, tensor<64x1xf32> -> tensor<64x128xf32>
      %wkv = arith.mulf %kv_t, %prob : tensor<64x128xf32>
      %pooled_t = pto.row_sum %wkv : tensor<64x128xf32> -> tensor<64x1xf32>
      %p1 = tensor.collapse_shape %pooled_t [[0, 1]] : tensor<64x1xf32> into tensor<64xf32>
      %pooled = tensor.expand_shape %p1 [[0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
      pto.store %pooled, %pooled_kv[%pad, %h0] : tensor<1x64xf32>, memref<16x512xf32>
    }
  }
  func.return
}
