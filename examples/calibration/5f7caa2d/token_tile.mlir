// Calibration case 5f7caa2d, variant per token tile: 32 tasks of 4 tokens x 384 slots.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/prefill_sparse_attn.py,
// scope prefill_hca_overlay_gather_kv_tile (prefill sparse attention), loop structure of
// commit 21369e67 (the parent of 5f7caa2d) with the commit's slot geometry (3 sparse
// blocks of 128 = 384 padded slots): the measured run evidently used it (per-task time
// ratio 232.60 / 78.92 = 2.95 for 3x the slots); this variant was never committed as
// measured. Measured on a2a3 (inferred): 32 x 232.60 us per task.
//
// pl.parallel(0, T, 4) + pl.at(CORE_GROUP): task j takes tokens 4j .. 4j+3; a zero row
// is filled once per task; per token a scalar read of token_to_request, then a 4-stage
// pipelined runtime loop over the 384 padded sparse slots: a scalar read of the raw
// index and one row store (a row copy or the zero row). As described, every padded slot
// reads its index (raw_idx is [T, SPARSE_PAD], its last 64 columns -1).
// Totals per task (default fixture): 4 + 1536 scalar reads, 16j + 10 overlay row copies,
// 1526 - 16j zero-row stores.
//
// Slot semantics (raw index idx of token t, padded slot s; WIN = 128): idx < 0 -> store
// the zero row; [0, WIN) -> ring row through the ring block table (+1 scalar read);
// [WIN, WIN + 128) -> row idx - WIN of the current-suffix overlay; beyond -> compressed
// row idx - WIN - 128 through the compressed block table (+1 scalar read). The output
// sparse_kv is [T, SPARSE_PAD, 512] bf16.
// Choices: the ring and compressed caches are paged, [pages, 128, 512] bf16, the overlay
// is [1, 128, 512] (one request); pages of 128 rows (the default fixture
// never reaches those branches, so their layout does not change the measured work);
// the token gate t < num_tokens (128 of 128, always true) is left out.
func.func @prefill_gather_kv(%token_to_request: memref<128xi32>, %raw_idx: memref<128x384xi32>,
                                %ring_block_table: memref<1x1xi32>, %ring_kv: memref<1x128x512xbf16>,
                                %kv_overlay: memref<1x128x512xbf16>,
                                %cmp_block_table: memref<1x2xi32>, %cmp_kv: memref<2x128x512xbf16>,
                                %sparse_kv: memref<128x384x512xbf16>) {
  pto.spmd %j = 0 to 32 name "prefill_hca_overlay_gather_kv" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c128 = arith.constant 128 : index
    %c256 = arith.constant 256 : index
    %c384 = arith.constant 384 : index
    %zrow = arith.constant dense<0.000000e+00> : tensor<1x1x512xbf16>
    %t0 = arith.muli %j, %c4 : index
    pto.range %k = %c0 to %c4 step %c1 {
      %t = arith.addi %t0, %k : index
      %req_i32 = pto.read %token_to_request[%t] : memref<128xi32> -> i32
      %req = arith.index_cast %req_i32 : i32 to index
      pto.range %s = %c0 to %c384 step %c1 pipeline 4 {
        %idx_i32 = pto.read %raw_idx[%t, %s] : memref<128x384xi32> -> i32
        %idx = arith.index_cast %idx_i32 : i32 to index
        %is_pad = arith.cmpi slt, %idx, %c0 : index
        scf.if %is_pad {
          pto.store %zrow, %sparse_kv[%t, %s, %c0] : tensor<1x1x512xbf16>, memref<128x384x512xbf16>
        } else {
          %is_ring = arith.cmpi slt, %idx, %c128 : index
          scf.if %is_ring {
            %rblk = arith.divsi %idx, %c128 : index
            %rpage_i32 = pto.read %ring_block_table[%req, %rblk] : memref<1x1xi32> -> i32
            %rpage = arith.index_cast %rpage_i32 : i32 to index
            %roff = arith.remsi %idx, %c128 : index
            %rv = pto.load %ring_kv[%rpage, %roff, %c0] : memref<1x128x512xbf16> -> tensor<1x1x512xbf16>
            pto.store %rv, %sparse_kv[%t, %s, %c0] : tensor<1x1x512xbf16>, memref<128x384x512xbf16>
          } else {
            %is_overlay = arith.cmpi slt, %idx, %c256 : index
            scf.if %is_overlay {
              %orow = arith.subi %idx, %c128 : index
              %ov = pto.load %kv_overlay[%c0, %orow, %c0] : memref<1x128x512xbf16> -> tensor<1x1x512xbf16>
              pto.store %ov, %sparse_kv[%t, %s, %c0] : tensor<1x1x512xbf16>, memref<128x384x512xbf16>
            } else {
              %ci = arith.subi %idx, %c256 : index
              %cblk = arith.divsi %ci, %c128 : index
              %cpage_i32 = pto.read %cmp_block_table[%req, %cblk] : memref<1x2xi32> -> i32
              %cpage = arith.index_cast %cpage_i32 : i32 to index
              %coff = arith.remsi %ci, %c128 : index
              %cv = pto.load %cmp_kv[%cpage, %coff, %c0] : memref<2x128x512xbf16> -> tensor<1x1x512xbf16>
              pto.store %cv, %sparse_kv[%t, %s, %c0] : tensor<1x1x512xbf16>, memref<128x384x512xbf16>
            }
          }
        }
      }
    }
  }
  func.return
}
