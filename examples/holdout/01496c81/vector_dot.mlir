// Holdout case 01496c81, variant vector_dot: the MoE router gate before the change, one
// vector task gate_dot doing the gate dot as per-expert vector multiply + row sums, the
// softplus / sqrt / bias on each expert's [1,128] logits and 256 scalar writes per expert.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/moe_router.py, Stage 2
// (gate.forward), scope gate_dot, at 01496c81^ (the parent of commit 01496c81).
// Measured on a2a3 (router-only run, `moe_router.py -p a2a3 --enable-l2-swimlane
// --enable-pmu 2`): "gate path exec time" 784.52 us (here the one task of gate_dot).
//
// Harness defaults: FLASH config, T = 64 x 2 = 128 tokens, D = 4096, N_EXPERTS = 256 / 16
// = 16, D_CHUNK = 128 (T >= 128), D_BLOCKS = 32, SCORE_PAD = 32.
//
// gate_dot (one pl.at, one task, core vector; its chunked_loop_optimizer has no chunked
// loop to act on): fill [128,32] f32 with 0, store to route_scores; fill with
// FP32_NEG_INF (-3.4028234663852886e38), store to biased_scores. Then a runtime loop
// over the 16 experts e:
// * score_acc = a [1,128] f32 zero fill; a runtime loop over the 32 D blocks, d0 = 128 db:
//   load bf16 [128,128] of x_norm_bf16 (all tokens, 256 B bursts 8 KiB apart), cast to
//   f32; load the f32 [1,128] row e of gate_w at d0 (512 B); col_expand_mul (x times the
//   weight row, broadcast down the tokens) [128,128]; row_sum -> [128,1]; reshape to
//   [1,128] (free); add into score_acc;
// * score_acc copied into the [1,128] score_acc_buf tile (tensor.insert_slice), the
//   bias gate_bias[e] read by the scalar unit (pto.read), the logits taken back out of
//   the buffer (tensor.extract_slice of the whole tile);
// * softplus as the code writes it (zero = logits x 0, relu = max(logits, zero), |logits|
//   = max(logits, -logits), relu + log(exp(-|logits|) + 1)), sqrt, biased = score + bias
//   (tile + scalar), both reshaped to [128] (free);
// * pl.unroll over the 128 tokens t: the scalar unit reads element t of the score row
//   (tensor.extract) and writes it to route_scores at flat offset 32 t + e (pto.write),
//   then the same for the biased row into biased_scores; one scalar add per token for
//   the offset (PyPTO folds 32 t to a constant once unrolled; here the offset is carried
//   through the unrolled loop, + 32 per token).
// Totals: 16 x 32 x 2 = 1024 loads (512 x 32 KiB of x, 512 x 512 B of gate_w, 16.25
// MiB), 2 stores of 16 KiB; vector ops 3 + 16 x (1 + 32 x 4 + 2 + 11) = 2275 (the 2
// output fills, the score_acc_buf fill, then per expert the accumulator fill, 4 ops per
// D block, the copy in and out of score_acc_buf and 11 elementwise ops; 2259 without the
// 16 extract_slice copies out of it); 16 scalar GM
// reads (gate_bias); 4096 scalar tile reads; 4096 scalar GM writes (4 B each).
//
// Choices / approximations:
// * The kernel begins at the gate: x_norm_bf16 (the bf16 RMSNorm output that
//   ffn_norm_apply writes at the parent) is an input. x_norm_gate (read by the
//   cube_matmul variant) is an argument this variant does not read, so that the two
//   variants share their arguments.
// * score_acc_buf is a pl.create_tensor inside the scope (an on-chip tile in PyPTO); the
//   full-tile assign into it and the pl.load back out of it are taken as one tile copy
//   each (insert_slice, extract_slice); what PyPTO emits for them is not certain.
// * The scalar writes go through a flat view of each [128,32] output (pl.reshape to
//   [4096], memref.collapse_shape), as the code's route_flat / biased_flat.
// * pl.full tiles are constant tiles (one fill each, where the code makes them); the
//   score_acc_buf tile starts as one zero fill the public code does not have (PyPTO's
//   pl.create_tensor inside a scope allocates without an op).
func.func @moe_router_gate(%x_norm_bf16: memref<128x4096xbf16>, %x_norm_gate: memref<128x4096xf32>,
                           %gate_w: memref<16x4096xf32>, %gate_bias: memref<16xf32>,
                           %route_scores: memref<128x32xf32>, %biased_scores: memref<128x32xf32>) {
  %route_flat = memref.collapse_shape %route_scores [[0, 1]] : memref<128x32xf32> into memref<4096xf32>
  %biased_flat = memref.collapse_shape %biased_scores [[0, 1]] : memref<128x32xf32> into memref<4096xf32>
  pto.spmd %task = 0 to 1 name "gate_dot" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %c32 = arith.constant 32 : index
    %c128 = arith.constant 128 : index
    %f0 = arith.constant 0.000000e+00 : f32
    %f1 = arith.constant 1.000000e+00 : f32
    %zeros = arith.constant dense<0.000000e+00> : tensor<128x32xf32>
    pto.store %zeros, %route_scores[%c0, %c0] : tensor<128x32xf32>, memref<128x32xf32>
    %ninf = arith.constant dense<-3.40282347e+38> : tensor<128x32xf32>
    pto.store %ninf, %biased_scores[%c0, %c0] : tensor<128x32xf32>, memref<128x32xf32>
    %buf0 = arith.constant dense<0.000000e+00> : tensor<1x128xf32>
    pto.range %e = %c0 to %c16 step %c1 {
      %acc0 = arith.constant dense<0.000000e+00> : tensor<1x128xf32>
      %acc = pto.range %db = %c0 to %c32 step %c1 iter_args(%a = %acc0) -> (tensor<1x128xf32>) {
        %d0 = arith.muli %db, %c128 : index
        %xb = pto.load %x_norm_bf16[%c0, %d0] : memref<128x4096xbf16> -> tensor<128x128xbf16>
        %xf = pto.cast %xb : tensor<128x128xbf16> -> tensor<128x128xf32>
        %w = pto.load %gate_w[%e, %d0] : memref<16x4096xf32> -> tensor<1x128xf32>
        %prod = pto.col_expand_mul %xf, %w : tensor<128x128xf32>, tensor<1x128xf32> -> tensor<128x128xf32>
        %rs = pto.row_sum %prod : tensor<128x128xf32> -> tensor<128x1xf32>
        %rs1 = tensor.collapse_shape %rs [[0, 1]] : tensor<128x1xf32> into tensor<128xf32>
        %rsr = tensor.expand_shape %rs1 [[0, 1]] output_shape [1, 128] : tensor<128xf32> into tensor<1x128xf32>
        %a2 = arith.addf %a, %rsr : tensor<1x128xf32>
        pto.yield %a2 : tensor<1x128xf32>
      }
      %buf = tensor.insert_slice %acc into %buf0[0, 0] [1, 128] [1, 1] : tensor<1x128xf32> into tensor<1x128xf32>
      %bias = pto.read %gate_bias[%e] : memref<16xf32> -> f32
      %logits = tensor.extract_slice %buf[0, 0] [1, 128] [1, 1] : tensor<1x128xf32> to tensor<1x128xf32>
      %zero = pto.muls %logits, %f0 : tensor<1x128xf32>, f32
      %relu = arith.maximumf %logits, %zero : tensor<1x128xf32>
      %neg = arith.negf %logits : tensor<1x128xf32>
      %abs = arith.maximumf %logits, %neg : tensor<1x128xf32>
      %nabs = arith.negf %abs : tensor<1x128xf32>
      %ex = math.exp %nabs : tensor<1x128xf32>
      %ex1 = pto.adds %ex, %f1 : tensor<1x128xf32>, f32
      %lg = math.log %ex1 : tensor<1x128xf32>
      %sp = arith.addf %relu, %lg : tensor<1x128xf32>
      %score = math.sqrt %sp : tensor<1x128xf32>
      %biased = pto.adds %score, %bias : tensor<1x128xf32>, f32
      %score_row = tensor.collapse_shape %score [[0, 1]] : tensor<1x128xf32> into tensor<128xf32>
      %biased_row = tensor.collapse_shape %biased [[0, 1]] : tensor<1x128xf32> into tensor<128xf32>
      %off_end = pto.unroll %t = 0 to 128 iter_args(%off = %e) -> (index) {
        %vs = tensor.extract %score_row[%t] : tensor<128xf32>
        pto.write %vs, %route_flat[%off] : f32, memref<4096xf32>
        %vb = tensor.extract %biased_row[%t] : tensor<128xf32>
        pto.write %vb, %biased_flat[%off] : f32, memref<4096xf32>
        %off2 = arith.addi %off, %c32 : index
        pto.yield %off2 : index
      }
      pto.yield
    }
  }
  func.return
}
