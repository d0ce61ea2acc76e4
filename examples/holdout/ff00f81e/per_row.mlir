// Holdout case ff00f81e, variant per row: 32 tasks, each copying its 32 window rows one by one.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_sparse_attn_swa.py,
// scope swa_gather_kv (the sparse-K gather of the SWA decode attention, inlined into
// decode_attention_swa.py), at commit ff00f81e^ (the parent of PR #775's ff00f81e).
// Measured on a2a3 (decode_attention_swa, --start-pos 8192, --enable-l2-swimlane 1):
// swa_gather_kv exec 17.6 us (per task, see case.toml).
//
// Sizes (FLASH config, decode harness defaults): B = 8 requests x S = 1 token, T = 8;
// WIN = 128 window rows per token; HEAD_DIM = 512 bf16 (one row = 1 KiB); BLOCK_SIZE
// = 128; 2 physical cache blocks per request, so ori_kv_flat is the paged KV cache
// viewed as [16 x 128 = 2048, 512] bf16 rows; swa_indices [T, WIN] i32 holds each
// window row's physical cache row (-1: none); swa_kv_flat [T x WIN = 1024, 512] bf16 is
// the gathered window the attention scope reads.
//
// pl.spmd(T x GATHER_SPLITS = 32): task i takes token t = i // 4 and the quarter
// q = i % 4 of its window, rows r = 32 q .. 32 q + 31. Per row (a runtime pl.range of 32
// iterations): a scalar read of swa_indices[t, r]; if it is >= 0, a [1, 512] bf16 row
// load of ori_kv_flat[slot] and a row store into swa_kv_flat[t x 128 + r]; else a zero
// [1, 512] row (pl.full, a fill per row as the public code writes it) stored there.
// Totals per task (start-pos 8192: every window slot is valid): 32 scalar reads, 32 row
// loads of one 1 KiB burst, 32 row stores of one 1 KiB burst, no fills.
//
// Choices: swa_kv_flat is a pl.create_tensor scratch of the public code; here it is the
// kernel's output argument (the attention scopes that read it are not in the kernel).
// The GM-to-GM slice assignment of the public code is a tile load plus a tile store (as
// PyPTO lowers a GM slice read and a GM slice write inside a scope). Nothing is
// approximated. Writes the same bits as bulk_runs.mlir.
func.func @swa_gather_kv(%ori_kv_flat: memref<2048x512xbf16>, %swa_indices: memref<8x128xi32>,
                         %swa_kv_flat: memref<1024x512xbf16>) {
  pto.spmd %i = 0 to 32 name "swa_gather_kv" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c32 = arith.constant 32 : index
    %c128 = arith.constant 128 : index
    %z_i32 = arith.constant 0 : i32
    %t = arith.divsi %i, %c4 : index
    %t4 = arith.muli %t, %c4 : index
    %q = arith.subi %i, %t4 : index
    %r0 = arith.muli %q, %c32 : index
    %base = arith.muli %t, %c128 : index
    pto.range %dr = %c0 to %c32 step %c1 {
      %r = arith.addi %r0, %dr : index
      %slot_i32 = pto.read %swa_indices[%t, %r] : memref<8x128xi32> -> i32
      %dst = arith.addi %base, %r : index
      %valid = arith.cmpi sge, %slot_i32, %z_i32 : i32
      scf.if %valid {
        %slot = arith.index_cast %slot_i32 : i32 to index
        %row = pto.load %ori_kv_flat[%slot, %c0] : memref<2048x512xbf16> -> tensor<1x512xbf16>
        pto.store %row, %swa_kv_flat[%dst, %c0] : tensor<1x512xbf16>, memref<1024x512xbf16>
      } else {
        %zrow = arith.constant dense<0.000000e+00> : tensor<1x512xbf16>
        pto.store %zrow, %swa_kv_flat[%dst, %c0] : tensor<1x512xbf16>, memref<1024x512xbf16>
      }
    }
  }
  func.return
}
