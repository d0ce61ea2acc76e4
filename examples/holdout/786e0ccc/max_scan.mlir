// Holdout case 786e0ccc, variant max_scan: greedy_sample after the change, 8 tasks, each
// streaming one logits row once as a [8, 808] grid with a running maximum.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek_v4_flash_mtp/lm_head.py,
// function greedy_sample, scope lm_head_greedy_sample, at commit 786e0ccc. Measured on
// a2a3 (tp4 run, lm_head_with_sampling): 42.8 us per task ("in-kernel ... per task");
// the isolated greedy_sample (8 rows, 50 rounds) took 55.8 us wall.
//
// logits [8, 129280] f32 (MAX_LOGIT_ROWS = 8 rows, VOCAB = 129280 = 160 x 808), viewed
// as logits_grid [1280, 808] (pl.reshape of the GM tensor: a zero-copy view); row r is
// grid rows [160 r, 160 r + 160). pl.spmd(8): task r takes row r. Per task:
// * running_max [8,808] f32 filled with -3.402823e38, running_base [8,808] i32 zeros;
// * a runtime loop over the 20 blocks of 8 grid rows: load [8,808] f32 (25,856 B, one
//   burst), cmp gt (scores > running_max), cast of the mask to i32, maximum, then the
//   block's base id block * 6464 (scalar) folded in: running_base - base (subs), neg,
//   mask x that, running_base + the product: 7 vector ops of [8,808];
// * the row maximum: row_max -> [8,1], a zero [8,808] f32 tile, row_expand_add of the
//   lane maxima into it, col_max -> [1,808], element 0 read by the scalar unit;
// * the first index at the maximum: a zero [8,808] i32 tile, a [1,808] i32 column ramp
//   (arange) broadcast into it (col_expand), + running_base, cmps eq against the
//   maximum, cast to i32, - 2^30, x the hit mask, + 2^30 (non-hits become the sentinel
//   2^30), row_min -> [8,1] i32; lane 0 read, then a runtime loop over lanes 1..7: read
//   lane l, + l * 808, scalar min;
// * a [1,8] i32 tile of zeros, the id written into element 0, one [1,8] store (32 B).
// Totals per task: 20 loads of 25,856 B (517,120 B), 1 store of 32 B; 157 vector ops:
// 2 fills before the loop, 140 in it (7 x 20), 15 after it (row_max, col_max, row_min,
// 8 elementwise / broadcast ops, 2 [8,808] fills, the arange, the [1,8] fill); 9 scalar
// tile reads (1 + 1 + 7) and 1 tile write.
//
// Choices / approximations:
// * pl.neg of the i32 tile is pto.muls by -1 (one vector pass; the dialect's negation
//   is for floats only).
// * pl.full tiles are constant tiles (one fill each, where the code makes them), and the
//   `pl.create_tensor([1, 8])` + `[:, :] = pl.full(0)` of the sampled row is one fill
//   (PyPTO may emit a create and a copy besides it).
// * The GM view (pl.reshape [8, 129280] -> [1280, 808]) goes through one dimension
//   (memref.collapse_shape then memref.expand_shape), as for a reshape that groups no
//   dimensions.
func.func @greedy_sample(%logits: memref<8x129280xf32>, %sampled_ids: memref<8x8xi32>) {
  %flat = memref.collapse_shape %logits [[0, 1]] : memref<8x129280xf32> into memref<1034240xf32>
  %grid = memref.expand_shape %flat [[0, 1]] output_shape [1280, 808] : memref<1034240xf32> into memref<1280x808xf32>
  pto.spmd %row = 0 to 8 name "lm_head_greedy_sample" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c20 = arith.constant 20 : index
    %c160 = arith.constant 160 : index
    %c808 = arith.constant 808 : index
    %c6464 = arith.constant 6464 : index
    %m1_i32 = arith.constant -1 : i32
    %sentinel = arith.constant 1073741824 : i32
    %row_base = arith.muli %row, %c160 : index
    %max0 = arith.constant dense<-3.402823e+38> : tensor<8x808xf32>
    %base0 = arith.constant dense<0> : tensor<8x808xi32>
    %run:2 = pto.range %blk = %c0 to %c20 step %c1 iter_args(%rmax = %max0, %rbase = %base0) -> (tensor<8x808xf32>, tensor<8x808xi32>) {
      %boff = arith.muli %blk, %c8 : index
      %brow = arith.addi %row_base, %boff : index
      %scores = pto.load %grid[%brow, %c0] : memref<1280x808xf32> -> tensor<8x808xf32>
      %is_newer = pto.cmp gt %scores, %rmax : tensor<8x808xf32> -> tensor<8x808xi1>
      %newer = pto.cast %is_newer : tensor<8x808xi1> -> tensor<8x808xi32>
      %rmax2 = arith.maximumf %rmax, %scores : tensor<8x808xf32>
      %bspan = arith.muli %blk, %c6464 : index
      %bbase = arith.index_cast %bspan : index to i32
      %diff = pto.subs %rbase, %bbase : tensor<8x808xi32>, i32
      %to_new = pto.muls %diff, %m1_i32 : tensor<8x808xi32>, i32
      %step = arith.muli %newer, %to_new : tensor<8x808xi32>
      %rbase2 = arith.addi %rbase, %step : tensor<8x808xi32>
      pto.yield %rmax2, %rbase2 : tensor<8x808xf32>, tensor<8x808xi32>
    }
    %lane_max = pto.row_max %run#0 : tensor<8x808xf32> -> tensor<8x1xf32>
    %lane_zeros = arith.constant dense<0.000000e+00> : tensor<8x808xf32>
    %lane_bcast = pto.row_expand_add %lane_zeros, %lane_max : tensor<8x808xf32>, tensor<8x1xf32> -> tensor<8x808xf32>
    %col = pto.col_max %lane_bcast : tensor<8x808xf32> -> tensor<1x808xf32>
    %best = tensor.extract %col[%c0, %c0] : tensor<1x808xf32>
    %ramp_zeros = arith.constant dense<0> : tensor<8x808xi32>
    %cols = pto.arange start 0 step 1 : tensor<1x808xi32>
    %ramp = pto.col_expand %ramp_zeros, %cols : tensor<8x808xi32>, tensor<1x808xi32> -> tensor<8x808xi32>
    %flat_idx = arith.addi %run#1, %ramp : tensor<8x808xi32>
    %is_max = pto.cmps eq %run#0, %best : tensor<8x808xf32>, f32 -> tensor<8x808xi1>
    %hit = pto.cast %is_max : tensor<8x808xi1> -> tensor<8x808xi32>
    %off_idx = pto.subs %flat_idx, %sentinel : tensor<8x808xi32>, i32
    %hit_off = arith.muli %hit, %off_idx : tensor<8x808xi32>
    %cand = pto.adds %hit_off, %sentinel : tensor<8x808xi32>, i32
    %lane_idx = pto.row_min %cand : tensor<8x808xi32> -> tensor<8x1xi32>
    %first = tensor.extract %lane_idx[%c0, %c0] : tensor<8x1xi32>
    %best_idx = pto.range %lane = %c1 to %c8 step %c1 iter_args(%b = %first) -> (i32) {
      %lterm = arith.muli %lane, %c808 : index
      %lterm_i32 = arith.index_cast %lterm : index to i32
      %lv = tensor.extract %lane_idx[%lane, %c0] : tensor<8x1xi32>
      %lbest = arith.addi %lv, %lterm_i32 : i32
      %b2 = arith.minsi %b, %lbest : i32
      pto.yield %b2 : i32
    }
    %zeros = arith.constant dense<0> : tensor<1x8xi32>
    %sampled_row = tensor.insert %best_idx into %zeros[%c0, %c0] : tensor<1x8xi32>
    pto.store %sampled_row, %sampled_ids[%row, %c0] : tensor<1x8xi32>, memref<8x8xi32>
  }
  func.return
}
