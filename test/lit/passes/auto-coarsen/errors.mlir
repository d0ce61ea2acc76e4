// pto-auto-coarsen rejects what it cannot tune with a located diagnostic. (Each run has
// its own pipeline, so the diagnostics are checked on stderr, not with expected-*.)
// RUN: not pto-opt %s -p 'pto-auto-coarsen{scope=nope}' 2>&1 | filecheck %s --check-prefix=SCOPE
// RUN: not pto-opt %s -p 'pto-auto-coarsen{factors=0,2}' 2>&1 | filecheck %s --check-prefix=ZERO
// RUN: not pto-opt %s -p 'pto-auto-coarsen{scope=rows factors=3,5}' 2>&1 | filecheck %s --check-prefix=NODIV
// RUN: not pto-opt %s -p 'pto-auto-coarsen{scope=dyn}' 2>&1 | filecheck %s --check-prefix=DYN
// RUN: not pto-opt %s -p 'pto-auto-coarsen{scope=rows factors=1,2 inputs="%S/missing.npz"}' 2>&1 | filecheck %s --check-prefix=NPZ
// RUN: pto-opt %s -p 'pto-auto-coarsen{factors=1,2}' 2>&1 >/dev/null | filecheck %s --check-prefix=WARN
// RUN: not pto-opt %s -p 'pto-auto-coarsen{seed=-1}' 2>&1 | filecheck %s --check-prefix=SEED

func.func @rows(%x: memref<8x64xf32>, %y: memref<8x64xf32>, %n: index) {
  pto.spmd %t = 0 to 8 name "rows" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %a, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  pto.spmd %t = 0 to %n name "dyn" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %a, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// SCOPE: error: pto-auto-coarsen: unknown scope 'nope' (scopes: rows, dyn)
// ZERO:  error: pto-auto-coarsen factor 0 must be >= 1
// NODIV: errors.mlir:[[# @LINE - 15]]:3: error: 'pto.spmd' op none of the factors 3, 5 divides its 8 tasks
// DYN:   errors.mlir:[[# @LINE - 11]]:3: error: 'pto.spmd' op has a dynamic task count: pto-auto-coarsen cannot tune it
// NPZ:   errors.mlir:[[# @LINE - 17]]:3: error: 'pto.spmd' op pto-auto-coarsen: cannot read inputs '{{.*}}missing.npz': No such file or directory
// WARN:  errors.mlir:[[# @LINE - 13]]:3: warning: 'pto.spmd' op has a dynamic task count; pto-auto-coarsen leaves it unchanged
// SEED:  error: pto-auto-coarsen seed must be >= 0, got -1
