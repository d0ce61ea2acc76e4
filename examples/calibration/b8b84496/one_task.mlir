// Calibration case b8b84496, variant 1 CORE_GROUP task over [8, 4096].
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/gate.py, scope ffn_norm
// (MoE gate front: per-token sum of squares, x * gamma, int8 amax and scales, decode),
// at commit efa1c8f7 (the parent of PR #784's 3984eef9). Measured on a2a3 (inferred):
// ffn_norm '~12.6us' (span or per-task time not stated; one task either way).
//
// pl.parallel(0, 8, T_TILE = 8) + pl.at(CORE_GROUP): one task for all T = 8 tokens.
// Two accumulators are filled (sum of squares, amax), then a 2-stage pipelined runtime
// loop over the 16 D chunks of 256: load bf16 [8,256] of x and cast to f32; x * x; row
// sum [8,1]; accumulate; load the bf16 [1,256] gamma chunk and cast; x * gamma (column
// broadcast); store f32 [8,256] of xg; |xg| as max(xg, -xg); row max [8,1]; accumulate
// the max. Epilogue on [8,1], as the public kernel: mean = sum / 4096 (muls), + eps
// (adds), sqrt, recip (a ones fill and a div: there is no recip op) -> inv_rms, stored;
// the quant scale xn_scale = 127 / amax (a fill and a div) and the dequant scale
// x_norm_scale = recip(xn_scale) * inv_rms, both stored.
// Totals: 32 loads, 16 stores of 8 KiB + 3 of 32 B, 2 + 16 x 10 + 9 = 171 vector ops
// (the description counts 170; the extra op is the ones fill of the recip).
//
// Choices: the accumulators are [8,1] columns (the public kernel keeps [1,8] rows and
// reshapes each [8,1] row sum / row max into one, a tile reshape the dialect does not
// have); the amax accumulator starts at INT8_AMAX_EPS = 1e-4; gamma is a [1, 4096] bf16
// row; eps = 1e-6.
func.func @ffn_norm(%x: memref<8x4096xbf16>, %gamma: memref<1x4096xbf16>,
                    %xg: memref<8x4096xf32>, %inv_rms: memref<8x1xf32>,
                    %x_norm_scale: memref<8x1xf32>, %xn_scale: memref<8x1xf32>) {
  pto.spmd %g = 0 to 1 name "ffn_norm" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %c256 = arith.constant 256 : index
    %ss0 = arith.constant dense<0.000000e+00> : tensor<8x1xf32>
    %am0 = arith.constant dense<1.000000e-04> : tensor<8x1xf32>
    %acc:2 = pto.range %k = %c0 to %c16 step %c1 pipeline 2 iter_args(%ss = %ss0, %am = %am0) -> (tensor<8x1xf32>, tensor<8x1xf32>) {
      %k0 = arith.muli %k, %c256 : index
      %xb = pto.load %x[%c0, %k0] : memref<8x4096xbf16> -> tensor<8x256xbf16>
      %xf = pto.cast %xb : tensor<8x256xbf16> -> tensor<8x256xf32>
      %sq = arith.mulf %xf, %xf : tensor<8x256xf32>
      %rs = pto.row_sum %sq : tensor<8x256xf32> -> tensor<8x1xf32>
      %ss2 = arith.addf %ss, %rs : tensor<8x1xf32>
      %gb = pto.load %gamma[%c0, %k0] : memref<1x4096xbf16> -> tensor<1x256xbf16>
      %gf = pto.cast %gb : tensor<1x256xbf16> -> tensor<1x256xf32>
      %xgt = pto.col_expand_mul %xf, %gf : tensor<8x256xf32>, tensor<1x256xf32> -> tensor<8x256xf32>
      pto.store %xgt, %xg[%c0, %k0] : tensor<8x256xf32>, memref<8x4096xf32>
      %ng = arith.negf %xgt : tensor<8x256xf32>
      %ab = arith.maximumf %xgt, %ng : tensor<8x256xf32>
      %rm = pto.row_max %ab : tensor<8x256xf32> -> tensor<8x1xf32>
      %am2 = arith.maximumf %am, %rm : tensor<8x1xf32>
      pto.yield %ss2, %am2 : tensor<8x1xf32>, tensor<8x1xf32>
    }
    %inv_d = arith.constant 2.44140625e-04 : f32
    %eps = arith.constant 1.000000e-06 : f32
    %mean = pto.muls %acc#0, %inv_d : tensor<8x1xf32>, f32
    %var = pto.adds %mean, %eps : tensor<8x1xf32>, f32
    %rms = math.sqrt %var : tensor<8x1xf32>
    %ones = arith.constant dense<1.000000e+00> : tensor<8x1xf32>
    %ir = arith.divf %ones, %rms : tensor<8x1xf32>
    pto.store %ir, %inv_rms[%c0, %c0] : tensor<8x1xf32>, memref<8x1xf32>
    %q = arith.constant dense<1.270000e+02> : tensor<8x1xf32>
    %sq = arith.divf %q, %acc#1 : tensor<8x1xf32>
    %rsq = arith.divf %ones, %sq : tensor<8x1xf32>
    %xs = arith.mulf %rsq, %ir : tensor<8x1xf32>
    pto.store %xs, %x_norm_scale[%c0, %c0] : tensor<8x1xf32>, memref<8x1xf32>
    pto.store %sq, %xn_scale[%c0, %c0] : tensor<8x1xf32>, memref<8x1xf32>
  }
  func.return
}
