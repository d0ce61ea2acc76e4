// linalg.transpose of tiles (pl.transpose), per task of an spmd scope: the kernel verifies
// upstream, and the MLIR engine matches the interpreter bit for bit.
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 3 --contract exact | filecheck %s

func.func @k(%x: memref<64x64xf32>, %y: memref<64x64xf32>) {
  pto.spmd %b = 0 to 4 name "s" core vector {
    %0 = arith.constant 16 : index
    %1 = arith.muli %b, %0 : index
    %2 = arith.constant 0 : index
    %t = pto.load %x[%1, %2] : memref<64x64xf32> -> tensor<16x64xf32>
    %3 = arith.constant dense<0.000000e+00> : tensor<64x16xf32>
    %r = linalg.transpose ins(%t:tensor<16x64xf32>) outs(%3:tensor<64x16xf32>) permutation = [1, 0]
    %4 = arith.muli %b, %0 : index
    pto.store %r, %y[%2, %4] : tensor<64x16xf32>, memref<64x64xf32>
  }
  func.return
}


// CHECK: y: bit-identical (4096 elements)
// CHECK: pto-crosscheck: match
