// Reductions are legal and silent: a plain sum, a masked update (update on one branch,
// pass through on the other), a reduction through two carries (li depends on mi), and
// an invariant carry (passed through unchanged on every path).
// RUN: pto-opt %s > %t.mlir
// RUN: pto-opt %s -p pto-check-carried 2>&1 | diff %t.mlir -
// RUN: pto-opt %s -p pto-privatize-carries 2>&1 | diff %t.mlir -
// RUN: filecheck %s --input-file %t.mlir

func.func @sum(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<1x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // CHECK: %s, %m, %k = pto.range %i = %c0 to %c8 step %c1 iter_args(%acc = %zero, %mx = %zero, %keep = %zero)
  %s, %m, %k = pto.range %i = %c0 to %c8 step %c1 iter_args(%acc = %zero, %mx = %zero, %keep = %zero) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
    %f = pto.read %flags[%i] : memref<8xi32> -> i32
    %on = arith.cmpi ne, %f, %c0_i32 : i32
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %m2 = arith.maximumf %mx, %v : tensor<1x4xf32>
    %upd = scf.if %on -> (tensor<1x4xf32>) {
      %a = arith.subf %mx, %m2 : tensor<1x4xf32>
      %e = math.exp %a : tensor<1x4xf32>
      %sc = arith.mulf %acc, %e : tensor<1x4xf32>
      scf.yield %sc : tensor<1x4xf32>
    } else {
      scf.yield %acc : tensor<1x4xf32>
    }
    pto.yield %upd, %m2, %keep : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
  }
  %t = arith.addf %s, %m : tensor<1x4xf32>
  %u = arith.addf %t, %k : tensor<1x4xf32>
  pto.store %u, %y[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
  func.return
}
