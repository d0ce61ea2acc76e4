// Holdout case 01496c81, variant cube_matmul: the MoE router gate after the change, a
// cube gate_dot task (8 K-steps of pl.matmul / pl.matmul_acc) then one vector task
// gate_score_post (softplus, sqrt, bias, padded score rows).
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/moe_router.py, Stage 2
// (gate.forward), scopes gate_dot and gate_score_post, at commit 01496c81. Measured on
// a2a3 (router-only run, `moe_router.py -p a2a3 --enable-l2-swimlane --enable-pmu 2`):
// "gate path exec time" 34.58 us (read as both Stage 2 tasks together; see case.toml).
//
// Harness defaults: FLASH config, T = DECODE_BATCH x DECODE_SEQ = 64 x 2 = 128 tokens,
// D = 4096, N_EXPERTS = 256 / EP_WORLD_SIZE 16 = 16, SCORE_PAD = 32 (N_EXPERTS <= 32),
// GATE_D_CHUNK = 512, GATE_N_CHUNK = 16, so GATE_N_BLOCKS = 1 (the compile-time branch
// with one gate_dot pl.at) and GATE_D_BLOCKS = 8.
//
// gate_dot (pl.at, one task, core cube: only matmuls): score_acc [128,16] f32 is a
// pl.create_tensor inside the scope (a tile, here a zero constant that is never read);
// runtime loop kb = 1 .. 8 (pl.range(1, 9)), d0 = (kb - 1) x 512: the f32 [128,512]
// slice of x_norm_gate (all 128 token rows) and the f32 [16,512] slice of gate_w (16
// expert rows, used transposed: b_trans), a plain matmul at kb == 1, a matmul-accumulate
// after (scf.if, as the public code), f32 [128,16] accumulator; then the accumulator is
// stored to the gate_logits scratch (pl.assemble at [0, 0]).
// Totals: 16 loads (8 x 256 KiB of x, 2 KiB bursts 16 KiB apart, + 8 x 32 KiB of
// gate_w; 2.25 MiB), 8 matmuls (M 128, N 16, K 512, f32), 1 store of 8 KiB.
//
// gate_score_post (pl.at, one task, core vector): fill [128,32] f32 with 0 and store it to
// route_scores, fill [128,32] with FP32_NEG_INF (-3.4028234663852886e38, the most
// negative finite f32) and store it to biased_scores; then a runtime loop
// expert0 = 0 .. 16 step 16 (one trip): load the [128,16] f32 logits, softplus as the
// code writes it (zero = logits x 0, relu = max(logits, zero), |logits| = max(logits,
// -logits), relu + log(exp(-|logits|) + 1)), sqrt; bias: load the [16] f32 gate_bias
// chunk, reshape to [1,16] (free), ones = zero + 1, bias_tile = col_expand_mul(ones,
// bias_row), biased = score + bias_tile; store score into route_scores[:, 0:16] and
// biased into biased_scores[:, 0:16] (128 bursts of 64 B each).
// Totals: 2 loads (8 KiB + 64 B), 4 stores (2 x 16 KiB, 2 x 8 KiB), 15 vector ops
// (2 fills, 10 for softplus + sqrt, adds, col_expand_mul, add).
//
// Choices / approximations:
// * Revised after the blind prediction (2026-12-03): each public K-step was first
//   written as two loads + matmuls of K 256, because the verifier then checked every tile
//   against a vector core's 192 KiB UB, also in a cube task. It now checks a cube task's
//   tiles against the cube core's 512 KiB L1, so the K-step is one [128,512] x
//   [16,512]^T matmul, as the public code (the cube compiler splits K further for
//   L0A / L0B on the hardware, which the model does not see).
// * The kernel begins at the gate: x_norm_gate (the f32 copy of the bf16-rounded RMSNorm
//   output that ffn_norm_apply writes at this commit) is an input. x_norm_bf16 (read
//   by the vector_dot variant) is an argument that this variant does not read, so that
//   the two variants share their arguments.
// * gate_logits is a GM scratch (memref.alloc), as the public pl.create_tensor.
// * pl.full tiles are constant tiles (one fill each); the zero accumulator of gate_dot is
//   one fill the public code does not have (pl.create_tensor allocates without an op).
func.func @moe_router_gate(%x_norm_bf16: memref<128x4096xbf16>, %x_norm_gate: memref<128x4096xf32>,
                           %gate_w: memref<16x4096xf32>, %gate_bias: memref<16xf32>,
                           %route_scores: memref<128x32xf32>, %biased_scores: memref<128x32xf32>) {
  %gate_logits = memref.alloc() : memref<128x16xf32>
  pto.spmd %task = 0 to 1 name "gate_dot" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c9 = arith.constant 9 : index
    %c512 = arith.constant 512 : index
    %acc0 = arith.constant dense<0.000000e+00> : tensor<128x16xf32>
    %acc = pto.range %kb = %c1 to %c9 step %c1 iter_args(%a = %acc0) -> (tensor<128x16xf32>) {
      %db = arith.subi %kb, %c1 : index
      %d0 = arith.muli %db, %c512 : index
      %xk = pto.load %x_norm_gate[%c0, %d0] : memref<128x4096xf32> -> tensor<128x512xf32>
      %wk = pto.load %gate_w[%c0, %d0] : memref<16x4096xf32> -> tensor<16x512xf32>
      %first = arith.cmpi eq, %kb, %c1 : index
      %a2 = scf.if %first -> (tensor<128x16xf32>) {
        %mm = pto.matmul %xk, %wk b_trans : tensor<128x512xf32>, tensor<16x512xf32> -> tensor<128x16xf32>
        scf.yield %mm : tensor<128x16xf32>
      } else {
        %ma = pto.matmul_acc %a, %xk, %wk b_trans : tensor<128x16xf32>, tensor<128x512xf32>, tensor<16x512xf32> -> tensor<128x16xf32>
        scf.yield %ma : tensor<128x16xf32>
      }
      pto.yield %a2 : tensor<128x16xf32>
    }
    pto.store %acc, %gate_logits[%c0, %c0] : tensor<128x16xf32>, memref<128x16xf32>
  }
  pto.spmd %task = 0 to 1 name "gate_score_post" core vector {
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %zeros = arith.constant dense<0.000000e+00> : tensor<128x32xf32>
    pto.store %zeros, %route_scores[%c0, %c0] : tensor<128x32xf32>, memref<128x32xf32>
    %ninf = arith.constant dense<-3.40282347e+38> : tensor<128x32xf32>
    pto.store %ninf, %biased_scores[%c0, %c0] : tensor<128x32xf32>, memref<128x32xf32>
    pto.range %e0 = %c0 to %c16 step %c16 {
      %logits = pto.load %gate_logits[%c0, %e0] : memref<128x16xf32> -> tensor<128x16xf32>
      %f0 = arith.constant 0.000000e+00 : f32
      %f1 = arith.constant 1.000000e+00 : f32
      %zero = pto.muls %logits, %f0 : tensor<128x16xf32>, f32
      %relu = arith.maximumf %logits, %zero : tensor<128x16xf32>
      %neg = arith.negf %logits : tensor<128x16xf32>
      %abs = arith.maximumf %logits, %neg : tensor<128x16xf32>
      %nabs = arith.negf %abs : tensor<128x16xf32>
      %ex = math.exp %nabs : tensor<128x16xf32>
      %ex1 = pto.adds %ex, %f1 : tensor<128x16xf32>, f32
      %lg = math.log %ex1 : tensor<128x16xf32>
      %sp = arith.addf %relu, %lg : tensor<128x16xf32>
      %score = math.sqrt %sp : tensor<128x16xf32>
      %b1 = pto.load %gate_bias[%e0] : memref<16xf32> -> tensor<16xf32>
      %brow = tensor.expand_shape %b1 [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
      %ones = pto.adds %zero, %f1 : tensor<128x16xf32>, f32
      %btile = pto.col_expand_mul %ones, %brow : tensor<128x16xf32>, tensor<1x16xf32> -> tensor<128x16xf32>
      %biased = arith.addf %score, %btile : tensor<128x16xf32>
      pto.store %score, %route_scores[%c0, %e0] : tensor<128x16xf32>, memref<128x32xf32>
      pto.store %biased, %biased_scores[%c0, %e0] : tensor<128x16xf32>, memref<128x32xf32>
      pto.yield
    }
  }
  func.return
}
