// Calibration case 1dd087a6, variant pl.pipeline(stage=3): 8 cube tasks, 16 pages each.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_indexer.py, scope
// score_mat (indexer scores: paged INT8 compressed-KV pages x the per-step-quantized
// query, decode), never committed: 1dd087a6's code with
// stage=3 (inferred).
// Measured on a2a3 (decode 8k: --start-pos 8192, B = 8, S = 1): average Exec per
// score_mat task 8.26 us. A single sample.
//
// One task per token t (T = 8): a scalar read of the batch's kv_seq_len -> the page
// count ceil((len // 4) / 128) (16 at len 8193); the token's quantized query i8 [64,128]
// (8 KiB, loop-invariant) loaded once; then a 3-stage pipelined runtime loop
// (pl.pipeline(stage=3)) over the pages:
// a scalar read of the page's block-table entry, load the i8 [128,128] KV page (16 KiB)
// GM -> L1, cube matmul [128,128] x [128,64] with the query used transposed (b_trans),
// i8 x i8 -> i32, and store the i32 [128,64] (32 KiB) accumulator straight to the score
// scratch. Totals per task: 17 scalar reads, 16 page loads + the query, 16 matmuls,
// 16 stores of 32 KiB, no vector ops.
//
// Layouts (choices): the compressed int8 KV cache is [pages x 128, 128] (a page is 128
// rows of IDX_HEAD_DIM = 128), IDX_CACHE_BLOCK_NUM = B x 64 pages; the block table is
// [B, IDX_CACHE_MAX_BLOCKS = 64] i32; the query is [T x 64, 128] i8; the score scratch
// is [T x IDX_KV_LEN, 64] i32, row t * 4096 + 128 (p & 31): p & 31 = p, as a task has
// at most IDX_KV_LEN / 128 = 32 pages, and it lets pto-check-races prove the stores
// of different tasks disjoint although the page count is read from memory (one scalar
// op per page more than the public kernel).
func.func @score_mat(%kv_seq_lens: memref<8xi32>, %block_table: memref<8x64xi32>,
                     %q_i8: memref<512x128xi8>, %kv_cache: memref<65536x128xi8>,
                     %score: memref<32768x64xi32>) {
  pto.spmd %t = 0 to 8 name "score_mat" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c31 = arith.constant 31 : index
    %c64 = arith.constant 64 : index
    %c127 = arith.constant 127 : index
    %c128 = arith.constant 128 : index
    %c4096 = arith.constant 4096 : index
    %len_i32 = pto.read %kv_seq_lens[%t] : memref<8xi32> -> i32
    %len = arith.index_cast %len_i32 : i32 to index
    %rows = arith.divsi %len, %c4 : index
    %rows_up = arith.addi %rows, %c127 : index
    %pages = arith.divsi %rows_up, %c128 : index
    %qrow = arith.muli %t, %c64 : index
    %q = pto.load %q_i8[%qrow, %c0] : memref<512x128xi8> -> tensor<64x128xi8>
    %srow0 = arith.muli %t, %c4096 : index
    pto.range %p = %c0 to %pages step %c1 pipeline 3 {
      %page_i32 = pto.read %block_table[%t, %p] : memref<8x64xi32> -> i32
      %page = arith.index_cast %page_i32 : i32 to index
      %kvrow = arith.muli %page, %c128 : index
      %kvp = pto.load %kv_cache[%kvrow, %c0] : memref<65536x128xi8> -> tensor<128x128xi8>
      %s = pto.matmul %kvp, %q b_trans : tensor<128x128xi8>, tensor<64x128xi8> -> tensor<128x64xi32>
      %pw = arith.andi %p, %c31 : index
      %poff = arith.muli %pw, %c128 : index
      %srow = arith.addi %srow0, %poff : index
      pto.store %s, %score[%srow, %c0] : tensor<128x64xi32>, memref<32768x64xi32>
    }
  }
  func.return
}
