// pl.set_validshape + store (pto.store_valid) and pl.fillpad (a mask from pto.arange,
// linalg.transpose and pto.cmps, then pto.select), with runtime and constant extents: the
// kernel verifies upstream, and the MLIR engine matches the interpreter bit for bit.
// RUN: pto-opt -p 'pto-to-upstream' --print-op-generic %s | %mlir-opt -o /dev/null
// RUN: pto-crosscheck %s --seed 1 --contract exact | filecheck %s

func.func @k(%x: memref<8x16xf32>, %n: memref<2xi32>, %y: memref<8x16xf32>, %z: memref<8x16xf32>, %w: memref<8x16xf32>, %u: memref<8x1xf32>) {
  pto.spmd %task = 0 to 1 name "s" core vector {
    %0 = arith.constant 0 : index
    %t = pto.load %x[%0, %0] : memref<8x16xf32> -> tensor<8x16xf32>
    %r = pto.read %n[%0] : memref<2xi32> -> i32
    %1 = arith.constant 1 : index
    %c = pto.read %n[%1] : memref<2xi32> -> i32
    %2 = arith.index_cast %r : i32 to index
    %3 = arith.index_cast %c : i32 to index
    pto.store_valid %t, %y[%0, %0] valid[%2, %3] : tensor<8x16xf32>, memref<8x16xf32>
    %4 = pto.arange start 0 step 1 : tensor<8x16xi32>
    %5 = arith.constant 5 : i32
    %6 = pto.cmps lt %4, %5 : tensor<8x16xi32>, i32 -> tensor<8x16xi1>
    %7 = arith.constant dense<0.000000e+00> : tensor<8x16xf32>
    %8 = pto.select %6, %t, %7 : tensor<8x16xi1>, tensor<8x16xf32>
    pto.store %8, %z[%0, %0] : tensor<8x16xf32>, memref<8x16xf32>
    %9 = pto.arange start 0 step 1 : tensor<16x8xi32>
    %10 = arith.constant dense<0> : tensor<8x16xi32>
    %11 = linalg.transpose ins(%9:tensor<16x8xi32>) outs(%10:tensor<8x16xi32>) permutation = [1, 0]
    %12 = arith.index_cast %2 : index to i32
    %13 = pto.cmps lt %11, %12 : tensor<8x16xi32>, i32 -> tensor<8x16xi1>
    %14 = pto.arange start 0 step 1 : tensor<8x16xi32>
    %15 = arith.index_cast %3 : index to i32
    %16 = pto.cmps lt %14, %15 : tensor<8x16xi32>, i32 -> tensor<8x16xi1>
    %17 = arith.constant dense<false> : tensor<8x16xi1>
    %18 = pto.select %13, %16, %17 : tensor<8x16xi1>, tensor<8x16xi1>
    %19 = arith.constant dense<0xff800000> : tensor<8x16xf32>
    %m = pto.select %18, %t, %19 : tensor<8x16xi1>, tensor<8x16xf32>
    pto.store %m, %w[%0, %0] : tensor<8x16xf32>, memref<8x16xf32>
    %20 = pto.row_max %m : tensor<8x16xf32> -> tensor<8x1xf32>
    pto.store %20, %u[%0, %0] : tensor<8x1xf32>, memref<8x1xf32>
  }
  func.return
}


// CHECK: y: bit-identical (128 elements)
// CHECK: z: bit-identical (128 elements)
// CHECK: w: bit-identical (128 elements)
// CHECK: u: bit-identical (8 elements)
// CHECK: pto-crosscheck: match
