// Calibration case 795715d7, variant QR_N_TILE=256 (ON=4, OK=2): 8 cube tasks.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/qkv_proj_rope.py, scope
// qr_proj_matmul (split-K query low-rank projection x @ wq_a, decode), at commit
// 795715d7 (refs/pull/676).
// Measured on a2a3 (seeded decode, median of 7): the whole isolated qkv_proj_rope
// leaf, 167.1 us (this scope is one of several in that leaf).
//
// pl.spmd(ON x OK): task i takes the N group n = i // 2 of 256 columns and the K slice
// k = i % 2 of QR_K_SLICE = 2048 (the grid order is a choice); a runtime loop over the
// one 16-row M tile, then a 2-stage pipelined runtime loop over the 8 K fragments of
// QR_K_TILE = 256: load bf16 [16,256] of x (8 valid
// rows of T = 8, pto.load_valid), load bf16 [256,256] of wq_a (row stride 2 KiB,
// 512 B per row), matmul / matmul-accumulate into f32 [16,256]; atomic-add the partial.
// Totals per task: 16 cube-side loads (8 x 4 KiB valid x + 8 x 128 KiB), 8 matmuls, 1 atomic-add
// store of 16 KiB.
//
// The partial is atomic-added (pto.store ... atomic add; pypto-lib: pl.store(...,
// atomic=pl.AtomicType.Add)) into the f32 qr buffer [16, 1024], which the leaf's
// qr_proj_seed scope zero-seeds before this scope (here: inputs.py); the two K slices
// of an N group add into the same window.
// The accumulator chain is one loop, as the public code: a plain matmul at k == 0
// (scf.if), matmul-accumulates after; the carried accumulator starts as a zero tile
// that is never read (one fill; PyPTO's pl.create_tensor allocates it without an op).
func.func @qr_proj_matmul(%x: memref<16x4096xbf16>, %wq_a: memref<4096x1024xbf16>,
                          %qr_fp32: memref<16x1024xf32>) {
  pto.spmd %i = 0 to 8 name "qr_proj_matmul" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    %c256 = arith.constant 256 : index
    %c2048 = arith.constant 2048 : index
    %ctn = arith.constant 256 : index
    %n = arith.divsi %i, %c2 : index
    %ks = arith.remsi %i, %c2 : index
    %n0 = arith.muli %n, %ctn : index
    %kbase = arith.muli %ks, %c2048 : index
    pto.range %mt = %c0 to %c1 step %c1 {
      %m0 = arith.muli %mt, %c16 : index
      %acc0 = arith.constant dense<0.000000e+00> : tensor<16x256xf32>
      %r = pto.range %k = %c0 to %c8 step %c1 pipeline 2 iter_args(%a = %acc0) -> (tensor<16x256xf32>) {
        %kk = arith.muli %k, %c256 : index
        %k0 = arith.addi %kbase, %kk : index
        %xk = pto.load_valid %x[%m0, %k0] valid [%c8, %c256] pad zero : memref<16x4096xbf16> -> tensor<16x256xbf16>
        %wk = pto.load %wq_a[%k0, %n0] : memref<4096x1024xbf16> -> tensor<256x256xbf16>
        %first = arith.cmpi eq, %k, %c0 : index
        %a2 = scf.if %first -> (tensor<16x256xf32>) {
          %mm = pto.matmul %xk, %wk : tensor<16x256xbf16>, tensor<256x256xbf16> -> tensor<16x256xf32>
          scf.yield %mm : tensor<16x256xf32>
        } else {
          %ma = pto.matmul_acc %a, %xk, %wk : tensor<16x256xf32>, tensor<16x256xbf16>, tensor<256x256xbf16> -> tensor<16x256xf32>
          scf.yield %ma : tensor<16x256xf32>
        }
        pto.yield %a2 : tensor<16x256xf32>
      }
      pto.store %r, %qr_fp32[%m0, %n0] atomic add : tensor<16x256xf32>, memref<16x1024xf32>
    }
  }
  func.return
}
