// The seed's standalone kernel (all five scopes) parses, verifies and round-trips in
// custom and in generic form.
// RUN: pto-opt %examples/dsv4_compressor_ratio4/kernel.mlir > %t.custom.mlir
// RUN: pto-opt %t.custom.mlir | diff %t.custom.mlir -
// RUN: pto-opt --print-op-generic %examples/dsv4_compressor_ratio4/kernel.mlir > %t.generic.mlir
// RUN: pto-opt %t.generic.mlir | diff %t.custom.mlir -
// RUN: pto-opt --print-op-generic %t.custom.mlir | diff %t.generic.mlir -
// RUN: filecheck %s --input-file %t.custom.mlir
// RUN: filecheck %s --check-prefix=GENERIC --input-file %t.generic.mlir

// CHECK:      func.func @decode_compressor_ratio4(%x: memref<128x4096xbf16>, %wkv: memref<4096x1024xbf16>, %wgate: memref<4096x1024xbf16>, %ape: memref<4x1024xf32>, %start_pos: memref<64xi32>, %state_block_table: memref<64x65xi32>, %state: memref<?x2048xf32>, %kv_proj: memref<128x1024xf32>, %score_proj: memref<128x1024xf32>, %pooled: memref<64x512xf32>, %norm_w: memref<1x512xf32>, %cos: memref<64x32xf32>, %sin: memref<64x32xf32>, %normed_kv: memref<64x512xf32>, %kv: memref<64x512xf32>, %cache_block_table: memref<64x?xi32>, %cmp_kv_cache: memref<?x512xbf16>) {

// CHECK:        pto.spmd %i = 0 to 32 name "kv_score_proj" core cube {
// CHECK:          %kv_acc0 = pto.matmul %xa, %wkva : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
// CHECK:          %acc, %acc_1 = pto.range %k = %c1 to %c8 step %c1 pipeline 2 iter_args(%kv_acc = %kv_acc0, %sc_acc = %sc_acc0) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
// CHECK:            pto.matmul_acc %kv_acc, %xk, %wkvk
// CHECK:          pto.store %acc, %kv_proj[%r0, %n0] : tensor<64x64xf32>, memref<128x1024xf32>
// CHECK:          pto.store %acc_1, %score_proj[%r0, %n0] : tensor<64x64xf32>, memref<128x1024xf32>

// CHECK:        pto.spmd %g = 0 to 1 name "state_scatter_paged" core vector {
// CHECK:          pto.range %b = %c0{{.*}} to %c64{{.*}} step %c1{{.*}} {
// CHECK:            pto.range %s = %c0{{.*}} to %c2{{.*}} step %c1{{.*}} pipeline 2 {
// CHECK:              pto.store %sc_ape, %state[%row, %c1024] : tensor<1x1024xf32>, memref<?x2048xf32>

// CHECK:        pto.spmd %[[B3:b[_0-9]*]] = 0 to 64 name "softmax_pool" core vector {
// CHECK:          scf.if %gate {
// CHECK:            pto.range %hb = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} {
// CHECK:              pto.range %{{s[_0-9]*}} = {{.*}} iter_args(%mi = %mi0, %li = %li0, %oi = %oi0)
// CHECK:              pto.range %{{s[_0-9]*}} = {{.*}} iter_args(%{{mi[_0-9]*}} = %w1, %{{li[_0-9]*}} = %w1_1, %{{oi[_0-9]*}} = %w1_2)
// CHECK:              pto.store %out, %pooled[%[[B3]], %h0] : tensor<1x64xf32>, memref<64x512xf32>

// CHECK:        pto.spmd %[[T4:t[_0-9]*]] = 0 to 4 name "rmsnorm_rope" core vector {
// CHECK:          %rs = pto.row_sum %sq : tensor<16x64xf32> -> tensor<16x1xf32>
// CHECK:          %rms = math.sqrt %var : tensor<16x1xf32>
// CHECK:          pto.row_expand_mul %{{xt[_0-9]*}}, %inv_rms : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
// CHECK:          %jj = pto.arange start 0 step 1 : tensor<16x64xi32>
// CHECK:          %half = arith.shrsi %jj, %one_i : tensor<16x64xi32>
// CHECK:          %sign = pto.cast %sign_i : tensor<16x64xi32> -> tensor<16x64xf32>
// CHECK:          %n_sw = pto.gather %nr, %partner : tensor<16x64xf32>, tensor<16x64xi32> -> tensor<16x64xf32>
// CHECK:          pto.store %rot, %normed_kv[%{{r0[_0-9]*}}, %c448] : tensor<16x64xf32>, memref<64x512xf32>

// CHECK:        pto.spmd %{{t[_0-9]*}} = 0 to 4 name "kv_and_cache_write" core vector {
// CHECK:            scf.if %{{gate[_0-9]*}} {
// CHECK:              %row_h = pto.cast %row_v round "rint" : tensor<1x512xf32> -> tensor<1x512xbf16>
// CHECK:              pto.store %row_h, %cmp_kv_cache[%crow, %c0{{.*}}] : tensor<1x512xbf16>, memref<?x512xbf16>
// CHECK:        func.return

// GENERIC-COUNT-5: "pto.spmd"
// GENERIC-NOT: "pto.spmd"
