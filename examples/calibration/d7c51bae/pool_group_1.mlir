// Calibration case d7c51bae, variant POOL_GROUP=1: 64 tasks, one batch per task.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_indexer_compressor.py
// (inlined into decode_indexer.py), scope softmax_pool of the indexer's inner compressor,
// at commit ac1c0f36 (PR #415 branch; the POOL_GROUP=1 form). Measured on a2a3 (inferred
// from the harness default): softmax_pool span 122 us.
//
// Per task (batch b): an online softmax-pool over the 8 window slots that the preceding
// window_gather scope laid out batch-major: slot s of batch b is row b * 8 + s of
// %win_score and %win_kv (f32, 128 wide = index_head_dim). Slot 0 seeds the running max
// mi, the running sum li = exp(mi - mi) and the running output oi; a runtime loop over
// slots 1..7 folds the others (10 vector ops each); the task stores oi / li.
// Totals per task: 16 loads of [1,128] f32 (512 B), 73 vector ops on [1,128], 1 store,
// no scalar reads, no gates (slots window_gather left at -inf / 0 are no-op updates).
//
// Choices: the window buffers are [B * 8, 128] f32 (batch-major, slot-minor), which is
// the layout the batch-major window gather writes; the message does not give it.
func.func @softmax_pool(%win_score: memref<512x128xf32>, %win_kv: memref<512x128xf32>,
                        %pooled: memref<64x128xf32>) {
  pto.spmd %b = 0 to 64 name "softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %row0 = arith.muli %b, %c8 : index
    %mi0 = pto.load %win_score[%row0, %c0] : memref<512x128xf32> -> tensor<1x128xf32>
    %zero = arith.subf %mi0, %mi0 : tensor<1x128xf32>
    %li0 = math.exp %zero : tensor<1x128xf32>
    %oi0 = pto.load %win_kv[%row0, %c0] : memref<512x128xf32> -> tensor<1x128xf32>
    %w:3 = pto.range %s = %c1 to %c8 step %c1 iter_args(%mi = %mi0, %li = %li0, %oi = %oi0) -> (tensor<1x128xf32>, tensor<1x128xf32>, tensor<1x128xf32>) {
      %r = arith.addi %row0, %s : index
      %sc = pto.load %win_score[%r, %c0] : memref<512x128xf32> -> tensor<1x128xf32>
      %kv = pto.load %win_kv[%r, %c0] : memref<512x128xf32> -> tensor<1x128xf32>
      %m2 = arith.maximumf %mi, %sc : tensor<1x128xf32>
      %da = arith.subf %mi, %m2 : tensor<1x128xf32>
      %a = math.exp %da : tensor<1x128xf32>
      %de = arith.subf %sc, %m2 : tensor<1x128xf32>
      %e = math.exp %de : tensor<1x128xf32>
      %ali = arith.mulf %a, %li : tensor<1x128xf32>
      %li2 = arith.addf %ali, %e : tensor<1x128xf32>
      %oia = arith.mulf %oi, %a : tensor<1x128xf32>
      %kve = arith.mulf %kv, %e : tensor<1x128xf32>
      %oi2 = arith.addf %oia, %kve : tensor<1x128xf32>
      pto.yield %m2, %li2, %oi2 : tensor<1x128xf32>, tensor<1x128xf32>, tensor<1x128xf32>
    }
    %out = arith.divf %w#2, %w#1 : tensor<1x128xf32>
    pto.store %out, %pooled[%b, %c0] : tensor<1x128xf32>, memref<64x128xf32>
  }
  func.return
}
