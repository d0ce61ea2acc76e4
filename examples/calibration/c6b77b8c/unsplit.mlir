// Calibration case c6b77b8c, variant unsplit: one CORE_GROUP task (mixed cube + vector).
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_indexer.py, scope
// weights_proj (indexer per-head weight projection x @ weights_proj, decode), at commit
// 4330732e (the parent of c6b77b8c). Measured on a2a3, inside decode_layer: 1 x 25.32 us
// per task (10.4 us standalone: strong contention from concurrent scopes).
//
// pl.at(CORE_GROUP): the cube side runs a 2-stage pipelined loop over the 8 K fragments
// of 512 (load x [16,512] with 8 valid rows, load weights_proj [512,64] = 64 KiB
// contiguous, matmul / matmul-accumulate into f32 [16,64]); the accumulator is handed to
// the vector side, which multiplies by WEIGHTS_SCALE and stores f32 [16,64].
// Totals: 16 loads (8 x 8 KiB valid + 8 x 64 KiB), 8 matmuls, 1 vector op, 1 store.
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
  pto.spmd %t = 0 to 1 name "weights_proj" core mix {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c512 = arith.constant 512 : index
    %acc = pto.section cube -> (tensor<16x64xf32>) {
      %acc0 = arith.constant dense<0.000000e+00> : tensor<16x64xf32>
      %r = pto.range %k = %c0 to %c8 step %c1 pipeline 2 iter_args(%a = %acc0) -> (tensor<16x64xf32>) {
        %k0 = arith.muli %k, %c512 : index
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
      pto.yield %r : tensor<16x64xf32>
    }
    %v = pto.handoff %acc from cube to vector : tensor<16x64xf32>
    pto.section vector {
      %scale = arith.constant 0.0110485433 : f32
      %o = pto.muls %v, %scale : tensor<16x64xf32>, f32
      pto.store %o, %weights[%c0, %c0] : tensor<16x64xf32>, memref<16x64xf32>
    }
  }
  func.return
}
