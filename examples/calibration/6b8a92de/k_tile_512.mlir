// Calibration case 6b8a92de, variant A_K_TILE=512: 64 mixed tasks, 8 K fragments of 512.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/prefill_sparse_attn.py,
// scope proj_a (grouped BF16 output projection o_packed x wo_a^T with a per-row amax
// epilogue, prefill sparse attention), never committed: 2c84b32b's code with
// A_K_TILE = 512 (inferred).
// Measured on a2a3 (L2 swimlane sweep): proj_a_aic 29.05 us.
//
// 64 tasks = O_GROUPS 8 x (O_LORA 1024 / A_N_TILE 128): task i takes group g = i // 8 and
// output block n = i % 8 (the grid order is a choice). Cube side: the first K fragment,
// then a 2-stage pipelined runtime loop over the remaining 7 fragments of 512 of the
// K chain over O_GROUP_IN = 4096: load bf16 [128,512] of the activation (group g's 128
// token rows, row stride 4096), load bf16 [128,512] of wo_a (128 output rows of group g,
// K-contiguous, 1024 B per row), matmul / matmul-accumulate with wo_a used transposed
// (b_trans) into an f32 [128,128] accumulator. The accumulator is handed to the vector
// side: a runtime loop over 4 slices of 32 tokens stores f32 [32,128] into o_r, takes
// |x| as max(x, -x) (neg + max), the row max [32,1], and stores the 32 amax values.
// Totals per task: 16 cube-side loads (8 x 128 KiB activation + 8 x 128 KiB weight), 8
// matmuls, 4 stores of 16 KiB + 4 of 128 B, 12 vector ops on [32,128].
//
// Layouts (choices): the activation o_packed is [O_GROUPS x T, 4096] bf16 (group-major,
// row stride 4096 as described); wo_a is [O_GROUPS x O_LORA, 4096] bf16; o_r is
// [T, O_GROUPS x O_LORA] f32; the amax partials are one f32 per (task, token), 128
// contiguous values per task: the [32,1] row max is stored through a [8192, 1] view of
// the [64, 128] buffer, so its 32 values are contiguous (the described [1,32] store of
// 128 B; a [32,1] -> [1,32] tile reshape is not in the dialect).
func.func @proj_a(%o_packed: memref<1024x4096xbf16>, %wo_a: memref<8192x4096xbf16>,
                  %o_r: memref<128x8192xf32>, %amax: memref<64x128xf32>) {
  %amax_flat = memref.collapse_shape %amax [[0, 1]] : memref<64x128xf32> into memref<8192xf32>
  %amax_col = memref.expand_shape %amax_flat [[0, 1]] output_shape [8192, 1] : memref<8192xf32> into memref<8192x1xf32>
  pto.spmd %i = 0 to 64 name "proj_a" core mix {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c32 = arith.constant 32 : index
    %c128 = arith.constant 128 : index
    %c1024 = arith.constant 1024 : index
    %ckt = arith.constant 512 : index
    %cnf = arith.constant 8 : index
    %g = arith.divsi %i, %c8 : index
    %n = arith.remsi %i, %c8 : index
    %arow = arith.muli %g, %c128 : index
    %gw = arith.muli %g, %c1024 : index
    %nw = arith.muli %n, %c128 : index
    %wrow = arith.addi %gw, %nw : index
    %acc = pto.section cube -> (tensor<128x128xf32>) {
      %a0 = pto.load %o_packed[%arow, %c0] : memref<1024x4096xbf16> -> tensor<128x512xbf16>
      %w0 = pto.load %wo_a[%wrow, %c0] : memref<8192x4096xbf16> -> tensor<128x512xbf16>
      %m0 = pto.matmul %a0, %w0 b_trans : tensor<128x512xbf16>, tensor<128x512xbf16> -> tensor<128x128xf32>
      %r = pto.range %k = %c1 to %cnf step %c1 pipeline 2 iter_args(%m = %m0) -> (tensor<128x128xf32>) {
        %k0 = arith.muli %k, %ckt : index
        %ak = pto.load %o_packed[%arow, %k0] : memref<1024x4096xbf16> -> tensor<128x512xbf16>
        %wk = pto.load %wo_a[%wrow, %k0] : memref<8192x4096xbf16> -> tensor<128x512xbf16>
        %m2 = pto.matmul_acc %m, %ak, %wk b_trans : tensor<128x128xf32>, tensor<128x512xbf16>, tensor<128x512xbf16> -> tensor<128x128xf32>
        pto.yield %m2 : tensor<128x128xf32>
      }
      pto.yield %r : tensor<128x128xf32>
    }
    %v = pto.handoff %acc from cube to vector : tensor<128x128xf32>
    pto.section vector {
      %abase = arith.muli %i, %c128 : index
      pto.range %s = %c0 to %c4 step %c1 {
        %t0 = arith.muli %s, %c32 : index
        %sl = tensor.extract_slice %v[%t0, 0] [32, 128] [1, 1] : tensor<128x128xf32> to tensor<32x128xf32>
        pto.store %sl, %o_r[%t0, %wrow] : tensor<32x128xf32>, memref<128x8192xf32>
        %neg = arith.negf %sl : tensor<32x128xf32>
        %abs = arith.maximumf %sl, %neg : tensor<32x128xf32>
        %rm = pto.row_max %abs : tensor<32x128xf32> -> tensor<32x1xf32>
        %arow2 = arith.addi %abase, %t0 : index
        pto.store %rm, %amax_col[%arow2, %c0] : tensor<32x1xf32>, memref<8192x1xf32>
      }
    }
  }
  func.return
}
