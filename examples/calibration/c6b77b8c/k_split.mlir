// Calibration case c6b77b8c, variant K-split x4 (+1 reduce task): 4 cube tasks + 1 vector.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_indexer.py, scopes
// weights_proj and weights_proj_reduce, at commit c6b77b8c (refs/pull/749). Measured on
// a2a3, inside decode_layer: 4 x 8.03 us per partial task, plus a 2.64 us reduce task.
//
// pl.spmd(4) partial tasks (cube only): task i takes the K slice [1024 i, 1024 i + 1024),
// a runtime loop over its 2 fragments of 512 (x [16,512] with 8 valid rows, weights_proj
// [512,64], matmul / matmul-accumulate into f32 [16,64]; a plain range: a 2-iteration
// pl.pipeline(stage=2) miscompiled over matmul), and stores the accumulator straight to
// the weights_partial scratch in global memory (rows 16 i .. 16 i + 15; made by the
// kernel, pl.create_tensor: memref.alloc), no vector op.
// Then weights_proj_reduce, one pl.at(CORE_GROUP) vector task: load the 4 partials,
// add them in a trace-time unroll(3), multiply by WEIGHTS_SCALE, store f32 [16,64].
// Totals: partial task 4 loads, 2 matmuls, 1 store of 4 KiB; reduce task 4 loads,
// 4 vector ops, 1 store. (A zero-seed + atomic-add form raced; hence the reduce scope.)
//
// Shapes: T = 8 tokens (B = 8, S = 1) padded to a 16-row tile (MM_ROW_TILE): x is
// [16, 4096] bf16 in global memory (rows 8..15 padding) and every x tile is a [16, 512]
// tile with 8 valid rows (pto.load_valid, zero padding: only the 8 rows move);
// weights_proj is [4096, 64]
// bf16 (D x IDX_N_HEADS, row-major: a [512, N] tile is 512 rows of N * 2 bytes);
// weights is [16, 64] f32 (the padded tile is stored whole, 4 KiB).
// WEIGHTS_SCALE = index_head_dim^-0.5 x index_n_heads^-0.5 = 1 / (sqrt(128) x 8).
// The accumulator chain is one loop, as the public code: a plain matmul at k == 0
// (scf.if), matmul-accumulates after; the carried accumulator starts as a zero tile
// that is never read (one fill; PyPTO's pl.create_tensor allocates it without an op).
func.func @weights_proj(%x: memref<16x4096xbf16>, %wproj: memref<4096x64xbf16>,
                        %weights: memref<16x64xf32>) {
  %weights_partial = memref.alloc() : memref<64x64xf32>
  pto.spmd %i = 0 to 4 name "weights_proj" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c512 = arith.constant 512 : index
    %c1024 = arith.constant 1024 : index
    %kbase = arith.muli %i, %c1024 : index
    %acc0 = arith.constant dense<0.000000e+00> : tensor<16x64xf32>
    %r = pto.range %k = %c0 to %c2 step %c1 iter_args(%a = %acc0) -> (tensor<16x64xf32>) {
      %kk = arith.muli %k, %c512 : index
      %k0 = arith.addi %kbase, %kk : index
      %xk = pto.load_valid %x[%c0, %k0] valid [%c8, %c512] pad zero : memref<16x4096xbf16> -> tensor<16x512xbf16>
      %wk = pto.load %wproj[%k0, %c0] : memref<4096x64xbf16> -> tensor<512x64xbf16>
      %first = arith.cmpi eq, %k, %c0 : index
      %a2 = scf.if %first -> (tensor<16x64xf32>) {
        %mm = pto.matmul %xk, %wk : tensor<16x512xbf16>, tensor<512x64xbf16> -> tensor<16x64xf32>
        scf.yield %mm : tensor<16x64xf32>
      } else {
        %ma = pto.matmul_acc %a, %xk, %wk : tensor<16x64xf32>, tensor<16x512xbf16>, tensor<512x64xbf16> -> tensor<16x64xf32>
        scf.yield %ma : tensor<16x64xf32>
      }
      pto.yield %a2 : tensor<16x64xf32>
    }
    %row = arith.muli %i, %c16 : index
    pto.store %r, %weights_partial[%row, %c0] : tensor<16x64xf32>, memref<64x64xf32>
  }
  pto.spmd %t = 0 to 1 name "weights_proj_reduce" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %p0 = pto.load %weights_partial[%c0, %c0] : memref<64x64xf32> -> tensor<16x64xf32>
    %sum = pto.unroll %j = 0 to 3 iter_args(%s = %p0) -> (tensor<16x64xf32>) {
      %j1 = arith.addi %j, %c1 : index
      %row = arith.muli %j1, %c16 : index
      %p = pto.load %weights_partial[%row, %c0] : memref<64x64xf32> -> tensor<16x64xf32>
      %s2 = arith.addf %s, %p : tensor<16x64xf32>
      pto.yield %s2 : tensor<16x64xf32>
    }
    %scale = arith.constant 0.0110485433 : f32
    %o = pto.muls %sum, %scale : tensor<16x64xf32>, f32
    pto.store %o, %weights[%c0, %c0] : tensor<16x64xf32>, memref<16x64xf32>
  }
  func.return
}
