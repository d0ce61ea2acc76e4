// Calibration case 65967b57, variant HEAD_TILE=HEAD_DIM=512: 64 tasks, one [1,512] tile.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_compressor_ratio4.py,
// scope softmax_pool of the ratio-4 KV compressor (decode), at commit 65967b57 (file
// identical in PR #624's 0614bf03). Measured on a2a3: softmax_pool span 37.8 us.
//
// head_tile_64.mlir with the 8-chunk head loop collapsed into one [1,512] tile per slot:
// per task a scalar read of the first position -> compress gate; a block-table read for
// the window's last token; 4 previous-window slots (gate p >= 0, one block-table read,
// front halves) and 3 current-window slots (one block-table read, back halves), 10
// vector ops on [1,512] each; one [1,512] store.
// Totals, full-window task: 9 scalar reads, 16 loads of 2 KiB, 1 store, 73 vector ops;
// current-window-only task: 5, 8, 1, 33; skipped task: 1 scalar read.
// Every column is computed by the same ops in the same order as in head_tile_64.mlir:
// the outputs are bit-identical.
func.func @softmax_pool(%start_pos: memref<64xi32>, %state_block_table: memref<64x65xi32>,
                        %state: memref<?x2048xf32>, %pooled: memref<64x512xf32>) {
  pto.spmd %b = 0 to 64 name "softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c512 = arith.constant 512 : index
    %c1024 = arith.constant 1024 : index
    %c1536 = arith.constant 1536 : index
    %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
    %start = arith.index_cast %start_i32 : i32 to index
    %pos = arith.remsi %start, %c4 : index
    %cur = arith.subi %start, %pos : index
    %prev = arith.subi %cur, %c4 : index
    %pos_s = arith.addi %pos, %c2 : index
    %gate = arith.cmpi sge, %pos_s, %c4 : index
    scf.if %gate {
      %last = arith.addi %cur, %c3 : index
      %last_blk = arith.divsi %last, %c4 : index
      %last_page_i32 = pto.read %state_block_table[%b, %last_blk] : memref<64x65xi32> -> i32
      %last_page = arith.index_cast %last_page_i32 : i32 to index
      %last_off = arith.remsi %last, %c4 : index
      %last_base = arith.muli %last_page, %c4 : index
      %last_row = arith.addi %last_base, %last_off : index
      %mi0 = pto.load %state[%last_row, %c1536] : memref<?x2048xf32> -> tensor<1x512xf32>
      %zero = arith.subf %mi0, %mi0 : tensor<1x512xf32>
      %li0 = math.exp %zero : tensor<1x512xf32>
      %oi0 = pto.load %state[%last_row, %c512] : memref<?x2048xf32> -> tensor<1x512xf32>
      %w1:3 = pto.range %s = %c0 to %c4 step %c1 iter_args(%mi = %mi0, %li = %li0, %oi = %oi0) -> (tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>) {
        %p = arith.addi %prev, %s : index
        %valid = arith.cmpi sge, %p, %c0 : index
        %upd:3 = scf.if %valid -> (tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>) {
          %blk = arith.divsi %p, %c4 : index
          %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
          %page = arith.index_cast %page_i32 : i32 to index
          %off = arith.remsi %p, %c4 : index
          %base = arith.muli %page, %c4 : index
          %r = arith.addi %base, %off : index
          %sc = pto.load %state[%r, %c1024] : memref<?x2048xf32> -> tensor<1x512xf32>
          %kv_t = pto.load %state[%r, %c0] : memref<?x2048xf32> -> tensor<1x512xf32>
          %m2 = arith.maximumf %mi, %sc : tensor<1x512xf32>
          %da = arith.subf %mi, %m2 : tensor<1x512xf32>
          %a = math.exp %da : tensor<1x512xf32>
          %de = arith.subf %sc, %m2 : tensor<1x512xf32>
          %e = math.exp %de : tensor<1x512xf32>
          %ali = arith.mulf %a, %li : tensor<1x512xf32>
          %li2 = arith.addf %ali, %e : tensor<1x512xf32>
          %oia = arith.mulf %oi, %a : tensor<1x512xf32>
          %kve = arith.mulf %kv_t, %e : tensor<1x512xf32>
          %oi2 = arith.addf %oia, %kve : tensor<1x512xf32>
          scf.yield %m2, %li2, %oi2 : tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>
        } else {
          scf.yield %mi, %li, %oi : tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>
        }
        pto.yield %upd#0, %upd#1, %upd#2 : tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>
      }
      %w2:3 = pto.range %s = %c0 to %c3 step %c1 iter_args(%mi = %w1#0, %li = %w1#1, %oi = %w1#2) -> (tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>) {
        %p = arith.addi %cur, %s : index
        %blk = arith.divsi %p, %c4 : index
        %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
        %page = arith.index_cast %page_i32 : i32 to index
        %off = arith.remsi %p, %c4 : index
        %base = arith.muli %page, %c4 : index
        %r = arith.addi %base, %off : index
        %sc = pto.load %state[%r, %c1536] : memref<?x2048xf32> -> tensor<1x512xf32>
        %kv_t = pto.load %state[%r, %c512] : memref<?x2048xf32> -> tensor<1x512xf32>
        %m2 = arith.maximumf %mi, %sc : tensor<1x512xf32>
        %da = arith.subf %mi, %m2 : tensor<1x512xf32>
        %a = math.exp %da : tensor<1x512xf32>
        %de = arith.subf %sc, %m2 : tensor<1x512xf32>
        %e = math.exp %de : tensor<1x512xf32>
        %ali = arith.mulf %a, %li : tensor<1x512xf32>
        %li2 = arith.addf %ali, %e : tensor<1x512xf32>
        %oia = arith.mulf %oi, %a : tensor<1x512xf32>
        %kve = arith.mulf %kv_t, %e : tensor<1x512xf32>
        %oi2 = arith.addf %oia, %kve : tensor<1x512xf32>
        pto.yield %m2, %li2, %oi2 : tensor<1x512xf32>, tensor<1x512xf32>, tensor<1x512xf32>
      }
      %out = arith.divf %w2#2, %w2#1 : tensor<1x512xf32>
      pto.store %out, %pooled[%b, %c0] : tensor<1x512xf32>, memref<64x512xf32>
    }
  }
  func.return
}
