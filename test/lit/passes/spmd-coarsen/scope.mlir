// scope=NAME rewrites only the pto.spmd of that name; the others stay as they are.
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2 scope=second}' | filecheck %s
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2 scope="first"}' | filecheck %s --check-prefix=FIRST
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2}' | filecheck %s --check-prefix=ALL
// A scope name that matches nothing is an error (a misspelt scope must not silently
// leave the kernel unchanged), even at factor 1.
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2 scope=secnod}' --verify-diagnostics
// expected-error@unknown {{'builtin.module' op pto-spmd-coarsen: no pto.spmd scope is named 'secnod'; the module's scopes are 'first', 'second'}}
// RUN: not pto-opt %s -p 'pto-spmd-coarsen{factor=1 scope=secnod}' 2>&1 | filecheck %s --check-prefix=MISSING

func.func @two(%x: memref<8x8xf32>, %y: memref<8x8xf32>) {
  pto.spmd %t = 0 to 8 name "first" core vector {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%t, %c0] : memref<8x8xf32> -> tensor<1x8xf32>
    pto.store %v, %y[%t, %c0] : tensor<1x8xf32>, memref<8x8xf32>
  }
  pto.spmd %u = 0 to 4 name "second" core cube {
    %c0 = arith.constant 0 : index
    %v = pto.load %y[%u, %c0] : memref<8x8xf32> -> tensor<1x8xf32>
    pto.store %v, %x[%u, %c0] : tensor<1x8xf32>, memref<8x8xf32>
  } {note = "kept"}
  func.return
}

// CHECK:      pto.spmd %t = 0 to 8 name "first" core vector {
// CHECK-NEXT:   %c0 = arith.constant 0 : index
// CHECK-NEXT:   %v = pto.load %x[%t, %c0]
// CHECK:      pto.spmd %g = 0 to 2 name "second" core cube {
// CHECK:        pto.unroll %j = 0 to 2 {
// CHECK-NEXT:     %u = arith.addi %group_base, %j : index
// CHECK:          pto.store %v_1, %x[%u, %c0_1]
// CHECK:      } {note = "kept"}

// FIRST:      pto.spmd %g = 0 to 4 name "first" core vector {
// FIRST:      pto.spmd %u = 0 to 4 name "second" core cube {
// FIRST-NEXT:   %c0_1 = arith.constant 0 : index

// ALL:        pto.spmd %g = 0 to 4 name "first" core vector {
// ALL:        pto.spmd %g_1 = 0 to 2 name "second" core cube {

// MISSING-NOT: Traceback
// MISSING: error: 'builtin.module' op pto-spmd-coarsen: no pto.spmd scope is named 'secnod'; the module's scopes are 'first', 'second'
// MISSING-NOT: Traceback
