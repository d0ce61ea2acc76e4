// Calibration case 1597f5c8, variant spmd over local experts: 16 tasks.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/combine.py (inlined into
// moe.py), scope combine_scatter, at commit 9f6ff0c3 (PR #473 branch; combine.py
// identical in 1597f5c8). Measured on a2a3: combine_scatter wall 37.7 us.
//
// pl.spmd(N_LOCAL = 16): block e zero-fills column block e of routed_y_buf
// [T = 128, N_LOCAL = 16, D = 4096] bf16 in 8 strided fills of 16 token rows
// ([16, 1, 4096]: 16 rows of 8 KiB, row stride 16 x 8 KiB), then scatters expert e's
// n_e received rows (a scalar read of n_e; per row a scalar read of the token id and a
// [1, 4096] bf16 row copy). Totals per task: 8 fills + 8 strided stores of 128 KiB
// (1 MiB zeroed), 1 + n_e scalar reads, n_e row loads + n_e row stores (about 48 rows,
// binomial; see inputs.py). Choices as in single_core.mlir (N_LOCAL = 16: the message's
// 16 blocks). The final buffer is bit-identical to single_core.mlir's.
func.func @combine_scatter(%recv_expert_count: memref<16xi32>, %recv_token_idx: memref<16x192xi32>,
                           %recv_y: memref<16x192x4096xbf16>,
                           %routed_y_buf: memref<128x16x4096xbf16>) {
  pto.spmd %e = 0 to 16 name "combine_scatter" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c16 = arith.constant 16 : index
    pto.range %tb = %c0 to %c8 step %c1 {
      %t0 = arith.muli %tb, %c16 : index
      %zero = arith.constant dense<0.000000e+00> : tensor<16x1x4096xbf16>
      pto.store %zero, %routed_y_buf[%t0, %e, %c0] : tensor<16x1x4096xbf16>, memref<128x16x4096xbf16>
    }
    %n_i32 = pto.read %recv_expert_count[%e] : memref<16xi32> -> i32
    %n = arith.index_cast %n_i32 : i32 to index
    pto.range %r = %c0 to %n step %c1 {
      %tid_i32 = pto.read %recv_token_idx[%e, %r] : memref<16x192xi32> -> i32
      %tid = arith.index_cast %tid_i32 : i32 to index
      %row = pto.load %recv_y[%e, %r, %c0] : memref<16x192x4096xbf16> -> tensor<1x1x4096xbf16>
      pto.store %row, %routed_y_buf[%tid, %e, %c0] : tensor<1x1x4096xbf16>, memref<128x16x4096xbf16>
    }
  }
  func.return
}
