// A tile type with a dynamic dimension verified, and the interpreter sliced the `?`
// as -1 (a silently wrong load). A tile has a static shape: a verifier error.
// RUN: pto-opt %s --verify-diagnostics --split-input-file
// RUN: not pto-run %s --seed 0 2>&1 | filecheck --check-prefix=INTERP %s

func.func @load(%m: memref<4x64xf32>) {
  pto.spmd %t = 0 to 2 name "s" {
    %c0 = arith.constant 0 : index
    // expected-error@+1 {{'pto.load' op tile type tensor<?x64xf32> must have a static shape}}
    %x = pto.load %m[%c0, %c0] : memref<4x64xf32> -> tensor<?x64xf32>
  }
  func.return
}
// INTERP: crash-dynamic-tile.mlir:[[# @LINE - 4]]:5: error: 'pto.load' op tile type tensor<?x64xf32> must have a static shape
// INTERP-NOT: Traceback

// -----

func.func @row_sum(%m: memref<4x64xf32>) {
  pto.spmd %t = 0 to 2 name "s" {
    %c0 = arith.constant 0 : index
    %x = pto.load %m[%c0, %c0] : memref<4x64xf32> -> tensor<4x64xf32>
    %c = tensor.cast %x : tensor<4x64xf32> to tensor<?x64xf32>
    // expected-error@+1 {{'pto.row_sum' op tile type tensor<?x64xf32> must have a static shape}}
    %s = pto.row_sum %c : tensor<?x64xf32> -> tensor<?x1xf32>
  }
  func.return
}
