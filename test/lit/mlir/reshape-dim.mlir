// A tile reshape (tensor.collapse_shape / expand_shape, pl.reshape of a tile) and a
// dynamic task count from memref.dim (pl.tensor.dim) lower, verify upstream, and the
// MLIR engine matches the interpreter bit for bit.
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 1 --contract exact | filecheck %s

func.func @k(%x: memref<?x64xf32>, %y: memref<?x16xf32>, %z: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %rows = memref.dim %x, %c0 : memref<?x64xf32>
  %n = arith.divsi %rows, %c16 : index
  pto.spmd %t = 0 to %n name "rows" core vector {
    %r = arith.muli %t, %c16 : index
    %a = pto.load %x[%r, %c0] : memref<?x64xf32> -> tensor<16x64xf32>
    %m = pto.row_max %a : tensor<16x64xf32> -> tensor<16x1xf32>
    %f = tensor.collapse_shape %m [[0, 1]] : tensor<16x1xf32> into tensor<16xf32>
    %row = tensor.expand_shape %f [[0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
    pto.store %row, %y[%t, %c0] : tensor<1x16xf32>, memref<?x16xf32>
    %b = pto.load %x[%r, %c0] : memref<?x64xf32> -> tensor<1x64xf32>
    %g = tensor.collapse_shape %b [[0, 1]] : tensor<1x64xf32> into tensor<64xf32>
    %sq = tensor.expand_shape %g [[0, 1]] output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
    %c4 = arith.constant 4 : index
    %zr = arith.muli %t, %c4 : index
    pto.store %sq, %z[%zr, %c0] : tensor<4x16xf32>, memref<?x16xf32>
  }
  func.return
}

// CHECK: pto-crosscheck: match
