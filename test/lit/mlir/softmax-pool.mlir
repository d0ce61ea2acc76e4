// pto-to-upstream on the softmax_pool scope: only upstream ops are left, and the generic
// form verifies in upstream mlir-opt without --allow-unregistered-dialect.
// RUN: pto-opt -p 'pto-unroll-expand,pto-to-upstream' %examples/softmax_pool.mlir | filecheck %s
// RUN: pto-opt -p 'pto-unroll-expand,pto-to-upstream' --print-op-generic %examples/softmax_pool.mlir | %mlir-opt -o - | filecheck %s --check-prefix=UPSTREAM

// CHECK:      func.func @softmax_pool(%state: memref<?x2048xf32> {pto.name = "state"}, %block_table: memref<64x65xi32> {pto.name = "block_table"}
// CHECK-NOT:  {{(= |^ *)pto\.}}
// CHECK:      scf.for %b = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:        memref.load %start_pos[%b] : memref<64xi32>
// CHECK:        scf.if
// CHECK:          scf.for %hb =
// CHECK:            memref.subview %state[%{{.*}}, %{{.*}}] [1, 64] [1, 1] : memref<?x2048xf32> to memref<1x64xf32, strided<[2048, 1], offset: ?>>
// CHECK:            linalg.generic {{.*}} ins(%{{.*}} : memref<1x64xf32, strided<[2048, 1], offset: ?>>) outs(%{{.*}} : memref<1x64xf32>)
// CHECK:            bufferization.to_tensor
// CHECK:            math.exp %{{.*}} : f64
// CHECK:            scf.for %s = {{.*}} iter_args(
// CHECK:            bufferization.materialize_in_destination
// CHECK:      } {pto.scope = "softmax_pool", pto.core = "vector"}
// CHECK-NOT:  {{(= |^ *)pto\.}}

// UPSTREAM: func.func @softmax_pool(%arg0: memref<?x2048xf32> {pto.name = "state"}
// UPSTREAM: scf.for
// UPSTREAM: linalg.generic
// UPSTREAM: bufferization.materialize_in_destination
// UPSTREAM:   } {pto.core = "vector", pto.scope = "softmax_pool"}
