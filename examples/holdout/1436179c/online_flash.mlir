// Holdout case 1436179c, variant online flash: 8 tasks, each a 127-step serial online softmax.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/prefill_compressor_ratio128.py,
// scope prefill_hca_c128_softmax_pool (the pool of the ratio-128 HCA prefill compressor),
// at commit bd278e87 (the parent of 1436179c). Measured on a2a3 (NPU, real weights, the
// file's standalone run): softmax_pool 153 us (span or per-task exec not stated; see
// case.toml).
//
// Sizes at the harness defaults (FLASH config, PREFILL_BATCH 1 x PREFILL_SEQ 128):
// T = 128 tokens, COMPRESS_RATIO = STATE_LEN = 128, HEAD_DIM = OUT_DIM = 512,
// HEAD_CHUNK = 64 (8 head blocks), MAX_CMP_WRITES = T / 128 = 1, so
// PACKED_C128_POOL_BLOCKS = 1 x 8 = 8 tasks. State caches [1024, 8, 512] f32
// (HCA_STATE_BLOCK_SIZE 8, MAX_SEQ_LEN 8192 / 8 blocks), viewed as [8192, 512] rows.
// Fixture (--start-pos 0): positions 0..127, num_tokens = 128, only token 127 has a
// compressed write (cmp_slot_mapping[127] = 0), every block-table entry >= 0.
//
// pl.spmd(8): task p takes write_i = p / 8 (= 0) and head block hb = p - 8 write_i,
// h0 = 64 hb. Per task, in source order:
// 1. write discovery: a runtime loop over the 128 tokens (token < num_tokens, then a
//    scalar read of cmp_slot_mapping[t] (i64); when >= 0 and the count of writes seen so
//    far equals write_i, keep the token and its slot; count it). Carried: 3 scalars
//    (the kept slot and token are an intended carry: {pto.intended_carry}).
// 2. gate slot >= 0 (true for every task); a scalar read of position_ids[write_token]
//    (write_pos = 127).
// 3. window seed: two zero tiles [128,64] f32 (the pool tiles, on chip); a runtime loop
//    over the 128 window slots i: two zero rows [1,64] (pl.full) written into row i of
//    both tiles; block = (write_pos + 1 - 128 + i) / 8, a scalar read of
//    compress_state_block_table[block] (i32); when >= 0: load kv_state row
//    page * 8 + intra, cols h0:+64 ([1,64] f32, 256 B) into row i of the kv tile, the same
//    of score_state into the score tile.
// 4. overlay: a runtime loop over the 128 tokens: token < num_tokens, a scalar read of
//    position_ids[t]; when pos <= write_pos: slot = pos % 128, load ape[slot, h0:+64],
//    load score_proj[t, h0:+64], add; load kv_proj[t, h0:+64]; write kv into row slot of
//    the kv tile and the sum into row slot of the score tile.
// 5. online softmax: three [1,64] buffers (mi, li, oi; zero tiles): mi <- score row 127,
//    li <- exp(mi - mi), oi <- kv row 127; a runtime loop over slots 0..126: read the three
//    buffers and the slot's score and kv rows, then max, sub, exp, sub, exp, mul, add, mul,
//    mul, add (10 ops on [1,64]), and write mi, li, oi back into their buffers.
// 6. store oi / li ([1,64] f32) into pooled_kv_pad[write_i, h0:+64].
// The else branch of the gate (no write for this write_i: copy the row onto itself,
// load + store) is kept; the fixture never takes it.
// Totals per task (fixture): 385 scalar reads (128 + 1 + 128 + 128); 640 loads of one
// 256 B burst (256 state rows, 384 ape / score_proj / kv_proj rows); 1 store of 256 B;
// vector ops: 2 fills [128,64]; window 128 x (2 fills [1,64] + 4 row inserts into a
// [128,64] tile); overlay 128 x (1 add + 2 row inserts); flash seed 3 fills [1,64],
// 2 row extracts, 3 buffer writes, 2 buffer reads, sub, exp; flash loop 127 x (3 buffer
// reads, 2 row extracts, 10 ops, 3 buffer writes); final 2 buffer reads + div.
//
// Choices: num_tokens is a pl.Scalar of the @pl.jit entry, which PyPTO specialises to
// the literal 128 (so `t < num_tokens` compares with a constant); kv_proj / score_proj
// (written by the projection scope), the state caches (the kernel's inputs; zeros at
// start_pos 0) and pooled_kv_pad (zeroed by the norm_pad_init scope) are arguments, as
// only the measured scope is in the kernel. The on-chip pool tiles and the mi/li/oi
// buffers are written and read by row slices as the code writes them: a GM row loaded
// then put into a tile row (tensor.insert_slice), a buffer read (tensor.extract_slice of
// the whole [1,64] buffer) and a buffer write (tensor.insert_slice of the whole buffer);
// whether PyPTO turns the whole-buffer slices into free views is not known, and they are
// kept. Approximated: PyPTO's pl.create_tensor inside a scope allocates a tile without an
// op, while here the two pool tiles and the three mi/li/oi buffers start as zero
// constants, recorded as fills (2 of [128,64] and 3 of [1,64] per task that the public
// code does not have; the pl.full rows are real fills). Nothing else is approximated.
func.func @prefill_hca_c128_softmax_pool(%kv_proj: memref<128x512xf32>, %score_proj: memref<128x512xf32>,
                                         %ape: memref<128x512xf32>,
                                         %kv_state: memref<1024x8x512xf32>, %score_state: memref<1024x8x512xf32>,
                                         %compress_state_block_table: memref<1024xi32>,
                                         %position_ids: memref<128xi32>, %cmp_slot_mapping: memref<128xi64>,
                                         %pooled_kv_pad: memref<8x512xf32>) {
  %kv_rows = memref.collapse_shape %kv_state [[0, 1], [2]] : memref<1024x8x512xf32> into memref<8192x512xf32>
  %score_rows = memref.collapse_shape %score_state [[0, 1], [2]] : memref<1024x8x512xf32> into memref<8192x512xf32>
  pto.spmd %p = 0 to 8 name "prefill_hca_c128_softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c64 = arith.constant 64 : index
    %c127 = arith.constant 127 : index
    %c128 = arith.constant 128 : index
    %c0_i32 = arith.constant 0 : i32
    %c128_i32 = arith.constant 128 : i32
    %c0_i64 = arith.constant 0 : i64
    %cm1_i64 = arith.constant -1 : i64
    %write_i = arith.divsi %p, %c8 : index
    %wbase = arith.muli %write_i, %c8 : index
    %hb = arith.subi %p, %wbase : index
    %h0 = arith.muli %hb, %c64 : index
    %kv_tile0 = arith.constant dense<0.000000e+00> : tensor<128x64xf32>
    %sc_tile0 = arith.constant dense<0.000000e+00> : tensor<128x64xf32>
    // 1. which token makes the write_i-th compressed write
    %seen, %wslot, %wtok = pto.range %s = %c0 to %c128 step %c1
        iter_args(%n = %c0, %sl = %cm1_i64, %tk = %c0) -> (index, i64, index) {
      %live = arith.cmpi slt, %s, %c128 : index
      %r:3 = scf.if %live -> (index, i64, index) {
        %m = pto.read %cmp_slot_mapping[%s] : memref<128xi64> -> i64
        %is_w = arith.cmpi sge, %m, %c0_i64 : i64
        %q:3 = scf.if %is_w -> (index, i64, index) {
          %mine = arith.cmpi eq, %n, %write_i : index
          %pick:2 = scf.if %mine -> (i64, index) {
            scf.yield %m, %s : i64, index
          } else {
            scf.yield %sl, %tk : i64, index
          }
          %n1 = arith.addi %n, %c1 : index
          scf.yield %n1, %pick#0, %pick#1 : index, i64, index
        } else {
          scf.yield %n, %sl, %tk : index, i64, index
        }
        scf.yield %q#0, %q#1, %q#2 : index, i64, index
      } else {
        scf.yield %n, %sl, %tk : index, i64, index
      }
      pto.yield %r#0, %r#1, %r#2 : index, i64, index
    } {pto.intended_carry = [1, 2]}
    %has_write = arith.cmpi sge, %wslot, %c0_i64 : i64
    scf.if %has_write {
      %wpos = pto.read %position_ids[%wtok] : memref<128xi32> -> i32
      %wpos_idx = arith.index_cast %wpos : i32 to index
      %wnext = arith.addi %wpos_idx, %c1 : index
      %wstart = arith.subi %wnext, %c128 : index
      // 3. seed the window from the state cache
      %seed:2 = pto.range %i = %c0 to %c128 step %c1
          iter_args(%kt = %kv_tile0, %st = %sc_tile0) -> (tensor<128x64xf32>, tensor<128x64xf32>) {
        %zk = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
        %kt1 = tensor.insert_slice %zk into %kt[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
        %zs = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
        %st1 = tensor.insert_slice %zs into %st[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
        %abs = arith.addi %wstart, %i : index
        %blk = arith.divsi %abs, %c8 : index
        %blk8 = arith.muli %blk, %c8 : index
        %intra = arith.subi %abs, %blk8 : index
        %page = pto.read %compress_state_block_table[%blk] : memref<1024xi32> -> i32
        %mapped = arith.cmpi sge, %page, %c0_i32 : i32
        %u:2 = scf.if %mapped -> (tensor<128x64xf32>, tensor<128x64xf32>) {
          %page_idx = arith.index_cast %page : i32 to index
          %pbase = arith.muli %page_idx, %c8 : index
          %row = arith.addi %pbase, %intra : index
          %kvr = pto.load %kv_rows[%row, %h0] : memref<8192x512xf32> -> tensor<1x64xf32>
          %kt2 = tensor.insert_slice %kvr into %kt1[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
          %scr = pto.load %score_rows[%row, %h0] : memref<8192x512xf32> -> tensor<1x64xf32>
          %st2 = tensor.insert_slice %scr into %st1[%i, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
          scf.yield %kt2, %st2 : tensor<128x64xf32>, tensor<128x64xf32>
        } else {
          scf.yield %kt1, %st1 : tensor<128x64xf32>, tensor<128x64xf32>
        }
        pto.yield %u#0, %u#1 : tensor<128x64xf32>, tensor<128x64xf32>
      }
      // 4. overlay this chunk's tokens (projection + ape) onto their window slots
      %win:2 = pto.range %t = %c0 to %c128 step %c1
          iter_args(%kt = %seed#0, %st = %seed#1) -> (tensor<128x64xf32>, tensor<128x64xf32>) {
        %live = arith.cmpi slt, %t, %c128 : index
        %a:2 = scf.if %live -> (tensor<128x64xf32>, tensor<128x64xf32>) {
          %pos = pto.read %position_ids[%t] : memref<128xi32> -> i32
          %in_win = arith.cmpi sle, %pos, %wpos : i32
          %b:2 = scf.if %in_win -> (tensor<128x64xf32>, tensor<128x64xf32>) {
            %slot_i32 = arith.remsi %pos, %c128_i32 : i32
            %slot = arith.index_cast %slot_i32 : i32 to index
            %ape_row = pto.load %ape[%slot, %h0] : memref<128x512xf32> -> tensor<1x64xf32>
            %sp = pto.load %score_proj[%t, %h0] : memref<128x512xf32> -> tensor<1x64xf32>
            %sc = arith.addf %sp, %ape_row : tensor<1x64xf32>
            %kp = pto.load %kv_proj[%t, %h0] : memref<128x512xf32> -> tensor<1x64xf32>
            %kt1 = tensor.insert_slice %kp into %kt[%slot, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
            %st1 = tensor.insert_slice %sc into %st[%slot, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
            scf.yield %kt1, %st1 : tensor<128x64xf32>, tensor<128x64xf32>
          } else {
            scf.yield %kt, %st : tensor<128x64xf32>, tensor<128x64xf32>
          }
          scf.yield %b#0, %b#1 : tensor<128x64xf32>, tensor<128x64xf32>
        } else {
          scf.yield %kt, %st : tensor<128x64xf32>, tensor<128x64xf32>
        }
        pto.yield %a#0, %a#1 : tensor<128x64xf32>, tensor<128x64xf32>
      }
      // 5. online softmax over the slots: slot 127 seeds, slots 0..126 fold in order
      %mi_buf0 = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
      %li_buf0 = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
      %oi_buf0 = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
      %sc_last = tensor.extract_slice %win#1[127, 0] [1, 64] [1, 1] : tensor<128x64xf32> to tensor<1x64xf32>
      %mi_buf1 = tensor.insert_slice %sc_last into %mi_buf0[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x64xf32>
      %mi_a = tensor.extract_slice %mi_buf1[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
      %mi_b = tensor.extract_slice %mi_buf1[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
      %zero = arith.subf %mi_a, %mi_b : tensor<1x64xf32>
      %one = math.exp %zero : tensor<1x64xf32>
      %li_buf1 = tensor.insert_slice %one into %li_buf0[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x64xf32>
      %kv_last = tensor.extract_slice %win#0[127, 0] [1, 64] [1, 1] : tensor<128x64xf32> to tensor<1x64xf32>
      %oi_buf1 = tensor.insert_slice %kv_last into %oi_buf0[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x64xf32>
      %fold:3 = pto.range %j = %c0 to %c127 step %c1
          iter_args(%mb = %mi_buf1, %lb = %li_buf1, %ob = %oi_buf1) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
        %mi = tensor.extract_slice %mb[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
        %li = tensor.extract_slice %lb[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
        %oi = tensor.extract_slice %ob[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
        %s_sc = tensor.extract_slice %win#1[%j, 0] [1, 64] [1, 1] : tensor<128x64xf32> to tensor<1x64xf32>
        %s_kv = tensor.extract_slice %win#0[%j, 0] [1, 64] [1, 1] : tensor<128x64xf32> to tensor<1x64xf32>
        %mx = arith.maximumf %mi, %s_sc : tensor<1x64xf32>
        %d_old = arith.subf %mi, %mx : tensor<1x64xf32>
        %alpha = math.exp %d_old : tensor<1x64xf32>
        %d_new = arith.subf %s_sc, %mx : tensor<1x64xf32>
        %beta = math.exp %d_new : tensor<1x64xf32>
        %la = arith.mulf %alpha, %li : tensor<1x64xf32>
        %ln = arith.addf %la, %beta : tensor<1x64xf32>
        %oa = arith.mulf %oi, %alpha : tensor<1x64xf32>
        %kb = arith.mulf %s_kv, %beta : tensor<1x64xf32>
        %on = arith.addf %oa, %kb : tensor<1x64xf32>
        %mb1 = tensor.insert_slice %mx into %mb[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x64xf32>
        %lb1 = tensor.insert_slice %ln into %lb[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x64xf32>
        %ob1 = tensor.insert_slice %on into %ob[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<1x64xf32>
        pto.yield %mb1, %lb1, %ob1 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
      }
      // 6. pooled row
      %o_fin = tensor.extract_slice %fold#2[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
      %l_fin = tensor.extract_slice %fold#1[0, 0] [1, 64] [1, 1] : tensor<1x64xf32> to tensor<1x64xf32>
      %pooled = arith.divf %o_fin, %l_fin : tensor<1x64xf32>
      pto.store %pooled, %pooled_kv_pad[%write_i, %h0] : tensor<1x64xf32>, memref<8x512xf32>
    } else {
      %keep = pto.load %pooled_kv_pad[%write_i, %h0] : memref<8x512xf32> -> tensor<1x64xf32>
      pto.store %keep, %pooled_kv_pad[%write_i, %h0] : tensor<1x64xf32>, memref<8x512xf32>
    }
  }
  func.return
}
