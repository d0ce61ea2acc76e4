// A store index over a loop whose bounds are near +-2**63: pto-check-races enumerated
// its values in int64 and crashed (OverflowError). Now the pair is undecided.
// RUN: not pto-opt %s -p pto-check-races 2>&1 | filecheck %s
// CHECK-NOT: Traceback
// CHECK: crash-check-races-overflow.mlir:[[# @LINE + 12]]:7: error: 'pto.store' op may race: {{.*}}its index values are too large to enumerate in 64 bits
// CHECK-NOT: internal error

func.func @f(%m: memref<64x64xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %big = arith.constant 9223372036854775807 : index
    %neg = arith.constant -9223372036854775808 : index
    pto.range %j = %neg to %big step %c1 {
      %r = arith.addi %j, %t : index
      %x = arith.constant dense<0.0> : tensor<1x64xf32>
      pto.store %x, %m[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    }
  }
  func.return
}
