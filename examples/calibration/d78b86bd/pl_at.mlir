// Calibration case d78b86bd, variant 5 pl.at tasks (WAW-serialized on one core).
//
// Public source: hw-native-sys/pypto-lib, models/qwen3/14b/decode_layer.py, scope
// dcr_xgamma (Qwen3-14B decode: residual add + next layer's x * gamma), at commit
// ce5275b5 (the parent of d78b86bd). Measured on a2a3 (inferred): '~25us at the chunk
// tail' for the 5 writers.
//
// pl.parallel(DOWN_ON) + pl.at(CORE_GROUP): 5 separate one-task dispatches, one per slab.
// The runtime ran them one after another on one core (write-after-write on the two
// shared outputs). Here: 5 one-task scopes dcr_xgamma_0 .. dcr_xgamma_4 in program
// order (the kernel's scopes run in order), each with its slab as a constant.
// Choice: the per-slab dependence on that slab's 17 down_proj K-slices (the producer
// scope is not part of the measured window) is not modelled.
//
// Per task (slab n of DOWN_TN = 1024 columns of HIDDEN = 5120, BATCH = 16 rows): load the
// f32 [16,1024] down_proj accumulator slab and the post-attention residual slab (row
// stride 5120), add, store into out; load the next layer's gamma row [1,1024], multiply
// every column by it, cast to bf16 (round to nearest even), store into normed_out.
// Totals per task: 3 loads (2 x 64 KiB + 4 KiB), 2 stores (64 KiB + 32 KiB), 3 vector
// ops on [16,1024], no scalar reads.
func.func @dcr_xgamma(%down_acc: memref<16x5120xf32>, %resid: memref<16x5120xf32>,
                      %gamma: memref<1x5120xf32>, %out: memref<16x5120xf32>,
                      %normed_out: memref<16x5120xbf16>) {
  pto.spmd %t = 0 to 1 name "dcr_xgamma_0" core vector {
    %c0 = arith.constant 0 : index
    %n0 = arith.constant 0 : index
    %acc = pto.load %down_acc[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %res = pto.load %resid[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %h = arith.addf %acc, %res : tensor<16x1024xf32>
    pto.store %h, %out[%c0, %n0] : tensor<16x1024xf32>, memref<16x5120xf32>
    %g = pto.load %gamma[%c0, %n0] : memref<1x5120xf32> -> tensor<1x1024xf32>
    %hg = pto.col_expand_mul %h, %g : tensor<16x1024xf32>, tensor<1x1024xf32> -> tensor<16x1024xf32>
    %hb = pto.cast %hg round "rint" : tensor<16x1024xf32> -> tensor<16x1024xbf16>
    pto.store %hb, %normed_out[%c0, %n0] : tensor<16x1024xbf16>, memref<16x5120xbf16>
  }
  pto.spmd %t = 0 to 1 name "dcr_xgamma_1" core vector {
    %c0 = arith.constant 0 : index
    %n0 = arith.constant 1024 : index
    %acc = pto.load %down_acc[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %res = pto.load %resid[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %h = arith.addf %acc, %res : tensor<16x1024xf32>
    pto.store %h, %out[%c0, %n0] : tensor<16x1024xf32>, memref<16x5120xf32>
    %g = pto.load %gamma[%c0, %n0] : memref<1x5120xf32> -> tensor<1x1024xf32>
    %hg = pto.col_expand_mul %h, %g : tensor<16x1024xf32>, tensor<1x1024xf32> -> tensor<16x1024xf32>
    %hb = pto.cast %hg round "rint" : tensor<16x1024xf32> -> tensor<16x1024xbf16>
    pto.store %hb, %normed_out[%c0, %n0] : tensor<16x1024xbf16>, memref<16x5120xbf16>
  }
  pto.spmd %t = 0 to 1 name "dcr_xgamma_2" core vector {
    %c0 = arith.constant 0 : index
    %n0 = arith.constant 2048 : index
    %acc = pto.load %down_acc[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %res = pto.load %resid[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %h = arith.addf %acc, %res : tensor<16x1024xf32>
    pto.store %h, %out[%c0, %n0] : tensor<16x1024xf32>, memref<16x5120xf32>
    %g = pto.load %gamma[%c0, %n0] : memref<1x5120xf32> -> tensor<1x1024xf32>
    %hg = pto.col_expand_mul %h, %g : tensor<16x1024xf32>, tensor<1x1024xf32> -> tensor<16x1024xf32>
    %hb = pto.cast %hg round "rint" : tensor<16x1024xf32> -> tensor<16x1024xbf16>
    pto.store %hb, %normed_out[%c0, %n0] : tensor<16x1024xbf16>, memref<16x5120xbf16>
  }
  pto.spmd %t = 0 to 1 name "dcr_xgamma_3" core vector {
    %c0 = arith.constant 0 : index
    %n0 = arith.constant 3072 : index
    %acc = pto.load %down_acc[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %res = pto.load %resid[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %h = arith.addf %acc, %res : tensor<16x1024xf32>
    pto.store %h, %out[%c0, %n0] : tensor<16x1024xf32>, memref<16x5120xf32>
    %g = pto.load %gamma[%c0, %n0] : memref<1x5120xf32> -> tensor<1x1024xf32>
    %hg = pto.col_expand_mul %h, %g : tensor<16x1024xf32>, tensor<1x1024xf32> -> tensor<16x1024xf32>
    %hb = pto.cast %hg round "rint" : tensor<16x1024xf32> -> tensor<16x1024xbf16>
    pto.store %hb, %normed_out[%c0, %n0] : tensor<16x1024xbf16>, memref<16x5120xbf16>
  }
  pto.spmd %t = 0 to 1 name "dcr_xgamma_4" core vector {
    %c0 = arith.constant 0 : index
    %n0 = arith.constant 4096 : index
    %acc = pto.load %down_acc[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %res = pto.load %resid[%c0, %n0] : memref<16x5120xf32> -> tensor<16x1024xf32>
    %h = arith.addf %acc, %res : tensor<16x1024xf32>
    pto.store %h, %out[%c0, %n0] : tensor<16x1024xf32>, memref<16x5120xf32>
    %g = pto.load %gamma[%c0, %n0] : memref<1x5120xf32> -> tensor<1x1024xf32>
    %hg = pto.col_expand_mul %h, %g : tensor<16x1024xf32>, tensor<1x1024xf32> -> tensor<16x1024xf32>
    %hb = pto.cast %hg round "rint" : tensor<16x1024xf32> -> tensor<16x1024xbf16>
    pto.store %hb, %normed_out[%c0, %n0] : tensor<16x1024xbf16>, memref<16x5120xbf16>
  }
  func.return
}
