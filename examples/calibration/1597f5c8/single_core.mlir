// Calibration case 1597f5c8, variant single-core combine_scatter: 1 task.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/combine.py (inlined into
// moe.py), scope combine_scatter of the MoE combine (decode, single-card EP), at commit
// 53c997b5 (the parent of PR #473's 9f6ff0c3). Measured on a2a3: combine_scatter wall
// 379.5 us.
//
// One pl.at(CORE_GROUP) task: zero-fill the whole dense buffer routed_y_buf
// [T = 128, N_LOCAL = 16, D = 4096] bf16 in 128 contiguous fills of 16 rows (one token's
// 16 expert rows = [1, 16, 4096], 128 KiB each), then, for every local expert e, read
// its received row count n_e and scatter its n_e output rows: per row a scalar read of
// the token id and a [1, 4096] bf16 row copy recv_y[e, r] -> routed_y_buf[token, e].
// Totals: 128 fills + 128 stores of 128 KiB (16 MiB zeroed), 16 + 768 scalar reads,
// 768 row loads + 768 row stores of 8 KiB (hash-routed fixture, see inputs.py).
//
// Choices: N_LOCAL = 16 (RECV_MAX = 192), as the message's '16-block' spmd implies
// (EP_WORLD_SIZE 16; the committed config would give 32 local experts). The expert
// outputs are [N_LOCAL, RECV_MAX, D] with expert e's received rows first, in token order.
func.func @combine_scatter(%recv_expert_count: memref<16xi32>, %recv_token_idx: memref<16x192xi32>,
                           %recv_y: memref<16x192x4096xbf16>,
                           %routed_y_buf: memref<128x16x4096xbf16>) {
  pto.spmd %g = 0 to 1 name "combine_scatter" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %c128 = arith.constant 128 : index
    pto.range %t = %c0 to %c128 step %c1 {
      %zero = arith.constant dense<0.000000e+00> : tensor<1x16x4096xbf16>
      pto.store %zero, %routed_y_buf[%t, %c0, %c0] : tensor<1x16x4096xbf16>, memref<128x16x4096xbf16>
    }
    pto.range %e = %c0 to %c16 step %c1 {
      %n_i32 = pto.read %recv_expert_count[%e] : memref<16xi32> -> i32
      %n = arith.index_cast %n_i32 : i32 to index
      pto.range %r = %c0 to %n step %c1 {
        %tid_i32 = pto.read %recv_token_idx[%e, %r] : memref<16x192xi32> -> i32
        %tid = arith.index_cast %tid_i32 : i32 to index
        %row = pto.load %recv_y[%e, %r, %c0] : memref<16x192x4096xbf16> -> tensor<1x1x4096xbf16>
        pto.store %row, %routed_y_buf[%tid, %e, %c0] : tensor<1x1x4096xbf16>, memref<128x16x4096xbf16>
      }
    }
  }
  func.return
}
