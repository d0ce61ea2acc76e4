// A small kernel for the pto-tune tests: 8 independent row tasks, y[t] = exp(x[t]) + x[t],
// then a second scope of 2 tasks.
func.func @rows(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 name "rows" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %e = math.exp %a : tensor<1x64xf32>
    %s = arith.addf %e, %a : tensor<1x64xf32>
    pto.store %s, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  pto.spmd %t = 0 to 2 name "copy" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %y[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %a, %x[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
