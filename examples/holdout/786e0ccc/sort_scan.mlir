// Holdout case 786e0ccc, variant sort_scan: greedy_sample before the change, 8 tasks,
// each sorting the 505 vocab chunks of one logits row to take the chunk maxima.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek_v4_flash_mtp/lm_head.py,
// function greedy_sample, scope lm_head_greedy_sample, at commit 918099e4 (786e0ccc^, the
// parent of 786e0ccc). Measured on a2a3 (tp4 run, greedy_sample inside lm_head_with_sampling):
// 215.0 us per task ("in-kernel ... per task"); the isolated greedy_sample (8 rows, 50
// rounds) took 297.2 us wall.
//
// logits [8, 129280] f32: MAX_LOGIT_ROWS = DECODE_TOKENS = 4 x 2 = 8 rows of the full
// DeepSeek-V4 vocabulary, 129280 = 505 x 256 (the TP degree shapes only the lm_head
// projection in front of this scope, not greedy_sample). pl.spmd(8): task r takes row r.
// Per task:
// * a [1,256] ui32 index ramp (pto.arange) and the [1,512] chunk-maxima tile filled with
//   -3.402823e38 (505 chunk slots, padded to 512);
// * a runtime loop over the 505 chunks of 256: load [1,256] f32 (1 KiB, one burst),
//   sort32 with the ramp -> [1,512] (value, index) pairs in sorted runs of 32, mrgsort
//   block_len 64 (runs of 128), the two [1,256] halves sliced and merged by a 2-way
//   mrgsort -> [1,512] fully sorted, the first 16 pairs sliced ([1,32]) and their values
//   taken (gather_mask P0101 -> [1,16]), element 0 read by the scalar unit and written
//   into slot `chunk` of the chunk-maxima tile;
// * the chunk maxima sorted the same way: a [1,512] ramp, sort32 -> [1,1024], mrgsort
//   block_len 64 then 256, the first 16 pairs sliced, gather_mask P0101, element 0 read:
//   the row maximum;
// * a serial scalar scan of the 505 chunk maxima, last to first (read, compare, keep the
//   chunk on equality, so the lowest matching chunk wins);
// * a [1,256] load of the winning chunk at a runtime column, then a serial scalar scan
//   of its 256 values, last to first: the lowest matching offset;
// * a [1,8] i32 tile of zeros, the id chunk * 256 + offset written into element 0, one
//   [1,8] store into sampled_ids (32 B).
// Totals per task: 506 loads of 1 KiB (518,144 B), 1 store of 32 B; 1518 sorts (505
// sort32 + 1010 mrgsort of [1,512]; 1 sort32 + 2 mrgsort of [1,1024]); 510 vector ops
// (506 gather_mask, 2 arange, 2 fills) besides 1516 tile slices (1010 of [1,256], 506
// of [1,32]); 1267 scalar tile reads (505 + 1 + 505 + 256) and 506 tile writes.
//
// Choices / approximations:
// * `pl.create_tensor([1, 512])` then `[:, :] = pl.full(...)` (an on-chip tile) of the
//   chunk maxima, and the same of the [1,8] sampled row, are one constant tile (one
//   fill) each; PyPTO may emit a create and a copy besides the fill.
// * The slices of the sorted pairs (`[:, 0:256]`, `[:, 256:512]`, `[:, 0:32]`) are
//   tensor.extract_slice, as ptoc's frontend lowers tile slices.
// * `if read == best_value: winning = scan` in the two scans is an scf.if yielding the
//   carried i32 (marked as an intended carry: the scan keeps the last match it meets).
func.func @greedy_sample(%logits: memref<8x129280xf32>, %sampled_ids: memref<8x8xi32>) {
  pto.spmd %row = 0 to 8 name "lm_head_greedy_sample" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c256 = arith.constant 256 : index
    %c504 = arith.constant 504 : index
    %c505 = arith.constant 505 : index
    %c255 = arith.constant 255 : index
    %z_i32 = arith.constant 0 : i32
    %c256_i32 = arith.constant 256 : i32
    %chunk_idx = pto.arange start 0 step 1 : tensor<1x256xui32>
    %neg_fill = arith.constant dense<-3.402823e+38> : tensor<1x512xf32>
    %maxima = pto.range %chunk = %c0 to %c505 step %c1 iter_args(%cm = %neg_fill) -> (tensor<1x512xf32>) {
      %cstart = arith.muli %chunk, %c256 : index
      %scores = pto.load %logits[%row, %cstart] : memref<8x129280xf32> -> tensor<1x256xf32>
      %pairs = pto.sort32 %scores, %chunk_idx : tensor<1x256xf32>, tensor<1x256xui32> -> tensor<1x512xf32>
      %runs = pto.mrgsort %pairs block_len 64 : tensor<1x512xf32> -> tensor<1x512xf32>
      %lo = tensor.extract_slice %runs[0, 0] [1, 256] [1, 1] : tensor<1x512xf32> to tensor<1x256xf32>
      %hi = tensor.extract_slice %runs[0, 256] [1, 256] [1, 1] : tensor<1x512xf32> to tensor<1x256xf32>
      %sorted = pto.mrgsort %lo, %hi : tensor<1x256xf32>, tensor<1x256xf32> -> tensor<1x512xf32>
      %top = tensor.extract_slice %sorted[0, 0] [1, 32] [1, 1] : tensor<1x512xf32> to tensor<1x32xf32>
      %top_vals = pto.gather_mask %top pattern P0101 : tensor<1x32xf32> -> tensor<1x16xf32>
      %cmax = tensor.extract %top_vals[%c0, %c0] : tensor<1x16xf32>
      %cm2 = tensor.insert %cmax into %cm[%c0, %chunk] : tensor<1x512xf32>
      pto.yield %cm2 : tensor<1x512xf32>
    }
    %maxima_idx = pto.arange start 0 step 1 : tensor<1x512xui32>
    %mpairs = pto.sort32 %maxima, %maxima_idx : tensor<1x512xf32>, tensor<1x512xui32> -> tensor<1x1024xf32>
    %mruns = pto.mrgsort %mpairs block_len 64 : tensor<1x1024xf32> -> tensor<1x1024xf32>
    %msorted = pto.mrgsort %mruns block_len 256 : tensor<1x1024xf32> -> tensor<1x1024xf32>
    %mtop = tensor.extract_slice %msorted[0, 0] [1, 32] [1, 1] : tensor<1x1024xf32> to tensor<1x32xf32>
    %mtop_vals = pto.gather_mask %mtop pattern P0101 : tensor<1x32xf32> -> tensor<1x16xf32>
    %best = tensor.extract %mtop_vals[%c0, %c0] : tensor<1x16xf32>
    %win_chunk = pto.range %k = %c0 to %c505 step %c1 iter_args(%w = %z_i32) -> (i32) {
      %scan = arith.subi %c504, %k : index
      %v = tensor.extract %maxima[%c0, %scan] : tensor<1x512xf32>
      %hit = arith.cmpf oeq, %v, %best : f32
      %w2 = scf.if %hit -> (i32) {
        %scan_i32 = arith.index_cast %scan : index to i32
        scf.yield %scan_i32 : i32
      } else {
        scf.yield %w : i32
      }
      pto.yield %w2 : i32
    } {pto.intended_carry = [0]}
    %chunk_base = arith.muli %win_chunk, %c256_i32 : i32
    %chunk_col = arith.index_cast %chunk_base : i32 to index
    %win_scores = pto.load %logits[%row, %chunk_col] : memref<8x129280xf32> -> tensor<1x256xf32>
    %win_off = pto.range %o = %c0 to %c256 step %c1 iter_args(%w = %z_i32) -> (i32) {
      %scan = arith.subi %c255, %o : index
      %v = tensor.extract %win_scores[%c0, %scan] : tensor<1x256xf32>
      %hit = arith.cmpf oeq, %v, %best : f32
      %w2 = scf.if %hit -> (i32) {
        %scan_i32 = arith.index_cast %scan : index to i32
        scf.yield %scan_i32 : i32
      } else {
        scf.yield %w : i32
      }
      pto.yield %w2 : i32
    } {pto.intended_carry = [0]}
    %token = arith.addi %chunk_base, %win_off : i32
    %zeros = arith.constant dense<0> : tensor<1x8xi32>
    %sampled_row = tensor.insert %token into %zeros[%c0, %c0] : tensor<1x8xi32>
    pto.store %sampled_row, %sampled_ids[%row, %c0] : tensor<1x8xi32>, memref<8x8xi32>
  }
  func.return
}
