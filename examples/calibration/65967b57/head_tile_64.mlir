// Calibration case 65967b57, variant HEAD_TILE=64: 64 tasks, 8 head chunks of [1,64].
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_compressor_ratio4.py,
// scope softmax_pool of the ratio-4 KV compressor (decode), at commit 0e1f599f (the parent
// of 65967b57). Measured on a2a3 (same-session L2 swimlane A/B): softmax_pool span 45.5 us.
//
// The seed kernel's softmax_pool scope (examples/dsv4_compressor_ratio4/kernel.mlir), in
// its own standalone function: pl.spmd(B = 64), one batch per task. Per task: a scalar
// read of the batch's first position -> compress gate (start % 4 + 2 >= 4; false: the
// task ends); a scalar read of the block-table entry of the window's last token; a
// runtime loop over 8 head chunks of 64, each folding the previous window's 4 slots
// (gate p >= 0, one block-table read each, front halves) and the current window's 3
// slots (one block-table read each, back halves) into an online softmax [1,64].
// Totals, full-window task: 58 scalar reads, 128 loads of 256 B, 8 stores, 584 vector
// ops; current-window-only task: 26, 64, 8, 264; skipped task: 1 scalar read.
// row_of(b, p) = state_block_table[b, p // 4] * 4 + p % 4; state rows are
// kv front | kv back | score front | score back, 512 f32 each.
func.func @softmax_pool(%start_pos: memref<64xi32>, %state_block_table: memref<64x65xi32>,
                        %state: memref<?x2048xf32>, %pooled: memref<64x512xf32>) {
  pto.spmd %b = 0 to 64 name "softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %c64 = arith.constant 64 : index
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
      pto.range %hb = %c0 to %c8 step %c1 {
        %h0 = arith.muli %hb, %c64 : index
        %h_sc_back = arith.addi %h0, %c1536 : index
        %h_kv_back = arith.addi %h0, %c512 : index
        %h_sc_front = arith.addi %h0, %c1024 : index
        %mi0 = pto.load %state[%last_row, %h_sc_back] : memref<?x2048xf32> -> tensor<1x64xf32>
        %zero = arith.subf %mi0, %mi0 : tensor<1x64xf32>
        %li0 = math.exp %zero : tensor<1x64xf32>
        %oi0 = pto.load %state[%last_row, %h_kv_back] : memref<?x2048xf32> -> tensor<1x64xf32>
        %w1:3 = pto.range %s = %c0 to %c4 step %c1 iter_args(%mi = %mi0, %li = %li0, %oi = %oi0) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
          %p = arith.addi %prev, %s : index
          %valid = arith.cmpi sge, %p, %c0 : index
          %upd:3 = scf.if %valid -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
            %blk = arith.divsi %p, %c4 : index
            %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
            %page = arith.index_cast %page_i32 : i32 to index
            %off = arith.remsi %p, %c4 : index
            %base = arith.muli %page, %c4 : index
            %r = arith.addi %base, %off : index
            %sc = pto.load %state[%r, %h_sc_front] : memref<?x2048xf32> -> tensor<1x64xf32>
            %kv_t = pto.load %state[%r, %h0] : memref<?x2048xf32> -> tensor<1x64xf32>
            %m2 = arith.maximumf %mi, %sc : tensor<1x64xf32>
            %da = arith.subf %mi, %m2 : tensor<1x64xf32>
            %a = math.exp %da : tensor<1x64xf32>
            %de = arith.subf %sc, %m2 : tensor<1x64xf32>
            %e = math.exp %de : tensor<1x64xf32>
            %ali = arith.mulf %a, %li : tensor<1x64xf32>
            %li2 = arith.addf %ali, %e : tensor<1x64xf32>
            %oia = arith.mulf %oi, %a : tensor<1x64xf32>
            %kve = arith.mulf %kv_t, %e : tensor<1x64xf32>
            %oi2 = arith.addf %oia, %kve : tensor<1x64xf32>
            scf.yield %m2, %li2, %oi2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
          } else {
            scf.yield %mi, %li, %oi : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
          }
          pto.yield %upd#0, %upd#1, %upd#2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
        }
        %w2:3 = pto.range %s = %c0 to %c3 step %c1 iter_args(%mi = %w1#0, %li = %w1#1, %oi = %w1#2) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
          %p = arith.addi %cur, %s : index
          %blk = arith.divsi %p, %c4 : index
          %page_i32 = pto.read %state_block_table[%b, %blk] : memref<64x65xi32> -> i32
          %page = arith.index_cast %page_i32 : i32 to index
          %off = arith.remsi %p, %c4 : index
          %base = arith.muli %page, %c4 : index
          %r = arith.addi %base, %off : index
          %sc = pto.load %state[%r, %h_sc_back] : memref<?x2048xf32> -> tensor<1x64xf32>
          %kv_t = pto.load %state[%r, %h_kv_back] : memref<?x2048xf32> -> tensor<1x64xf32>
          %m2 = arith.maximumf %mi, %sc : tensor<1x64xf32>
          %da = arith.subf %mi, %m2 : tensor<1x64xf32>
          %a = math.exp %da : tensor<1x64xf32>
          %de = arith.subf %sc, %m2 : tensor<1x64xf32>
          %e = math.exp %de : tensor<1x64xf32>
          %ali = arith.mulf %a, %li : tensor<1x64xf32>
          %li2 = arith.addf %ali, %e : tensor<1x64xf32>
          %oia = arith.mulf %oi, %a : tensor<1x64xf32>
          %kve = arith.mulf %kv_t, %e : tensor<1x64xf32>
          %oi2 = arith.addf %oia, %kve : tensor<1x64xf32>
          pto.yield %m2, %li2, %oi2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
        }
        %out = arith.divf %w2#2, %w2#1 : tensor<1x64xf32>
        pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
      }
    }
  }
  func.return
}
