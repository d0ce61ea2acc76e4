// Calibration case fec57dde, variant LINEAR_OK=8: 8 cube tasks, K slice 2048 each.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/hc_pre.py (the separate-scope
// implementation, HC_PRE_IMPL 'separate'), scope hc_pre_linear (hyper-connection pre-mix
// linear, decode), at commit fec57dde (refs/pull/804).
// Measured on a2a3 (inferred): hc_pre_linear kernel Exec 6.51 us (presumably the
// per-task average of the swimlane).
//
// Split-K FP32 matmul x [16, 16384] x hc_fn^T -> mixes_raw [16, 32]: task i takes the K
// slice [2048 i, 2048 i + 2048); a 2-stage pipelined runtime loop over its 8 K fragments
// of LINEAR_K_CHUNK = 256: load f32 [16,256] of x (8 valid rows of T = 8,
// pto.load_valid), load f32 [32,256] of hc_fn (24 valid rows of MIX_HC = 24,
// K-contiguous, used transposed: b_trans), matmul / matmul-accumulate into f32 [16,32].
// Totals per task: 16 loads (8 x 8 KiB valid x + 8 x 24 KiB valid hc_fn;
// 16 and 32 KiB as physical tiles), 8 matmuls, 1 atomic-add store of 2 KiB.
//
// The partial is atomic-added (pto.store ... atomic add; pypto-lib: an atomic-add
// store) into mixes_raw [16, 32], which the caller zero-seeds (here: inputs.py): all
// 8 tasks add into the same [16, 32] tile.
// Choices: x and hc_fn are padded in global memory to the tile rows (16 and 32; the pad
// rows are never moved).
// The accumulator chain is one loop, as the public code: a plain matmul at k == 0
// (scf.if), matmul-accumulates after; the carried accumulator starts as a zero tile
// that is never read (one fill; PyPTO's pl.create_tensor allocates it without an op).
func.func @hc_pre_linear(%x: memref<16x16384xf32>, %hc_fn: memref<32x16384xf32>,
                         %mixes_raw: memref<16x32xf32>) {
  pto.spmd %i = 0 to 8 name "hc_pre_linear" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c24 = arith.constant 24 : index
    %c256 = arith.constant 256 : index
    %cks = arith.constant 2048 : index
    %cnf = arith.constant 8 : index
    %kbase = arith.muli %i, %cks : index
    %acc0 = arith.constant dense<0.000000e+00> : tensor<16x32xf32>
    %r = pto.range %k = %c0 to %cnf step %c1 pipeline 2 iter_args(%a = %acc0) -> (tensor<16x32xf32>) {
      %kk = arith.muli %k, %c256 : index
      %k0 = arith.addi %kbase, %kk : index
      %xk = pto.load_valid %x[%c0, %k0] valid [%c8, %c256] pad zero : memref<16x16384xf32> -> tensor<16x256xf32>
      %hk = pto.load_valid %hc_fn[%c0, %k0] valid [%c24, %c256] pad zero : memref<32x16384xf32> -> tensor<32x256xf32>
      %first = arith.cmpi eq, %k, %c0 : index
      %a2 = scf.if %first -> (tensor<16x32xf32>) {
        %mm = pto.matmul %xk, %hk b_trans : tensor<16x256xf32>, tensor<32x256xf32> -> tensor<16x32xf32>
        scf.yield %mm : tensor<16x32xf32>
      } else {
        %ma = pto.matmul_acc %a, %xk, %hk b_trans : tensor<16x32xf32>, tensor<16x256xf32>, tensor<32x256xf32> -> tensor<16x32xf32>
        scf.yield %ma : tensor<16x32xf32>
      }
      pto.yield %a2 : tensor<16x32xf32>
    }
    pto.store %r, %mixes_raw[%c0, %c0] atomic add : tensor<16x32xf32>, memref<16x32xf32>
  }
  func.return
}
