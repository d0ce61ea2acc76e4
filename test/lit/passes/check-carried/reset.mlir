// Reset carries: recomputed from scratch on every path, the incoming value never read.
// Legal, but a warning: the carry is needless and aliases one buffer across iterations.
// A "forward" carry (fresh on every path, but the incoming value is stored) is legal
// and silent: iteration i+1 consumes what iteration i produced.
// RUN: pto-opt %s -p pto-check-carried 2>&1 | filecheck %s
//
// pto-privatize-carries drops a reset whose result is unused (operand, block argument,
// yield, result); a reset whose result is used after the loop is kept (and the check
// still warns about it).
// RUN: pto-opt %s -p pto-privatize-carries 2>&1 | filecheck %s --check-prefix=FIX
// RUN: pto-opt %s -p pto-privatize-carries | pto-opt -p pto-check-carried 2>&1 | filecheck %s --check-prefix=AGAIN

func.func @reset(%x: memref<8x4xf32>, %y: memref<8x4xf32>, %z: memref<1x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
  // expected-warning@+1 {{pto.range %i carries %t but recomputes it from scratch on every iteration and never reads the incoming value: the carry is needless and makes all iterations share one}}
  %r:2 = pto.range %i = %c0 to %c8 step %c1 iter_args(%t = %zero, %prev = %zero) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %e = math.exp %v : tensor<1x4xf32>
    pto.store %prev, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.yield %e, %v : tensor<1x4xf32>, tensor<1x4xf32>
  }
  // expected-warning@+1 {{pto.range %i carries %w but recomputes it from scratch on every iteration and never reads the incoming value: the carry only takes the last iteration's value out of the}}
  %last = pto.range %i = %c0 to %c8 step %c1 iter_args(%w = %zero) -> (tensor<1x4xf32>) {
    %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    pto.yield %v : tensor<1x4xf32>
  }
  pto.store %last, %z[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
  func.return
}

// CHECK: reset.mlir:{{[0-9]+}}:3: warning: 'pto.range' op pto.range %i carries %t but recomputes it from scratch on every iteration and never reads the incoming value: the carry is needless and makes all iterations share one buffer; drop it (pto-privatize-carries does)
// CHECK-NOT: %prev
// CHECK: reset.mlir:{{[0-9]+}}:3: warning: 'pto.range' op pto.range %i carries %w but recomputes it from scratch on every iteration and never reads the incoming value: the carry only takes the last iteration's value out of the loop and makes all iterations share one buffer
// CHECK: %r, %r_1 = pto.range %i = %c0 to %c8 step %c1 iter_args(%t = %zero, %prev = %zero)

// FIX-NOT: warning
// FIX:      %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%prev = %zero) -> (tensor<1x4xf32>) {
// FIX-NEXT:   %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
// FIX-NEXT:   %e = math.exp %v : tensor<1x4xf32>
// FIX-NEXT:   pto.store %prev, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
// FIX-NEXT:   pto.yield %v : tensor<1x4xf32>
// FIX-NEXT: }
// FIX-NEXT: %last = pto.range %i_1 = %c0 to %c8 step %c1 iter_args(%w = %zero) -> (tensor<1x4xf32>) {

// AGAIN-NOT: %t
// AGAIN:     warning: 'pto.range' op pto.range %i carries %w
// AGAIN-NOT: warning
