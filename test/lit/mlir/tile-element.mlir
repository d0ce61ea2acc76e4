// One element of a tile read and written (tensor.extract / tensor.insert: PyPTO's
// pl.read / pl.write of a tile), in a runtime loop and on int32: the kernel verifies
// upstream, and the MLIR engine matches the interpreter bit for bit.
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 2 --contract exact | filecheck %s

func.func @k(%x: memref<8x16xf32>, %idx: memref<1x8xi32>, %y: memref<8x16xf32>, %z: memref<1x8xi32>) {
  pto.spmd %task = 0 to 1 name "rows" core vector {
    %0 = arith.constant 0 : index
    %t = pto.load %x[%0, %0] : memref<8x16xf32> -> tensor<8x16xf32>
    %ids = pto.load %idx[%0, %0] : memref<1x8xi32> -> tensor<1x8xi32>
    %acc = arith.constant dense<0.000000e+00> : tensor<8x16xf32>
    %1 = arith.constant 8 : index
    %2 = arith.constant 1 : index
    %acc_1 = pto.range %i = %0 to %1 step %2 iter_args(%acc_2 = %acc) -> (tensor<8x16xf32>) {
      %3 = arith.constant 15 : index
      %4 = arith.subi %3, %i : index
      %v = tensor.extract %t[%i, %4] : tensor<8x16xf32>
      %5 = arith.constant 2.000000e+00 : f32
      %6 = arith.mulf %v, %5 : f32
      %acc_3 = tensor.insert %6 into %acc_2[%i, %i] : tensor<8x16xf32>
      pto.yield %acc_3 : tensor<8x16xf32>
    }
    %7 = arith.constant 3 : index
    %j = tensor.extract %ids[%0, %7] : tensor<1x8xi32>
    %8 = arith.constant 1 : i32
    %9 = arith.addi %j, %8 : i32
    %ids_1 = tensor.insert %9 into %ids[%0, %0] : tensor<1x8xi32>
    pto.store %acc_1, %y[%0, %0] : tensor<8x16xf32>, memref<8x16xf32>
    pto.store %ids_1, %z[%0, %0] : tensor<1x8xi32>, memref<1x8xi32>
  }
  func.return
}

// CHECK: y: bit-identical (128 elements)
// CHECK: z: bit-identical (8 elements)
// CHECK: pto-crosscheck: match
