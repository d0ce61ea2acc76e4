// Holdout case b9d8495a, variant five scopes: linear -> split_pre_post -> write_post ->
// comb_sinkhorn -> mix_x, 8 tasks each (40 tasks; 56 sub-tasks on the device).
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/hc_pre.py (DeepSeek-V4
// hyper-connection pre-mix, dynamic shape), at commit b9d8495a^ (the parent of b9d8495a).
// Measured on a2a3 (L2 swimlane on board, decode, T = 128): device span of hc_pre
// (end-to-end, all five scopes) 168.2 us; "spmd scopes / sub-tasks 5 / 56".
//
// Sizes (FLASH config, decode B = 64, S = 2): T = T_MAX = 128 tokens, D = 4096,
// HC_MULT = 4, HC_DIM = 16384, MIX_HC = 24 (padded to MIX_PAD = 32), HC_PAD = 8,
// T_TILE = LINEAR_T_TILE = COMB_T_TILE = 16, LINEAR_K_TILE = 128 (128 K fragments),
// D_TILE = 512 (8 column blocks), HC_SINKHORN_ITER = 20, HC_EPS = NORM_EPS = 1e-6.
// x is [128, 4, 4096] bf16, viewed as x_flat [128, 16384] (row stride 32 KiB); hc_fn is
// [24, 16384] f32; x_mixed [128, 4096] bf16, post [128, 4] f32, comb [128, 16] f32.
// scale0..2 are three scalar reads of hc_scale in the orchestration code, before the
// scopes (pl.read outside every scope). GM intermediates (pl.create_tensor, scratch):
// mixes [128, 32], pre_val_store [128, 8], post_pad_store [128, 8], comb_logits [128, 16].
// Task ob of every scope takes the 16 tokens t0 = 16 ob .. t0 + 15.
//
// linear: pl.spmd(T_MAX / 16 = 8), mixed cube + vector (a cluster: 1 AIC + 2 AIV, 3 of
// the 56 sub-tasks per task). A sq_sum [1,16] zero fill on the vector side; a 2-stage
// pipelined loop (pl.pipeline) over the 128 K fragments kb: vector side: load x_flat
// [16,128] bf16 (16 bursts of 256 B, 32 KiB apart), cast to f32 (x_lin), square (mul),
// row_sum -> [16,1], reshape to [1,16], add into sq_sum; x_lin is handed to the cube
// (the matmul operand is a vector tile); cube side: load hc_fn [32,128] f32 with 24 valid
// rows (24 bursts of 512 B, 64 KiB apart), matmul (kb = 0) / matmul-accumulate with hc_fn
// used transposed (b_trans) into f32 [16,32]. After the loop the accumulator goes to the
// vector side: sq_sum x (1/16384) (muls), + eps (adds), rsqrt, reshape to [16,1],
// row_expand_mul, store f32 [16,32] into mixes (one 2 KiB burst).
// Totals per task: 256 loads (128 x 4 KiB bf16 + 128 x 12 KiB valid f32), 128 matmuls,
// 129 handoffs (128 x 8 KiB to the cube, 1 x 2 KiB back), 517 vector-side ops (the
// sq_sum fill, 128 x (cast, mul, row_sum, add), muls, adds, rsqrt, row_expand_mul),
// 1 cube-side fill (below), 1 store.
//
// split_pre_post: pl.spmd(t_dim / 16 = 8), vector. pre: load hc_base[0:8] (32 B) as
// [1,8], load mixes [16,8] at column 0 (16 bursts of 32 B, 128 B apart), muls scale0,
// col_expand of the base, add, neg, exp, adds 1, recip, adds eps, store [16,8] into
// pre_val_store (512 B). post: the same with hc_base[4:12], mixes columns 4..11, scale1,
// then muls 2 instead of adds eps, store into post_pad_store. comb: load hc_base[8:24]
// (64 B) as [1,16], load mixes [16,16] at column 8 (16 bursts of 64 B), muls scale2,
// col_expand, add, store [16,16] into comb_logits (1 KiB).
// Totals per task: 6 loads, 19 vector ops (2 x 8 + 3; a recip is a divide) + 1 ones
// fill (below), 3 stores.
//
// write_post: pl.spmd(8), vector. Load post_pad_store [16,8] with 4 valid columns (16
// bursts of 16 B, 32 B apart), store its valid [16,4] into post (one 256 B burst).
// Totals per task: 1 load, 1 store.
//
// comb_sinkhorn: pl.spmd(8), vector. Four loads of comb_logits [16,8] with 4 valid
// columns (row k of each token's 4x4 matrix at column 4k: 16 bursts of 16 B, 64 B
// apart); fillpad -inf (x4); row softmax: row_max, row_expand_sub, exp, row_sum,
// row_expand_div, adds eps (x4 each); fillpad 0 (x4); column normalisation: 3 adds of
// the four row tiles, adds eps, 4 divides; then a 2-stage pipelined loop (pl.pipeline)
// of the remaining 19 Sinkhorn iterations (20 with the first): per iteration 4 row_sum,
// 4 adds eps, 4 row_expand_div, 3 adds, 1 adds eps, 4 divides = 20 ops; 4 stores of the
// valid [16,4] into comb[t0, 4k] (16 bursts of 16 B, 64 B apart).
// Totals per task: 4 loads, 40 + 19 x 20 = 420 vector ops (+ 4 mask/pad ops, below),
// 4 stores.
//
// mix_x: pl.spmd(8), vector. Load pre_val_store [16,8] (512 B), transpose to [8,16],
// four row slices [1,16] reshaped to [16,1] (pre0..pre3); a runtime loop (pl.range) over
// the 8 column blocks of 512: four loads x_flat [16,512] bf16 at columns h x 4096 + d0
// (16 bursts of 1 KiB, 32 KiB apart), four casts to f32, four row_expand_mul by pre_h,
// three adds, cast to bf16 (rint), store [16,512] bf16 into x_mixed (16 bursts of
// 1 KiB, 8 KiB apart).
// Totals per task: 33 loads, 5 + 8 x 12 = 101 vector ops (+ 1 fill, below), 8 stores.
//
// Choices: static shapes at the measured T = 128 (the public code is dynamic in T; the
// 8-task scopes are t_dim / 16 = 8 here); the grid order is the code's (task ob, tokens
// 16 ob ..). In the mixed linear scope the vector side makes x_lin and the sum of
// squares and finishes the RMS scaling, the cube side loads hc_fn and multiplies, with
// one handoff per K fragment and one back after the chain (the cube-vector split
// PyPTO's mixed-kernel expansion makes of this body; the code does not write it out).
// The loop result is passed back into a cube section (a yield, no op) so that it can
// be handed off. The accumulator chain is one loop with a plain matmul at kb = 0 (scf.if)
// as the code; the carried accumulator starts as a zero tile that is never read (one
// cube-side fill; PyPTO's pl.create_tensor allocates it without an op). The 1-d
// hc_base windows are loaded as 1-d tiles and reshaped (free), as in the code.
// Approximated: pl.recip (one reciprocal instruction) is 1 / x, a divide by a [16,8]
// ones tile made once per task (one fill the device does not run); pl.fillpad (one
// TFILLPAD per tile, which reads the tile's valid shape) is a pto.select against a
// column mask (col < 4, pto.arange + pto.cmps, made once per task) and a -inf or zero
// tile (two fills), 4 events per comb_sinkhorn task the device does not run
// (the -inf pad is written as the lowest finite f32, -3.40282347e38; exp of the pad
// is 0 either way, so the results are the same as with -inf); the
// transpose in mix_x takes a zero [8,16] tile for its result type (one fill). The tmp
// tiles of row_max / row_sum (pl.create_tile) are scratch, no op. pl.set_validshape is
// metadata (no op): the stores of a [16,4] valid window are pto.store_valid.
func.func @hc_pre(%x: memref<128x4x4096xbf16>, %hc_fn: memref<24x16384xf32>,
                  %hc_scale: memref<3xf32>, %hc_base: memref<24xf32>,
                  %x_mixed: memref<128x4096xbf16>, %post: memref<128x4xf32>,
                  %comb: memref<128x16xf32>) {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i2 = arith.constant 2 : index
  %x_flat = memref.collapse_shape %x [[0], [1, 2]] : memref<128x4x4096xbf16> into memref<128x16384xbf16>
  %scale0 = pto.read %hc_scale[%i0] : memref<3xf32> -> f32
  %scale1 = pto.read %hc_scale[%i1] : memref<3xf32> -> f32
  %scale2 = pto.read %hc_scale[%i2] : memref<3xf32> -> f32
  %mixes = memref.alloc() : memref<128x32xf32>

  pto.spmd %ob = 0 to 8 name "linear" core mix {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %c24 = arith.constant 24 : index
    %c128 = arith.constant 128 : index
    %t0 = arith.muli %ob, %c16 : index
    %sq0 = pto.section vector -> (tensor<1x16xf32>) {
      %z = arith.constant dense<0.000000e+00> : tensor<1x16xf32>
      pto.yield %z : tensor<1x16xf32>
    }
    %acc0 = pto.section cube -> (tensor<16x32xf32>) {
      %z = arith.constant dense<0.000000e+00> : tensor<16x32xf32>
      pto.yield %z : tensor<16x32xf32>
    }
    %lin:2 = pto.range %kb = %c0 to %c128 step %c1 pipeline 2 iter_args(%sq = %sq0, %acc = %acc0) -> (tensor<1x16xf32>, tensor<16x32xf32>) {
      %kl0 = arith.muli %kb, %c128 : index
      %xv:2 = pto.section vector -> (tensor<16x128xf32>, tensor<1x16xf32>) {
        %xb = pto.load %x_flat[%t0, %kl0] : memref<128x16384xbf16> -> tensor<16x128xbf16>
        %x_lin = pto.cast %xb : tensor<16x128xbf16> -> tensor<16x128xf32>
        %x_sq = arith.mulf %x_lin, %x_lin : tensor<16x128xf32>
        %rs = pto.row_sum %x_sq : tensor<16x128xf32> -> tensor<16x1xf32>
        %rs_flat = tensor.collapse_shape %rs [[0, 1]] : tensor<16x1xf32> into tensor<16xf32>
        %rs_row = tensor.expand_shape %rs_flat [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
        %sq2 = arith.addf %sq, %rs_row : tensor<1x16xf32>
        pto.yield %x_lin, %sq2 : tensor<16x128xf32>, tensor<1x16xf32>
      }
      %x_c = pto.handoff %xv#0 from vector to cube : tensor<16x128xf32>
      %acc2 = pto.section cube -> (tensor<16x32xf32>) {
        %w_lin = pto.load_valid %hc_fn[%c0, %kl0] valid [%c24, %c128] pad zero : memref<24x16384xf32> -> tensor<32x128xf32>
        %first = arith.cmpi eq, %kb, %c0 : index
        %a2 = scf.if %first -> (tensor<16x32xf32>) {
          %mm = pto.matmul %x_c, %w_lin b_trans : tensor<16x128xf32>, tensor<32x128xf32> -> tensor<16x32xf32>
          scf.yield %mm : tensor<16x32xf32>
        } else {
          %ma = pto.matmul_acc %acc, %x_c, %w_lin b_trans : tensor<16x32xf32>, tensor<16x128xf32>, tensor<32x128xf32> -> tensor<16x32xf32>
          scf.yield %ma : tensor<16x32xf32>
        }
        pto.yield %a2 : tensor<16x32xf32>
      }
      pto.yield %xv#1, %acc2 : tensor<1x16xf32>, tensor<16x32xf32>
    }
    %acc_c = pto.section cube -> (tensor<16x32xf32>) {
      pto.yield %lin#1 : tensor<16x32xf32>
    }
    %acc_v = pto.handoff %acc_c from cube to vector : tensor<16x32xf32>
    pto.section vector {
      %inv_n = arith.constant 6.10351562e-05 : f32
      %eps = arith.constant 1.000000e-06 : f32
      %ms0 = pto.muls %lin#0, %inv_n : tensor<1x16xf32>, f32
      %mean_sq = pto.adds %ms0, %eps : tensor<1x16xf32>, f32
      %inv_rms = math.rsqrt %mean_sq : tensor<1x16xf32>
      %ir_flat = tensor.collapse_shape %inv_rms [[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
      %ir_col = tensor.expand_shape %ir_flat [[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
      %mix = pto.row_expand_mul %acc_v, %ir_col : tensor<16x32xf32>, tensor<16x1xf32> -> tensor<16x32xf32>
      pto.store %mix, %mixes[%t0, %c0] : tensor<16x32xf32>, memref<128x32xf32>
    }
  }

  %pre_val_store = memref.alloc() : memref<128x8xf32>
  %post_pad_store = memref.alloc() : memref<128x8xf32>
  %comb_logits = memref.alloc() : memref<128x16xf32>
  pto.spmd %ob = 0 to 8 name "split_pre_post" core vector {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %one = arith.constant 1.000000e+00 : f32
    %two = arith.constant 2.000000e+00 : f32
    %eps = arith.constant 1.000000e-06 : f32
    %t0 = arith.muli %ob, %c16 : index
    %ones = arith.constant dense<1.000000e+00> : tensor<16x8xf32>
    // pre = sigmoid(mixes[:, 0:4] * scale0 + base) + eps (8 columns, 4 used later)
    %pb = pto.load %hc_base[%c0] : memref<24xf32> -> tensor<8xf32>
    %pre_base = tensor.expand_shape %pb [[0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
    %pm = pto.load %mixes[%t0, %c0] : memref<128x32xf32> -> tensor<16x8xf32>
    %pre_scaled = pto.muls %pm, %scale0 : tensor<16x8xf32>, f32
    %pre_bb = pto.col_expand %pre_scaled, %pre_base : tensor<16x8xf32>, tensor<1x8xf32> -> tensor<16x8xf32>
    %pre_logits = arith.addf %pre_scaled, %pre_bb : tensor<16x8xf32>
    %pre_neg = arith.negf %pre_logits : tensor<16x8xf32>
    %pre_exp = math.exp %pre_neg : tensor<16x8xf32>
    %pre_den = pto.adds %pre_exp, %one : tensor<16x8xf32>, f32
    %pre_sig = arith.divf %ones, %pre_den : tensor<16x8xf32>
    %pre_val = pto.adds %pre_sig, %eps : tensor<16x8xf32>, f32
    pto.store %pre_val, %pre_val_store[%t0, %c0] : tensor<16x8xf32>, memref<128x8xf32>
    // post = 2 sigmoid(mixes[:, 4:8] * scale1 + base)
    %qb = pto.load %hc_base[%c4] : memref<24xf32> -> tensor<8xf32>
    %post_base = tensor.expand_shape %qb [[0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
    %qm = pto.load %mixes[%t0, %c4] : memref<128x32xf32> -> tensor<16x8xf32>
    %post_scaled = pto.muls %qm, %scale1 : tensor<16x8xf32>, f32
    %post_bb = pto.col_expand %post_scaled, %post_base : tensor<16x8xf32>, tensor<1x8xf32> -> tensor<16x8xf32>
    %post_logits = arith.addf %post_scaled, %post_bb : tensor<16x8xf32>
    %post_neg = arith.negf %post_logits : tensor<16x8xf32>
    %post_exp = math.exp %post_neg : tensor<16x8xf32>
    %post_den = pto.adds %post_exp, %one : tensor<16x8xf32>, f32
    %post_sig = arith.divf %ones, %post_den : tensor<16x8xf32>
    %post_pad = pto.muls %post_sig, %two : tensor<16x8xf32>, f32
    pto.store %post_pad, %post_pad_store[%t0, %c0] : tensor<16x8xf32>, memref<128x8xf32>
    // comb logits = mixes[:, 8:24] * scale2 + base
    %cb = pto.load %hc_base[%c8] : memref<24xf32> -> tensor<16xf32>
    %comb_base = tensor.expand_shape %cb [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
    %cm = pto.load %mixes[%t0, %c8] : memref<128x32xf32> -> tensor<16x16xf32>
    %comb_scaled = pto.muls %cm, %scale2 : tensor<16x16xf32>, f32
    %comb_bb = pto.col_expand %comb_scaled, %comb_base : tensor<16x16xf32>, tensor<1x16xf32> -> tensor<16x16xf32>
    %comb_tile = arith.addf %comb_scaled, %comb_bb : tensor<16x16xf32>
    pto.store %comb_tile, %comb_logits[%t0, %c0] : tensor<16x16xf32>, memref<128x16xf32>
  }

  pto.spmd %ob = 0 to 8 name "write_post" core vector {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c16 = arith.constant 16 : index
    %t0 = arith.muli %ob, %c16 : index
    %post_tile = pto.load_valid %post_pad_store[%t0, %c0] valid [%c16, %c4] pad zero : memref<128x8xf32> -> tensor<16x8xf32>
    pto.store_valid %post_tile, %post[%t0, %c0] valid [%c16, %c4] : tensor<16x8xf32>, memref<128x4xf32>
  }

  pto.spmd %ob = 0 to 8 name "comb_sinkhorn" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c12 = arith.constant 12 : index
    %c16 = arith.constant 16 : index
    %c19 = arith.constant 19 : index
    %c4_i32 = arith.constant 4 : i32
    %eps = arith.constant 1.000000e-06 : f32
    %t0 = arith.muli %ob, %c16 : index
    %row0 = pto.load_valid %comb_logits[%t0, %c0] valid [%c16, %c4] pad zero : memref<128x16xf32> -> tensor<16x8xf32>
    %row1 = pto.load_valid %comb_logits[%t0, %c4] valid [%c16, %c4] pad zero : memref<128x16xf32> -> tensor<16x8xf32>
    %row2 = pto.load_valid %comb_logits[%t0, %c8] valid [%c16, %c4] pad zero : memref<128x16xf32> -> tensor<16x8xf32>
    %row3 = pto.load_valid %comb_logits[%t0, %c12] valid [%c16, %c4] pad zero : memref<128x16xf32> -> tensor<16x8xf32>
    // fillpad: the valid columns 0..3 kept, the pad columns 4..7 set
    %col = pto.arange start 0 step 1 : tensor<16x8xi32>
    %valid = pto.cmps lt %col, %c4_i32 : tensor<16x8xi32>, i32 -> tensor<16x8xi1>
    %ninf = arith.constant dense<-3.40282347e+38> : tensor<16x8xf32>
    %zero = arith.constant dense<0.000000e+00> : tensor<16x8xf32>
    %row0_p = pto.select %valid, %row0, %ninf : tensor<16x8xi1>, tensor<16x8xf32>
    %row1_p = pto.select %valid, %row1, %ninf : tensor<16x8xi1>, tensor<16x8xf32>
    %row2_p = pto.select %valid, %row2, %ninf : tensor<16x8xi1>, tensor<16x8xf32>
    %row3_p = pto.select %valid, %row3, %ninf : tensor<16x8xi1>, tensor<16x8xf32>
    // row softmax + eps
    %row0_max = pto.row_max %row0_p : tensor<16x8xf32> -> tensor<16x1xf32>
    %row1_max = pto.row_max %row1_p : tensor<16x8xf32> -> tensor<16x1xf32>
    %row2_max = pto.row_max %row2_p : tensor<16x8xf32> -> tensor<16x1xf32>
    %row3_max = pto.row_max %row3_p : tensor<16x8xf32> -> tensor<16x1xf32>
    %row0_d = pto.row_expand_sub %row0_p, %row0_max : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row0_exp = math.exp %row0_d : tensor<16x8xf32>
    %row1_d = pto.row_expand_sub %row1_p, %row1_max : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row1_exp = math.exp %row1_d : tensor<16x8xf32>
    %row2_d = pto.row_expand_sub %row2_p, %row2_max : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row2_exp = math.exp %row2_d : tensor<16x8xf32>
    %row3_d = pto.row_expand_sub %row3_p, %row3_max : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row3_exp = math.exp %row3_d : tensor<16x8xf32>
    %row0_sum = pto.row_sum %row0_exp : tensor<16x8xf32> -> tensor<16x1xf32>
    %row1_sum = pto.row_sum %row1_exp : tensor<16x8xf32> -> tensor<16x1xf32>
    %row2_sum = pto.row_sum %row2_exp : tensor<16x8xf32> -> tensor<16x1xf32>
    %row3_sum = pto.row_sum %row3_exp : tensor<16x8xf32> -> tensor<16x1xf32>
    %row0_q = pto.row_expand_div %row0_exp, %row0_sum : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row0_soft = pto.adds %row0_q, %eps : tensor<16x8xf32>, f32
    %row1_q = pto.row_expand_div %row1_exp, %row1_sum : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row1_soft = pto.adds %row1_q, %eps : tensor<16x8xf32>, f32
    %row2_q = pto.row_expand_div %row2_exp, %row2_sum : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row2_soft = pto.adds %row2_q, %eps : tensor<16x8xf32>, f32
    %row3_q = pto.row_expand_div %row3_exp, %row3_sum : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
    %row3_soft = pto.adds %row3_q, %eps : tensor<16x8xf32>, f32
    %row0_eff = pto.select %valid, %row0_soft, %zero : tensor<16x8xi1>, tensor<16x8xf32>
    %row1_eff = pto.select %valid, %row1_soft, %zero : tensor<16x8xi1>, tensor<16x8xf32>
    %row2_eff = pto.select %valid, %row2_soft, %zero : tensor<16x8xi1>, tensor<16x8xf32>
    %row3_eff = pto.select %valid, %row3_soft, %zero : tensor<16x8xi1>, tensor<16x8xf32>
    // column normalisation (the sum over the 4 matrix rows is the sum of the 4 tiles)
    %cs01 = arith.addf %row0_eff, %row1_eff : tensor<16x8xf32>
    %cs23 = arith.addf %row2_eff, %row3_eff : tensor<16x8xf32>
    %cs = arith.addf %cs01, %cs23 : tensor<16x8xf32>
    %cse = pto.adds %cs, %eps : tensor<16x8xf32>, f32
    %row0_cur = arith.divf %row0_eff, %cse : tensor<16x8xf32>
    %row1_cur = arith.divf %row1_eff, %cse : tensor<16x8xf32>
    %row2_cur = arith.divf %row2_eff, %cse : tensor<16x8xf32>
    %row3_cur = arith.divf %row3_eff, %cse : tensor<16x8xf32>
    // the other 19 Sinkhorn iterations: row normalisation, then column normalisation
    %sk:4 = pto.range %it = %c0 to %c19 step %c1 pipeline 2 iter_args(%r0 = %row0_cur, %r1 = %row1_cur, %r2 = %row2_cur, %r3 = %row3_cur) -> (tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>) {
      %s0 = pto.row_sum %r0 : tensor<16x8xf32> -> tensor<16x1xf32>
      %s0e = pto.adds %s0, %eps : tensor<16x1xf32>, f32
      %s1 = pto.row_sum %r1 : tensor<16x8xf32> -> tensor<16x1xf32>
      %s1e = pto.adds %s1, %eps : tensor<16x1xf32>, f32
      %s2 = pto.row_sum %r2 : tensor<16x8xf32> -> tensor<16x1xf32>
      %s2e = pto.adds %s2, %eps : tensor<16x1xf32>, f32
      %s3 = pto.row_sum %r3 : tensor<16x8xf32> -> tensor<16x1xf32>
      %s3e = pto.adds %s3, %eps : tensor<16x1xf32>, f32
      %n0 = pto.row_expand_div %r0, %s0e : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
      %n1 = pto.row_expand_div %r1, %s1e : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
      %n2 = pto.row_expand_div %r2, %s2e : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
      %n3 = pto.row_expand_div %r3, %s3e : tensor<16x8xf32>, tensor<16x1xf32> -> tensor<16x8xf32>
      %k01 = arith.addf %n0, %n1 : tensor<16x8xf32>
      %k23 = arith.addf %n2, %n3 : tensor<16x8xf32>
      %k = arith.addf %k01, %k23 : tensor<16x8xf32>
      %ke = pto.adds %k, %eps : tensor<16x8xf32>, f32
      %m0 = arith.divf %n0, %ke : tensor<16x8xf32>
      %m1 = arith.divf %n1, %ke : tensor<16x8xf32>
      %m2 = arith.divf %n2, %ke : tensor<16x8xf32>
      %m3 = arith.divf %n3, %ke : tensor<16x8xf32>
      pto.yield %m0, %m1, %m2, %m3 : tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>
    }
    pto.store_valid %sk#0, %comb[%t0, %c0] valid [%c16, %c4] : tensor<16x8xf32>, memref<128x16xf32>
    pto.store_valid %sk#1, %comb[%t0, %c4] valid [%c16, %c4] : tensor<16x8xf32>, memref<128x16xf32>
    pto.store_valid %sk#2, %comb[%t0, %c8] valid [%c16, %c4] : tensor<16x8xf32>, memref<128x16xf32>
    pto.store_valid %sk#3, %comb[%t0, %c12] valid [%c16, %c4] : tensor<16x8xf32>, memref<128x16xf32>
  }

  pto.spmd %ob = 0 to 8 name "mix_x" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c512 = arith.constant 512 : index
    %c4096 = arith.constant 4096 : index
    %c8192 = arith.constant 8192 : index
    %c12288 = arith.constant 12288 : index
    %t0 = arith.muli %ob, %c16 : index
    %pre_tile = pto.load %pre_val_store[%t0, %c0] : memref<128x8xf32> -> tensor<16x8xf32>
    %tz = arith.constant dense<0.000000e+00> : tensor<8x16xf32>
    %pre_t = linalg.transpose ins(%pre_tile : tensor<16x8xf32>) outs(%tz : tensor<8x16xf32>) permutation = [1, 0]
    %p0r = tensor.extract_slice %pre_t[0, 0] [1, 16] [1, 1] : tensor<8x16xf32> to tensor<1x16xf32>
    %p0f = tensor.collapse_shape %p0r [[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
    %pre0 = tensor.expand_shape %p0f [[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
    %p1r = tensor.extract_slice %pre_t[1, 0] [1, 16] [1, 1] : tensor<8x16xf32> to tensor<1x16xf32>
    %p1f = tensor.collapse_shape %p1r [[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
    %pre1 = tensor.expand_shape %p1f [[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
    %p2r = tensor.extract_slice %pre_t[2, 0] [1, 16] [1, 1] : tensor<8x16xf32> to tensor<1x16xf32>
    %p2f = tensor.collapse_shape %p2r [[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
    %pre2 = tensor.expand_shape %p2f [[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
    %p3r = tensor.extract_slice %pre_t[3, 0] [1, 16] [1, 1] : tensor<8x16xf32> to tensor<1x16xf32>
    %p3f = tensor.collapse_shape %p3r [[0, 1]] : tensor<1x16xf32> into tensor<16xf32>
    %pre3 = tensor.expand_shape %p3f [[0, 1]] output_shape [16, 1] : tensor<16xf32> into tensor<16x1xf32>
    pto.range %db = %c0 to %c8 step %c1 {
      %d0 = arith.muli %db, %c512 : index
      %k1 = arith.addi %c4096, %d0 : index
      %k2 = arith.addi %c8192, %d0 : index
      %k3 = arith.addi %c12288, %d0 : index
      %xb0 = pto.load %x_flat[%t0, %d0] : memref<128x16384xbf16> -> tensor<16x512xbf16>
      %x0 = pto.cast %xb0 : tensor<16x512xbf16> -> tensor<16x512xf32>
      %xb1 = pto.load %x_flat[%t0, %k1] : memref<128x16384xbf16> -> tensor<16x512xbf16>
      %x1 = pto.cast %xb1 : tensor<16x512xbf16> -> tensor<16x512xf32>
      %xb2 = pto.load %x_flat[%t0, %k2] : memref<128x16384xbf16> -> tensor<16x512xbf16>
      %x2 = pto.cast %xb2 : tensor<16x512xbf16> -> tensor<16x512xf32>
      %xb3 = pto.load %x_flat[%t0, %k3] : memref<128x16384xbf16> -> tensor<16x512xbf16>
      %x3 = pto.cast %xb3 : tensor<16x512xbf16> -> tensor<16x512xf32>
      %y0 = pto.row_expand_mul %x0, %pre0 : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
      %y1 = pto.row_expand_mul %x1, %pre1 : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
      %y2 = pto.row_expand_mul %x2, %pre2 : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
      %y3 = pto.row_expand_mul %x3, %pre3 : tensor<16x512xf32>, tensor<16x1xf32> -> tensor<16x512xf32>
      %y01 = arith.addf %y0, %y1 : tensor<16x512xf32>
      %y23 = arith.addf %y2, %y3 : tensor<16x512xf32>
      %y = arith.addf %y01, %y23 : tensor<16x512xf32>
      %yb = pto.cast %y round "rint" : tensor<16x512xf32> -> tensor<16x512xbf16>
      pto.store %yb, %x_mixed[%t0, %d0] : tensor<16x512xbf16>, memref<128x4096xbf16>
    }
  }
  func.return
}
