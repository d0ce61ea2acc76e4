// Small kernels for pto-run error tests: a copy, a NaN maker, an out-of-bounds load.
func.func @copy(%a: memref<2x8xf32>, %o: memref<2x8xf32>) {
  pto.spmd %t = 0 to 2 name "copy" core vector {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%t, %c0] : memref<2x8xf32> -> tensor<1x8xf32>
    pto.store %x, %o[%t, %c0] : tensor<1x8xf32>, memref<2x8xf32>
  }
  func.return
}

func.func @nan(%a: memref<2x8xf32>, %o: memref<2x8xf32>) {
  pto.spmd %t = 0 to 2 name "nan" core vector {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%t, %c0] : memref<2x8xf32> -> tensor<1x8xf32>
    %z = arith.subf %x, %x : tensor<1x8xf32>
    %l = math.log %z : tensor<1x8xf32>
    pto.store %l, %o[%t, %c0] : tensor<1x8xf32>, memref<2x8xf32>
  }
  func.return
}

func.func @oob(%a: memref<2x8xf32>, %o: memref<2x8xf32>) {
  pto.spmd %t = 0 to 2 name "oob" core vector {
    %c1 = arith.constant 1 : index
    %r = arith.addi %t, %c1 : index
    %x = pto.load %a[%r, %c1] : memref<2x8xf32> -> tensor<1x4xf32>
    pto.store %x, %o[%t, %c1] : tensor<1x4xf32>, memref<2x8xf32>
  }
  func.return
}
