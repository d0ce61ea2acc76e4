// Index arithmetic folds with ptoc's one integer semantics (64-bit two's complement,
// the interpreter's too): a negative index shifted, divided or compared unsigned
// wraps, and an overflowing sum is never materialised as 2^64 (issue 12, finding 4:
// it was, and then failed verification at the location of the pto.spmd). An undefined
// op (division by zero) is left for the run to report.
// RUN: pto-opt %s -p pto-unroll-expand | filecheck %s

func.func @k(%out: memref<8x8xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %m1 = arith.constant -1 : index
    %big = arith.constant 9223372036854775807 : index
    %v = arith.constant dense<1.0> : tensor<1x1xf32>
    pto.unroll %j = 0 to 2 {
      %s = arith.shli %m1, %j : index
      %d = arith.divui %m1, %big : index
      %n = arith.ceildivui %m1, %big : index
      %u = arith.shrui %m1, %big : index
      %w = arith.remui %m1, %big : index
      %o = arith.addi %big, %j : index
      %z = arith.divui %j, %c0 : index
      pto.store %v, %out[%d, %n] : tensor<1x1xf32>, memref<8x8xf32>
      pto.store %v, %out[%s, %o] : tensor<1x1xf32>, memref<8x8xf32>
      pto.store %v, %out[%u, %w] : tensor<1x1xf32>, memref<8x8xf32>
      pto.store %v, %out[%z, %z] : tensor<1x1xf32>, memref<8x8xf32>
    }
  }
  func.return
}

// CHECK-LABEL: func.func @k
// CHECK:       %[[U:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[S0:.*]] = arith.constant -1 : index
// CHECK-DAG:   %[[D:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[N:.*]] = arith.constant 3 : index
// CHECK-DAG:   %[[O0:.*]] = arith.constant 9223372036854775807 : index
// CHECK-DAG:   %[[W:.*]] = arith.constant 1 : index
// CHECK:       %[[Z:.*]] = arith.divui %[[U]], %[[U]] : index
// CHECK:       pto.store %{{.*}}, %out[%[[D]], %[[N]]]
// CHECK:       pto.store %{{.*}}, %out[%[[S0]], %[[O0]]]
// CHECK:       pto.store %{{.*}}, %out[%[[U]], %[[W]]]
// CHECK:       pto.store %{{.*}}, %out[%[[Z]], %[[Z]]]
// CHECK-DAG:   %[[S1:.*]] = arith.constant -2 : index
// CHECK-DAG:   %[[O1:.*]] = arith.constant -9223372036854775808 : index
// CHECK:       arith.divui %[[W]], %[[U]] : index
// CHECK:       pto.store %{{.*}}, %out[%[[S1]], %[[O1]]]
// CHECK-NOT:   9223372036854775808 : index
// CHECK:       func.return
