// pto-auto-coarsen: applies the chosen factor (the pto.unroll stays), records the choice.
// RUN: pto-opt %s -p 'pto-auto-coarsen{scope=rows factors=2}' | filecheck %s --check-prefix=TWO
// RUN: pto-opt %s -p 'pto-auto-coarsen{factors=1,2,4}' | filecheck %s --check-prefix=ALL
// RUN: pto-opt %s -p 'pto-auto-coarsen{factors=1,2,4}' | pto-opt -p 'pto-auto-coarsen{factors=1,2,4}' | filecheck %s --check-prefix=ALL
// RUN: pto-opt %s -p 'pto-auto-coarsen{scope=copy factors=1,2,4,8 seed=3}' | filecheck %s --check-prefix=ONE

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

// The only candidate is chosen and applied; the unroll is left for pto-unroll-expand.
// TWO:      pto.spmd %g = 0 to 4 name "rows" core vector {
// TWO:        pto.unroll %j = 0 to 2 {
// TWO:          pto.store %s, %y[%t, %c0]
// TWO:      } {pto.auto_coarsen = {factor = 2 : i64, factors = array<i64: 2>, predicted_us = array<f64: {{[-+.e0-9]+}}>, machine = "a2a3"}}
// TWO-NOT:  pto.auto_coarsen
// TWO-NOT:  rejected

// Every named scope is tuned; only factors that divide its task count are tried.
// ALL:      pto.spmd %{{.*}} = 0 to {{[1248]}} name "rows" core vector {
// ALL:      } {pto.auto_coarsen = {factor = {{[124]}} : i64, factors = array<i64: 1, 2, 4>, predicted_us = array<f64: {{[-+.e0-9]+}}, {{[-+.e0-9]+}}, {{[-+.e0-9]+}}>, machine = "a2a3"}}
// ALL:      pto.spmd %{{.*}} = 0 to {{[12]}} name "copy" core vector {
// ALL:      } {pto.auto_coarsen = {factor = {{[12]}} : i64, factors = array<i64: 1, 2>, predicted_us = array<f64: {{[-+.e0-9]+}}, {{[-+.e0-9]+}}>, machine = "a2a3"}}
// ALL-NOT:  pto.auto_coarsen

// Only the named scope is tuned.
// ONE:      pto.spmd %t = 0 to 8 name "rows" core vector {
// ONE-NOT:  pto.auto_coarsen
// ONE:      name "copy"
// ONE:      pto.auto_coarsen = {factor = {{[12]}} : i64, factors = array<i64: 1, 2>,
