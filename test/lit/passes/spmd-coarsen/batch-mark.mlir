// pto-spmd-coarsen marks the loop it creates over the G tasks of a group with
// {pto.batch}: its iterations stand for distinct tasks (what pto-check-carried and
// pto-privatize-carries act on), for inner=range and inner=unroll alike.
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2 inner=range}' | filecheck %s --check-prefix=RANGE
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=2}' | filecheck %s --check-prefix=UNROLL
// RUN: pto-opt %s -p 'pto-spmd-coarsen{factor=3 remainder=guard inner=range}' | filecheck %s --check-prefix=GUARD

func.func @k(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%t, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    pto.store %v, %y[%t, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}

// RANGE:      pto.range %j = %j_lb to %group_size step %j_step {
// RANGE:        pto.store
// RANGE-NEXT: } {pto.batch}
// UNROLL:      pto.unroll %j = 0 to 2 {
// UNROLL:        pto.store
// UNROLL-NEXT: } {pto.batch}
// GUARD:      pto.range %j = %j_lb to %group_size step %j_step {
// GUARD:        scf.if %in_range {
// GUARD:        }
// GUARD-NEXT: } {pto.batch}
