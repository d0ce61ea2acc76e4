// Calibration case b8b84496, variant 1 token per core: 8 tasks.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/gate.py, scope ffn_norm,
// at commit 3984eef9 (PR #784 branch commit that changes only ffn_norm; squashed into
// b8b84496). Measured on a2a3 (inferred): ffn_norm 6.2 us ('8-way parallel').
//
// pl.spmd(active tokens = 8): task t takes token t in physical [8, 1024] tiles with 1
// valid row (8 physical rows clear the 32 B tile floor of the [., 1] accumulators, so
// the per-op vector work does not shrink 8x): two accumulator fills, then a 2-stage
// pipelined runtime loop over the 4 D chunks of 1024: load the token's row into an
// [8,1024] bf16 tile (valid [1,1024], pto.load_valid, zero padding) and cast; x * x;
// row sum; accumulate; load the bf16 [1,1024] gamma chunk and cast; x * gamma; store the
// valid [1,1024] of xg (pto.store_valid); |xg|; row max; accumulate. Epilogue as in
// one_task.mlir on the [8,1] accumulators (valid [1,1]), the three [1,1] stores.
// Totals per task: 8 loads, 4 stores of 4 KiB + 3 scalar-size stores, 2 + 4 x 10 + 9 =
// 51 vector ops on 8-row physical tiles with 1 valid row (the description counts 50;
// the extra op is the ones fill of the recip).
// Choices as in one_task.mlir.
// xg equals one_task.mlir's bit for bit; the sums differ in rounding (other chunking).
func.func @ffn_norm(%x: memref<8x4096xbf16>, %gamma: memref<1x4096xbf16>,
                    %xg: memref<8x4096xf32>, %inv_rms: memref<8x1xf32>,
                    %x_norm_scale: memref<8x1xf32>, %xn_scale: memref<8x1xf32>) {
  pto.spmd %t = 0 to 8 name "ffn_norm" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c1024 = arith.constant 1024 : index
    %ss0 = arith.constant dense<0.000000e+00> : tensor<8x1xf32>
    %am0 = arith.constant dense<1.000000e-04> : tensor<8x1xf32>
    %acc:2 = pto.range %k = %c0 to %c4 step %c1 pipeline 2 iter_args(%ss = %ss0, %am = %am0) -> (tensor<8x1xf32>, tensor<8x1xf32>) {
      %k0 = arith.muli %k, %c1024 : index
      %xb = pto.load_valid %x[%t, %k0] valid [%c1, %c1024] pad zero : memref<8x4096xbf16> -> tensor<8x1024xbf16>
      %xf = pto.cast %xb : tensor<8x1024xbf16> -> tensor<8x1024xf32>
      %sq = arith.mulf %xf, %xf : tensor<8x1024xf32>
      %rs = pto.row_sum %sq : tensor<8x1024xf32> -> tensor<8x1xf32>
      %ss2 = arith.addf %ss, %rs : tensor<8x1xf32>
      %gb = pto.load %gamma[%c0, %k0] : memref<1x4096xbf16> -> tensor<1x1024xbf16>
      %gf = pto.cast %gb : tensor<1x1024xbf16> -> tensor<1x1024xf32>
      %xgt = pto.col_expand_mul %xf, %gf : tensor<8x1024xf32>, tensor<1x1024xf32> -> tensor<8x1024xf32>
      pto.store_valid %xgt, %xg[%t, %k0] valid [%c1, %c1024] : tensor<8x1024xf32>, memref<8x4096xf32>
      %ng = arith.negf %xgt : tensor<8x1024xf32>
      %ab = arith.maximumf %xgt, %ng : tensor<8x1024xf32>
      %rm = pto.row_max %ab : tensor<8x1024xf32> -> tensor<8x1xf32>
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
    pto.store_valid %ir, %inv_rms[%t, %c0] valid [%c1, %c1] : tensor<8x1xf32>, memref<8x1xf32>
    %q = arith.constant dense<1.270000e+02> : tensor<8x1xf32>
    %sq = arith.divf %q, %acc#1 : tensor<8x1xf32>
    %rsq = arith.divf %ones, %sq : tensor<8x1xf32>
    %xs = arith.mulf %rsq, %ir : tensor<8x1xf32>
    pto.store_valid %xs, %x_norm_scale[%t, %c0] valid [%c1, %c1] : tensor<8x1xf32>, memref<8x1xf32>
    pto.store_valid %sq, %xn_scale[%t, %c0] valid [%c1, %c1] : tensor<8x1xf32>, memref<8x1xf32>
  }
  func.return
}
