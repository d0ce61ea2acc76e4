// Holdout case 8170f0af, variant per (token, out-block): 4096 tasks of one [1,32] chunk.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/prefill_compressor_ratio4.py,
// scope prefill_c4_state_update (the state-cache writeback at the end of the ratio-4
// prefill compressor, inlined into prefill_attention_csa.py), at commit 8170f0af^ (the
// parent of 8170f0af). Measured on a2a3 (remote NPU, L2 swimlane without dep-gen, 3
// iterations): span of prefill_c4_state_update 1761 us, 4096 events.
//
// Sizes (FLASH config): MAX_TOKENS = 128, OUT_DIM = 2 x HEAD_DIM = 1024, OUT_CHUNK = 32,
// PACKED_PROJ_BLOCKS = 32, COMPRESS_RATIO = 4, MAX_CMP_WRITES = 64; the state caches are
// [CSA_STATE_BLOCK_NUM = 4096, 4, 1024] f32 (MAX_SEQ_LEN 8192 / 4 blocks x 2 requests),
// viewed as [16384, 1024] rows, as the public code reshapes them.
//
// pl.spmd(MAX_TOKENS * PACKED_PROJ_BLOCKS = 4096): task i takes token t = i // 32 and
// out-block ob = i % 32 (columns 32 ob .. 32 ob + 31). Per task: gate t < num_tokens;
// a scalar read of state_slot_mapping[t] (i64); gate row >= 0; a scalar read of
// position_ids[t] (i32), ape slot = pos % 4; load ape[slot, o0:+32]; load
// pooled_kv[0, 0:32] and multiply it by 0.0 (the zero-weighted read that orders the
// scope after the softmax pool); load kv_proj[t, o0:+32], add pool_dep, store into
// kv_state[row, o0:+32]; load score_proj[t, o0:+32], add the ape chunk, add pool_dep,
// store into score_state[row, o0:+32].
// Totals per task (every task passes both gates in the fixture): 2 scalar reads, 4 loads
// of one 128 B burst ([1,32] f32), 4 vector ops on [1,32] f32 (1 muls, 3 adds), 2 stores
// of one 128 B burst. GM rows are 4 KiB apart in kv_proj, score_proj, ape and the states.
//
// Choices: num_tokens (a pl.Scalar[pl.INT32] of the public entry) is an index argument
// compared with t, one scalar compare per task; kv_proj, score_proj (written by the
// compressor's projection scope) and pooled_kv (written by its softmax pool) are inputs
// here, since only the measured scope is in the kernel; ops follow the source order.
// The read of state_slot_mapping carries {pto.distinct_rows}: every token has its own
// state slot (the fixture maps token t to row table[0, t // 4] * 4 + t % 4, all
// distinct); an assertion for pto-check-races only.
// pto-check-races still warns (may race) for this variant: it cannot use the assertion
// where 32 tasks share one token's row and split its columns.
// Nothing is approximated.
func.func @prefill_c4_state_update(%kv_proj: memref<128x1024xf32>, %score_proj: memref<128x1024xf32>,
                                   %pooled_kv: memref<64x512xf32>, %ape: memref<4x1024xf32>,
                                   %position_ids: memref<128xi32>, %state_slot_mapping: memref<128xi64>,
                                   %num_tokens: index,
                                   %kv_state: memref<4096x4x1024xf32>, %score_state: memref<4096x4x1024xf32>) {
  %kv_state_flat = memref.collapse_shape %kv_state [[0, 1], [2]] : memref<4096x4x1024xf32> into memref<16384x1024xf32>
  %score_state_flat = memref.collapse_shape %score_state [[0, 1], [2]] : memref<4096x4x1024xf32> into memref<16384x1024xf32>
  pto.spmd %i = 0 to 4096 name "prefill_c4_state_update" core vector {
    %c0 = arith.constant 0 : index
    %c32 = arith.constant 32 : index
    %c0_i64 = arith.constant 0 : i64
    %c4_i32 = arith.constant 4 : i32
    %zero = arith.constant 0.000000e+00 : f32
    %ob = arith.remsi %i, %c32 : index
    %t = arith.divsi %i, %c32 : index
    %o0 = arith.muli %ob, %c32 : index
    %active = arith.cmpi slt, %t, %num_tokens : index
    scf.if %active {
      %row_raw = pto.read %state_slot_mapping[%t] {pto.distinct_rows} : memref<128xi64> -> i64
      %has_row = arith.cmpi sge, %row_raw, %c0_i64 : i64
      scf.if %has_row {
        %row = arith.index_cast %row_raw : i64 to index
        %pos = pto.read %position_ids[%t] : memref<128xi32> -> i32
        %slot_i32 = arith.remsi %pos, %c4_i32 : i32
        %slot = arith.index_cast %slot_i32 : i32 to index
        %ape_row = pto.load %ape[%slot, %o0] : memref<4x1024xf32> -> tensor<1x32xf32>
        %pk = pto.load %pooled_kv[%c0, %c0] : memref<64x512xf32> -> tensor<1x32xf32>
        %pool_dep = pto.muls %pk, %zero : tensor<1x32xf32>, f32
        %kv = pto.load %kv_proj[%t, %o0] : memref<128x1024xf32> -> tensor<1x32xf32>
        %kv_out = arith.addf %kv, %pool_dep : tensor<1x32xf32>
        pto.store %kv_out, %kv_state_flat[%row, %o0] : tensor<1x32xf32>, memref<16384x1024xf32>
        %sc = pto.load %score_proj[%t, %o0] : memref<128x1024xf32> -> tensor<1x32xf32>
        %sc_ape = arith.addf %sc, %ape_row : tensor<1x32xf32>
        %sc_out = arith.addf %sc_ape, %pool_dep : tensor<1x32xf32>
        pto.store %sc_out, %score_state_flat[%row, %o0] : tensor<1x32xf32>, memref<16384x1024xf32>
      }
    }
  }
  func.return
}
