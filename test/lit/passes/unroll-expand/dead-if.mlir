// A task body with a pto.unroll and a side-effect-free scf.if that holds another one
// (issue 12, finding 3): the cleanup of the task body erases the dead scf.if; the
// pass used to clean the scf.if's region afterwards and exit 2 ("Operation insertion
// point must have a parent block"). Each region is now cleaned once, from the
// outermost region that held an unroll.
// RUN: pto-opt %s -p pto-unroll-expand | filecheck %s

func.func @k(%x: memref<4x64xf32>, %out: memref<4x64xf32>, %flag: i1) {
  pto.spmd %t = 0 to 2 {
    pto.unroll %j = 0 to 2 {
      %r = arith.addi %t, %j : index
      %v = pto.load %x[%r, %r] : memref<4x64xf32> -> tensor<1x64xf32>
      pto.store %v, %out[%r, %r] : tensor<1x64xf32>, memref<4x64xf32>
    }
    scf.if %flag {
      pto.unroll %i = 0 to 2 {
        %q = arith.addi %t, %i : index
      }
    }
  }
  func.return
}

// CHECK-LABEL: func.func @k
// CHECK-NOT:   pto.unroll
// CHECK:       pto.store %{{.*}}, %out[%t, %t]
// CHECK:       %[[R:.*]] = arith.addi %t, %{{.*}} : index
// CHECK:       pto.store %{{.*}}, %out[%[[R]], %[[R]]]
// CHECK-NOT:   scf.if
// CHECK-NOT:   pto.unroll
// CHECK:       func.return
