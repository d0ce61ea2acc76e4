// Calibration case c6b77b8c, variant N-split x4 (rejected): 4 mixed tasks of 16 columns.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_indexer.py, scope
// weights_proj; never committed: described in the c6b77b8c message only ('Measured
// 4 x 47.6us in decode_layer, worse than the unsplit 25.3us'). The workload is inferred
// from the unsplit code (4330732e) with N split into 16-column slices.
//
// Task n: the unsplit body on output columns [16n, 16n + 16): per K fragment a [16,512]
// x tile (8 valid rows) and a [512,16] column slice of weights_proj (512 rows of 32 B
// at a 128 B stride: per the message every task still pulls the whole 512 KB through
// the cache lines), matmul / matmul-accumulate into f32 [16,16]; the vector side scales
// and stores f32 [16,16]. Totals per task: 16 loads, 8 matmuls, 1 vector op, 1 store.
// Choice: the loop form was not recorded; the unsplit one (pipeline 2) is kept.
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
  pto.spmd %n = 0 to 4 name "weights_proj" core mix {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c512 = arith.constant 512 : index
    %n0 = arith.muli %n, %c16 : index
    %acc = pto.section cube -> (tensor<16x16xf32>) {
      %acc0 = arith.constant dense<0.000000e+00> : tensor<16x16xf32>
      %r = pto.range %k = %c0 to %c8 step %c1 pipeline 2 iter_args(%a = %acc0) -> (tensor<16x16xf32>) {
        %k0 = arith.muli %k, %c512 : index
        %xk = pto.load_valid %x[%c0, %k0] valid [%c8, %c512] pad zero : memref<16x4096xbf16> -> tensor<16x512xbf16>
        %wk = pto.load %wproj[%k0, %n0] : memref<4096x64xbf16> -> tensor<512x16xbf16>
        %first = arith.cmpi eq, %k, %c0 : index
        %a2 = scf.if %first -> (tensor<16x16xf32>) {
          %mm = pto.matmul %xk, %wk : tensor<16x512xbf16>, tensor<512x16xbf16> -> tensor<16x16xf32>
          scf.yield %mm : tensor<16x16xf32>
        } else {
          %ma = pto.matmul_acc %a, %xk, %wk : tensor<16x16xf32>, tensor<16x512xbf16>, tensor<512x16xbf16> -> tensor<16x16xf32>
          scf.yield %ma : tensor<16x16xf32>
        }
        pto.yield %a2 : tensor<16x16xf32>
      }
      pto.yield %r : tensor<16x16xf32>
    }
    %v = pto.handoff %acc from cube to vector : tensor<16x16xf32>
    pto.section vector {
      %scale = arith.constant 0.0110485433 : f32
      %o = pto.muls %v, %scale : tensor<16x16xf32>, f32
      pto.store %o, %weights[%c0, %n0] : tensor<16x16xf32>, memref<16x64xf32>
    }
  }
  func.return
}
