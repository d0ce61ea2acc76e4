// The seed's per-batch softmax_pool round-trips in custom and in generic form.
// RUN: pto-opt %examples/softmax_pool.mlir > %t.custom.mlir
// RUN: pto-opt %t.custom.mlir | diff %t.custom.mlir -
// RUN: pto-opt --print-op-generic %examples/softmax_pool.mlir | pto-opt | diff %t.custom.mlir -
// RUN: filecheck --input-file %t.custom.mlir %s

// CHECK:      pto.spmd %b = 0 to 64 name "softmax_pool" core vector {
// CHECK:        %start_i32 = pto.read %start_pos[%b] : memref<64xi32> -> i32
// CHECK:        scf.if %gate {
// CHECK:          pto.range %hb = %c0 to %c8 step %c1 {
// CHECK:            %w1, %w1_1, %w1_2 = pto.range %s = %c0 to %c4 step %c1 iter_args(%mi = %mi0, %li = %li0, %oi = %oi0) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
// CHECK:            %w2, %w2_1, %w2_2 = pto.range %s_1 = %c0 to %c3 step %c1 iter_args(%mi_1 = %w1, %li_1 = %w1_1, %oi_1 = %w1_2) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x64xf32>) {
// CHECK:            pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>
