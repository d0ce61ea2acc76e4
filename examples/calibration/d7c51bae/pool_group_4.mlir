// Calibration case d7c51bae, variant POOL_GROUP=4: 16 tasks of 4 batches each.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/decode_indexer_compressor.py
// (inlined into decode_indexer.py), scope softmax_pool, at commit d7c51bae (file identical
// in PR #415's 25ac6cf8, which quotes 'softmax 122->38us'). Measured on a2a3 (inferred):
// softmax_pool span 38 us.
//
// The body of pool_group_1.mlir inside a trace-time unroll over the task's 4 batches
// (b = task * 4 + j): every batch owns its values (no state carried between batches),
// as the author required (a runtime loop over the group gave NaN / AICPU deadlock).
// Totals per task: 64 loads of [1,128] f32, 292 vector ops on [1,128], 4 stores.
// Layout as in pool_group_1.mlir. Outputs are bit-identical to pool_group_1.mlir.
func.func @softmax_pool(%win_score: memref<512x128xf32>, %win_kv: memref<512x128xf32>,
                        %pooled: memref<64x128xf32>) {
  pto.spmd %t = 0 to 16 name "softmax_pool" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c8 = arith.constant 8 : index
    %b0 = arith.muli %t, %c4 : index
    pto.unroll %j = 0 to 4 {
      %b = arith.addi %b0, %j : index
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
  }
  func.return
}
