// The seed's softmax_pool stores pooled[b, h0:h0+64] with h0 = hb * 64 in a pto.range:
// proved disjoint per batch (G = 1), and grouped G = 2 and G = 4 batches per task
// (hand-written G = 2 input; the pto-spmd-coarsen forms with inner unroll / range; and
// after pto-unroll-expand). The check leaves the IR unchanged and prints nothing.

// RUN: pto-opt %examples/softmax_pool.mlir > %t.ref1.mlir
// RUN: pto-opt %examples/softmax_pool.mlir -p pto-check-races 2> %t.err1 > %t.out1.mlir
// RUN: diff %t.ref1.mlir %t.out1.mlir
// RUN: not grep . %t.err1

// RUN: pto-opt %S/Inputs/softmax_pool_g2.mlir > %t.ref2.mlir
// RUN: pto-opt %S/Inputs/softmax_pool_g2.mlir -p pto-check-races 2> %t.err2 > %t.out2.mlir
// RUN: diff %t.ref2.mlir %t.out2.mlir
// RUN: not grep . %t.err2
// RUN: filecheck %s --check-prefix=G2 --input-file %t.out2.mlir
// G2: pto.spmd %g = 0 to 32 name "softmax_pool" core vector {
// G2:   pto.unroll %j = 0 to 2 {
// G2:     %b = arith.addi %group_base, %j : index
// G2:     pto.store %out, %pooled[%b, %h0] : tensor<1x64xf32>, memref<64x512xf32>

// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2},pto-check-races' 2> %t.err3 | filecheck %s --check-prefix=C2
// RUN: not grep . %t.err3
// C2: pto.spmd %g = 0 to 32
// C2: pto.store

// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=4},pto-check-races' 2> %t.err4 | filecheck %s --check-prefix=C4
// RUN: not grep . %t.err4
// C4: pto.spmd %g = 0 to 16
// C4: pto.store

// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2 inner=range},pto-check-races' 2> %t.err5 | filecheck %s --check-prefix=R2
// RUN: not grep . %t.err5
// R2: pto.spmd %g = 0 to 32
// R2: pto.range %j
// R2: pto.store

// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=2},pto-unroll-expand,pto-check-races' 2> %t.err6 | filecheck %s --check-prefix=X2
// RUN: not grep . %t.err6
// X2: pto.spmd %g = 0 to 32
// X2-COUNT-2: pto.store

// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=4},pto-unroll-expand,pto-check-races' 2> %t.err7 | filecheck %s --check-prefix=X4
// RUN: not grep . %t.err7
// X4: pto.spmd %g = 0 to 16
// X4-COUNT-4: pto.store

// The check after the pass equals the pass alone: check-races changes nothing.
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=4},pto-unroll-expand' > %t.ref8.mlir
// RUN: pto-opt %examples/softmax_pool.mlir -p 'pto-spmd-coarsen{factor=4},pto-unroll-expand,pto-check-races' > %t.out8.mlir
// RUN: diff %t.ref8.mlir %t.out8.mlir
