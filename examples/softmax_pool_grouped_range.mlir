// HAZARD (do not run on hardware): the seed's softmax_pool grouped by a *runtime*
// loop, POOL_GROUP = G = 2: 32 tasks, each running `pto.range %j = 0 to 2` over its
// two batches b = g * 2 + j.
//
// This is the form the seed's author feared. When the batch loop is a runtime loop,
// PyPTO's SSA conversion makes the online-softmax accumulators mi, li, oi loop-carried
// (they exist before the loop), so they become iter_args of the batch loop: the gate
// `scf.if %gate` yields the freshly computed accumulators when this decode step closes
// a window, and passes the incoming ones through unchanged when it does not. Batch
// j + 1 can then observe batch j's state, and every batch shares one set of buffers
// (on hardware: intermittent NaN / runtime error 507018). The stores are the same as
// the per-batch form's, but the carry is a cross-batch leak.
//
// The loop is marked `{pto.batch}`: its iterations stand for distinct tasks (the
// mark pto-spmd-coarsen{inner=range} puts on the loop it creates; this form is
// written by hand, so it carries the mark by hand). `pto-check-carried` then reports
// the carry as an error (naming %mi, %li, %oi, the loop and the gate); without the
// mark it is a warning that says how to mark the loop. `pto-privatize-carries`
// privatizes the accumulators per batch: every batch starts from the initial value
// %acc0, as each task of the per-batch kernel does, and the then-needless carries
// are dropped.
func.func @softmax_pool(%state: memref<?x2048xf32>, %block_table: memref<64x65xi32>,
                        %start_pos: memref<64xi32>, %pooled: memref<64x512xf32>) {
  pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
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
    %acc0 = arith.constant dense<0.000000e+00> : tensor<1x64xf32>
    %gbase = arith.muli %g, %c2 : index
    %acc:3 = pto.range %j = %c0 to %c2 step %c1 iter_args(%mi = %acc0, %li = %acc0, %oi = %acc0) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
      %b = arith.addi %gbase, %j : index
      %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
      %start = arith.index_cast %start_i32 : i32 to index
      %pos = arith.remsi %start, %c4 : index
      %cur = arith.subi %start, %pos : index
      %prev = arith.subi %cur, %c4 : index
      %pos_s = arith.addi %pos, %c2 : index
      %gate = arith.cmpi sge, %pos_s, %c4 : index
      %fresh:3 = scf.if %gate -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
        %last = arith.addi %cur, %c3 : index
        %last_blk = arith.divsi %last, %c4 : index
        %last_page_i32 = pto.read %block_table[%b, %last_blk] : memref<64x65xi32> -> i32
        %last_page = arith.index_cast %last_page_i32 : i32 to index
        %last_off = arith.remsi %last, %c4 : index
        %last_base = arith.muli %last_page, %c4 : index
        %last_row = arith.addi %last_base, %last_off : index
        %h:3 = pto.range %hb = %c0 to %c8 step %c1 iter_args(%mi_h = %mi, %li_h = %li, %oi_h = %oi) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
          %h0 = arith.muli %hb, %c64 : index
          %h_sc_back = arith.addi %h0, %c1536 : index
          %h_kv_back = arith.addi %h0, %c512 : index
          %h_sc_front = arith.addi %h0, %c1024 : index
          %mi0 = pto.load %state[%last_row, %h_sc_back] : memref<?x2048xf32> -> tensor<1x64xf32>
          %zero = arith.subf %mi0, %mi0 : tensor<1x64xf32>
          %li0 = math.exp %zero : tensor<1x64xf32>
          %oi0 = pto.load %state[%last_row, %h_kv_back] : memref<?x2048xf32> -> tensor<1x64xf32>
          %w1:3 = pto.range %s = %c0 to %c4 step %c1 iter_args(%mw = %mi0, %lw = %li0, %ow = %oi0) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
            %p = arith.addi %prev, %s : index
            %valid = arith.cmpi sge, %p, %c0 : index
            %upd:3 = scf.if %valid -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
              %blk = arith.divsi %p, %c4 : index
              %page_i32 = pto.read %block_table[%b, %blk] : memref<64x65xi32> -> i32
              %page = arith.index_cast %page_i32 : i32 to index
              %off = arith.remsi %p, %c4 : index
              %base = arith.muli %page, %c4 : index
              %r = arith.addi %base, %off : index
              %sc = pto.load %state[%r, %h_sc_front] : memref<?x2048xf32> -> tensor<1x64xf32>
              %kv = pto.load %state[%r, %h0] : memref<?x2048xf32> -> tensor<1x64xf32>
              %m2 = arith.maximumf %mw, %sc : tensor<1x64xf32>
              %da = arith.subf %mw, %m2 : tensor<1x64xf32>
              %a = math.exp %da : tensor<1x64xf32>
              %de = arith.subf %sc, %m2 : tensor<1x64xf32>
              %e = math.exp %de : tensor<1x64xf32>
              %ali = arith.mulf %a, %lw : tensor<1x64xf32>
              %li2 = arith.addf %ali, %e : tensor<1x64xf32>
              %oia = arith.mulf %ow, %a : tensor<1x64xf32>
              %kve = arith.mulf %kv, %e : tensor<1x64xf32>
              %oi2 = arith.addf %oia, %kve : tensor<1x64xf32>
              scf.yield %m2, %li2, %oi2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
            } else {
              scf.yield %mw, %lw, %ow : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
            }
            pto.yield %upd#0, %upd#1, %upd#2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
          }
          %w2:3 = pto.range %s = %c0 to %c3 step %c1 iter_args(%mw = %w1#0, %lw = %w1#1, %ow = %w1#2) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
            %p = arith.addi %cur, %s : index
            %blk = arith.divsi %p, %c4 : index
            %page_i32 = pto.read %block_table[%b, %blk] : memref<64x65xi32> -> i32
            %page = arith.index_cast %page_i32 : i32 to index
            %off = arith.remsi %p, %c4 : index
            %base = arith.muli %page, %c4 : index
            %r = arith.addi %base, %off : index
            %sc = pto.load %state[%r, %h_sc_back] : memref<?x2048xf32> -> tensor<1x64xf32>
            %kv = pto.load %state[%r, %h_kv_back] : memref<?x2048xf32> -> tensor<1x64xf32>
            %m2 = arith.maximumf %mw, %sc : tensor<1x64xf32>
            %da = arith.subf %mw, %m2 : tensor<1x64xf32>
            %a = math.exp %da : tensor<1x64xf32>
            %de = arith.subf %sc, %m2 : tensor<1x64xf32>
            %e = math.exp %de : tensor<1x64xf32>
            %ali = arith.mulf %a, %lw : tensor<1x64xf32>
            %li2 = arith.addf %ali, %e : tensor<1x64xf32>
            %oia = arith.mulf %ow, %a : tensor<1x64xf32>
            %kve = arith.mulf %kv, %e : tensor<1x64xf32>
            %oi2 = arith.addf %oia, %kve : tensor<1x64xf32>
            pto.yield %m2, %li2, %oi2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
          }
          %out = arith.divf %w2#2, %w2#1 : tensor<1x64xf32>
          pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
          pto.yield %w2#0, %w2#1, %w2#2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
        }
        scf.yield %h#0, %h#1, %h#2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
      } else {
        scf.yield %mi, %li, %oi : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
      }
      pto.yield %fresh#0, %fresh#1, %fresh#2 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>
    } {pto.batch}
  }
  func.return
}
