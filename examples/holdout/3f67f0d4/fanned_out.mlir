// Holdout case 3f67f0d4, variant fanned out: hc_head_rms (16 tasks) -> hc_head_linear (16)
// -> hc_head_reduce (8): 40 tasks.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4-flash/hc_head.py (DeepSeek-V4
// flash hyper-connection head: y = sum_h pre_h * x_h), at commit 3f67f0d4. Measured on
// a2a3 (single card, decode T = 8): isolated hc_head span 42.6 us (median of 5), read as
// the window over all three scopes.
//
// Sizes (FLASH config, decode B = 4, S = 2): T = t_dim = 8, t_linear = max(8, 16) = 16,
// D = 4096, HC_MULT = 4, HC_DIM = 16384, HC_PAD = 16, HC_VPAD = 8, T_TILE = 8,
// LINEAR_T_TILE = 16, RMS_K_TILE = D_TILE = D_SPMD = 512, LINEAR_K_TILE = 256,
// RMS_OK = LINEAR_OK = 16 (K slices of 1024), EPS = HC_EPS = 1e-6.
// x_hc [8, 4, 4096] f32 is viewed as x_flat [8, 16384] (row stride 64 KiB); here x is
// that buffer with 8 padding rows below (x [16, 16384]; the pad rows are never moved).
// hc_head_fn [4, 16384] f32, hc_head_scale [1], hc_head_base [4], y [8, 4096] bf16.
// GM scratch (pl.create_tensor): sq_part [RMS_OK, t_dim] = [16, 8]; mixes_raw
// [t_linear, HC_PAD] = [16, 16], which the code zeroes on the AICPU
// (pl.create_tensor(init_value=0)) before any task: here a zero-filled kernel argument.
//
// hc_head_rms: pl.spmd((8 / 8) x 16 = 16), vector. Task: t0 = 8 (task / 16) = 0, K slice
// ok = task % 16, [1024 ok, 1024 ok + 1024). sq_sum [1,8] zero fill; a 4-stage pipelined
// loop (pl.pipeline stage 4) over its 2 K blocks: load x_flat [8,512] f32 (8 bursts of
// 2 KiB, 64 KiB apart), square (mul), row_sum -> [8,1], reshape to [1,8], add; store
// the [1,8] partial into sq_part[ok, t0] (32 B).
// Totals per task: 2 loads (2 x 16 KiB), 1 fill + 2 x 3 = 7 vector ops, 1 store.
//
// hc_head_linear: pl.spmd((16 / 16) x 16 = 16), cube. Task i: K slice [1024 i, 1024 i +
// 1024); a 2-stage pipelined loop (pl.pipeline stage 2) over its 4 chunks of 256: load
// x_flat [16,256] f32 with the 8 valid rows of T (8 bursts of 1 KiB), load hc_head_fn
// [16,256] f32 with the 4 valid rows of HC_MULT (4 bursts of 1 KiB, 64 KiB apart),
// matmul (kb = 0) / matmul-accumulate, hc_head_fn used transposed (b_trans), into f32
// [16,16]; one atomic-add store of the [16,16] partial into mixes_raw (1 KiB).
// Totals per task: 8 loads (4 x 8 KiB + 4 x 4 KiB valid), 4 matmuls, 1 atomic store.
//
// hc_head_reduce: pl.spmd((8 / 8) x (4096 / 512) = 8), vector. Task blk: t0 = 0, columns
// d_base = 512 blk. A scalar read of hc_head_scale; load hc_head_base [8] with 4 valid
// (16 B), reshape to [1,8]; load sq_part[0:16, t0 : t0 + 8] [16,8] (512 B, contiguous),
// transpose to [8,16], row_sum -> [8,1] (the per-token sum of squares), x (1/16384),
// + eps, rsqrt; load mixes_raw [8,8] at (t0, 0) (8 bursts of 32 B), row_expand_mul by the
// rsqrt, muls scale, col_expand of the base, add, neg, exp, adds 1, recip, adds HC_EPS;
// transpose to [8,8], four row slices [1,8] reshaped to [8,1] (pre0..pre3); a 2-stage
// pipelined loop over D_SPMD / D_TILE = 1 block: four loads x_flat [8,512] f32 at column
// h x 4096 + d_base (8 bursts of 2 KiB), four row_expand_mul, three adds, cast to bf16
// (rint), store [8,512] bf16 into y (8 bursts of 1 KiB).
// Totals per task: 1 scalar read, 3 + 4 = 7 loads, 2 transposes + 13 gate ops + 8
// = 23 vector ops (+ the fills below), 1 store.
//
// Choices: static shapes at the measured T = 8 (the code is dynamic in T); the grid order
// is the code's (task / OK = token tile, task % OK = K slice; blk / 8 = token tile,
// blk % 8 = D slice). The linear's x tile rows beyond T are not moved (pto.load_valid, 8
// valid rows, as the calibration case fec57dde), and the hc_head_fn / hc_head_base pad
// rows are not moved (valid 4, pad zero), so mixes_raw columns 4..15 stay 0. The
// accumulator chain is one loop with a plain matmul at kb = 0 (scf.if); the carried
// accumulator starts as a zero tile that is never read (one fill; pl.create_tensor
// allocates it without an op). pl.set_validshape is metadata (the windows are fully
// valid at T = 8), no op. Core kinds: the vector-only scopes are vector scopes; the
// linear (matmul only, FP32 operands from GM) is a cube scope.
// Approximated: the AICPU zeroing of mixes_raw (no task) is a zero-filled input; pl.recip
// is 1 / x, a divide by an [8,8] ones tile made once per task (one fill the device does
// not run; the frontend lowers pl.recip the same way); each transpose takes a zero tile
// for its result type (one fill each). Reshapes and row slices of a tile are free.
func.func @hc_head(%x: memref<16x16384xf32>, %hc_head_fn: memref<4x16384xf32>,
                   %hc_head_scale: memref<1xf32>, %hc_head_base: memref<4xf32>,
                   %mixes_raw: memref<16x16xf32>, %y: memref<8x4096xbf16>) {
  %sq_part = memref.alloc() : memref<16x8xf32>

  pto.spmd %task = 0 to 16 name "hc_head_rms" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c512 = arith.constant 512 : index
    %c1024 = arith.constant 1024 : index
    %tb = arith.divui %task, %c16 : index
    %t0 = arith.muli %tb, %c8 : index
    %ok = arith.remui %task, %c16 : index
    %kbase = arith.muli %ok, %c1024 : index
    %sq0 = arith.constant dense<0.000000e+00> : tensor<1x8xf32>
    %sq = pto.range %kb = %c0 to %c2 step %c1 pipeline 4 iter_args(%s = %sq0) -> (tensor<1x8xf32>) {
      %kk = arith.muli %kb, %c512 : index
      %k0 = arith.addi %kbase, %kk : index
      %xc = pto.load %x[%t0, %k0] : memref<16x16384xf32> -> tensor<8x512xf32>
      %xsq = arith.mulf %xc, %xc : tensor<8x512xf32>
      %rs = pto.row_sum %xsq : tensor<8x512xf32> -> tensor<8x1xf32>
      %rs_flat = tensor.collapse_shape %rs [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
      %rs_row = tensor.expand_shape %rs_flat [[0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
      %s2 = arith.addf %s, %rs_row : tensor<1x8xf32>
      pto.yield %s2 : tensor<1x8xf32>
    }
    pto.store %sq, %sq_part[%ok, %t0] : tensor<1x8xf32>, memref<16x8xf32>
  }

  pto.spmd %task = 0 to 16 name "hc_head_linear" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c256 = arith.constant 256 : index
    %c1024 = arith.constant 1024 : index
    %tb = arith.divui %task, %c16 : index
    %t0 = arith.muli %tb, %c16 : index
    %ok = arith.remui %task, %c16 : index
    %kbase = arith.muli %ok, %c1024 : index
    %acc0 = arith.constant dense<0.000000e+00> : tensor<16x16xf32>
    %r = pto.range %kb = %c0 to %c4 step %c1 pipeline 2 iter_args(%a = %acc0) -> (tensor<16x16xf32>) {
      %kk = arith.muli %kb, %c256 : index
      %k0 = arith.addi %kbase, %kk : index
      %xl = pto.load_valid %x[%t0, %k0] valid [%c8, %c256] pad zero : memref<16x16384xf32> -> tensor<16x256xf32>
      %w = pto.load_valid %hc_head_fn[%c0, %k0] valid [%c4, %c256] pad zero : memref<4x16384xf32> -> tensor<16x256xf32>
      %first = arith.cmpi eq, %kb, %c0 : index
      %a2 = scf.if %first -> (tensor<16x16xf32>) {
        %mm = pto.matmul %xl, %w b_trans : tensor<16x256xf32>, tensor<16x256xf32> -> tensor<16x16xf32>
        scf.yield %mm : tensor<16x16xf32>
      } else {
        %ma = pto.matmul_acc %a, %xl, %w b_trans : tensor<16x16xf32>, tensor<16x256xf32>, tensor<16x256xf32> -> tensor<16x16xf32>
        scf.yield %ma : tensor<16x16xf32>
      }
      pto.yield %a2 : tensor<16x16xf32>
    }
    pto.store %r, %mixes_raw[%t0, %c0] atomic add : tensor<16x16xf32>, memref<16x16xf32>
  }

  pto.spmd %blk = 0 to 8 name "hc_head_reduce" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c512 = arith.constant 512 : index
    %c4096 = arith.constant 4096 : index
    %c8192 = arith.constant 8192 : index
    %c12288 = arith.constant 12288 : index
    %inv_n = arith.constant 6.10351562e-05 : f32
    %eps = arith.constant 1.000000e-06 : f32
    %one = arith.constant 1.000000e+00 : f32
    %heps = arith.constant 1.000000e-06 : f32
    %tb = arith.divui %blk, %c8 : index
    %t0 = arith.muli %tb, %c8 : index
    %ds = arith.remui %blk, %c8 : index
    %dbase = arith.muli %ds, %c512 : index
    %scale = pto.read %hc_head_scale[%c0] : memref<1xf32> -> f32
    %b1 = pto.load_valid %hc_head_base[%c0] valid [%c4] pad zero : memref<4xf32> -> tensor<8xf32>
    %base = tensor.expand_shape %b1 [[0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
    // per-token rsqrt of the mean square: the column sums of the 16 K-slice partials
    %slab = pto.load %sq_part[%c0, %t0] : memref<16x8xf32> -> tensor<16x8xf32>
    %tz0 = arith.constant dense<0.000000e+00> : tensor<8x16xf32>
    %slab_t = linalg.transpose ins(%slab : tensor<16x8xf32>) outs(%tz0 : tensor<8x16xf32>) permutation = [1, 0]
    %ssq = pto.row_sum %slab_t : tensor<8x16xf32> -> tensor<8x1xf32>
    %ms = pto.muls %ssq, %inv_n : tensor<8x1xf32>, f32
    %var = pto.adds %ms, %eps : tensor<8x1xf32>, f32
    %inv = math.rsqrt %var : tensor<8x1xf32>
    // gate: pre = sigmoid(mix * inv * scale + base) + HC_EPS
    %m = pto.load %mixes_raw[%t0, %c0] : memref<16x16xf32> -> tensor<8x8xf32>
    %sc = pto.row_expand_mul %m, %inv : tensor<8x8xf32>, tensor<8x1xf32> -> tensor<8x8xf32>
    %ss = pto.muls %sc, %scale : tensor<8x8xf32>, f32
    %bb = pto.col_expand %ss, %base : tensor<8x8xf32>, tensor<1x8xf32> -> tensor<8x8xf32>
    %lg = arith.addf %ss, %bb : tensor<8x8xf32>
    %ng = arith.negf %lg : tensor<8x8xf32>
    %ex = math.exp %ng : tensor<8x8xf32>
    %den = pto.adds %ex, %one : tensor<8x8xf32>, f32
    %ones = arith.constant dense<1.000000e+00> : tensor<8x8xf32>
    %sig = arith.divf %ones, %den : tensor<8x8xf32>
    %pv = pto.adds %sig, %heps : tensor<8x8xf32>, f32
    %tz1 = arith.constant dense<0.000000e+00> : tensor<8x8xf32>
    %pt = linalg.transpose ins(%pv : tensor<8x8xf32>) outs(%tz1 : tensor<8x8xf32>) permutation = [1, 0]
    %p0r = tensor.extract_slice %pt[0, 0] [1, 8] [1, 1] : tensor<8x8xf32> to tensor<1x8xf32>
    %p0f = tensor.collapse_shape %p0r [[0, 1]] : tensor<1x8xf32> into tensor<8xf32>
    %pre0 = tensor.expand_shape %p0f [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
    %p1r = tensor.extract_slice %pt[1, 0] [1, 8] [1, 1] : tensor<8x8xf32> to tensor<1x8xf32>
    %p1f = tensor.collapse_shape %p1r [[0, 1]] : tensor<1x8xf32> into tensor<8xf32>
    %pre1 = tensor.expand_shape %p1f [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
    %p2r = tensor.extract_slice %pt[2, 0] [1, 8] [1, 1] : tensor<8x8xf32> to tensor<1x8xf32>
    %p2f = tensor.collapse_shape %p2r [[0, 1]] : tensor<1x8xf32> into tensor<8xf32>
    %pre2 = tensor.expand_shape %p2f [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
    %p3r = tensor.extract_slice %pt[3, 0] [1, 8] [1, 1] : tensor<8x8xf32> to tensor<1x8xf32>
    %p3f = tensor.collapse_shape %p3r [[0, 1]] : tensor<1x8xf32> into tensor<8xf32>
    %pre3 = tensor.expand_shape %p3f [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
    pto.range %db = %c0 to %c1 step %c1 pipeline 2 {
      %dd = arith.muli %db, %c512 : index
      %d0 = arith.addi %dbase, %dd : index
      %k1 = arith.addi %c4096, %d0 : index
      %k2 = arith.addi %c8192, %d0 : index
      %k3 = arith.addi %c12288, %d0 : index
      %x0 = pto.load %x[%t0, %d0] : memref<16x16384xf32> -> tensor<8x512xf32>
      %x1 = pto.load %x[%t0, %k1] : memref<16x16384xf32> -> tensor<8x512xf32>
      %x2 = pto.load %x[%t0, %k2] : memref<16x16384xf32> -> tensor<8x512xf32>
      %x3 = pto.load %x[%t0, %k3] : memref<16x16384xf32> -> tensor<8x512xf32>
      %y0 = pto.row_expand_mul %x0, %pre0 : tensor<8x512xf32>, tensor<8x1xf32> -> tensor<8x512xf32>
      %y1 = pto.row_expand_mul %x1, %pre1 : tensor<8x512xf32>, tensor<8x1xf32> -> tensor<8x512xf32>
      %y2 = pto.row_expand_mul %x2, %pre2 : tensor<8x512xf32>, tensor<8x1xf32> -> tensor<8x512xf32>
      %y3 = pto.row_expand_mul %x3, %pre3 : tensor<8x512xf32>, tensor<8x1xf32> -> tensor<8x512xf32>
      %y01 = arith.addf %y0, %y1 : tensor<8x512xf32>
      %y23 = arith.addf %y2, %y3 : tensor<8x512xf32>
      %ys = arith.addf %y01, %y23 : tensor<8x512xf32>
      %yb = pto.cast %ys round "rint" : tensor<8x512xf32> -> tensor<8x512xbf16>
      pto.store %yb, %y[%t0, %d0] : tensor<8x512xbf16>, memref<8x4096xbf16>
    }
  }
  func.return
}
