// A loop over a task's own data is a reduction, not a batch leak (issue 12, finding 2:
// both kernels were rejected as "iterates over the batches of a coarsened pto.spmd",
// and pto-tune then called factor 1 illegal and factor 2 legal). Each task t owns rows
// 4t .. 4t + 3: a plain sum over them, and a running max stored at each step. Clean
// as written, and clean after coarsening by 2 (the batch loop then holds the row loop,
// whose carries stay inside one batch).
// RUN: pto-opt %s > %t.mlir
// RUN: pto-opt %s -p pto-check-carried 2>&1 | diff %t.mlir -
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2 inner=range}' > %t.c.mlir
// RUN: pto-opt %t.c.mlir -p pto-check-carried 2>&1 | diff %t.c.mlir -
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2}' > %t.u.mlir
// RUN: pto-opt %t.u.mlir -p pto-check-carried 2>&1 | diff %t.u.mlir -
// RUN: filecheck %s --input-file %t.c.mlir

// CHECK-LABEL: func.func @own_rows
// CHECK:       pto.range %j = %j_lb to %group_size step %j_step {
// CHECK:         pto.range %r = %c0 to %c4 step %c1 iter_args(%acc = %zero)
// CHECK:         pto.range %r_1 = %c0 to %c4 step %c1 iter_args(%mx = %lowest)
// CHECK:       } {pto.batch}
func.func @own_rows(%x: memref<16x4xf32>, %sum: memref<4x4xf32>, %runmax: memref<16x4xf32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %lowest = arith.constant dense<-1.000000e+30> : tensor<1x4xf32>
    %base = arith.muli %t, %c4 : index
    %s = pto.range %r = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> (tensor<1x4xf32>) {
      %row = arith.addi %base, %r : index
      %v = pto.load %x[%row, %c0] : memref<16x4xf32> -> tensor<1x4xf32>
      %a = arith.addf %acc, %v : tensor<1x4xf32>
      pto.yield %a : tensor<1x4xf32>
    }
    pto.store %s, %sum[%t, %c0] : tensor<1x4xf32>, memref<4x4xf32>
    %m = pto.range %r = %c0 to %c4 step %c1 iter_args(%mx = %lowest) -> (tensor<1x4xf32>) {
      %row = arith.addi %base, %r : index
      %v = pto.load %x[%row, %c0] : memref<16x4xf32> -> tensor<1x4xf32>
      %n = arith.maximumf %mx, %v : tensor<1x4xf32>
      pto.store %n, %runmax[%row, %c0] : tensor<1x4xf32>, memref<16x4xf32>
      pto.yield %n : tensor<1x4xf32>
    }
  }
  func.return
}
