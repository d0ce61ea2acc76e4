// Stores proved disjoint: no diagnostic, and the IR is unchanged.
// RUN: pto-opt %s --split-input-file > %t.ref.mlir
// RUN: pto-opt %s --split-input-file -p pto-check-races 2> %t.err > %t.out.mlir
// RUN: diff %t.ref.mlir %t.out.mlir
// RUN: not grep . %t.err
// RUN: filecheck %s --input-file %t.out.mlir

// The seed's kv_score_proj pattern: 32 tasks, task i writes the 64x64 block at row
// (i / 16) * 64, column (i % 16) * 64 of two [128, 1024] outputs.
// CHECK-LABEL: func.func @kv_score_proj
func.func @kv_score_proj(%x: memref<128x4096xbf16>, %wkv: memref<4096x1024xbf16>,
                         %kv_proj: memref<128x1024xf32>, %score_proj: memref<128x1024xf32>) {
  pto.spmd %i = 0 to 32 name "kv_score_proj" core cube {
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %rb = arith.divsi %i, %c16 : index
    %row = arith.muli %rb, %c64 : index
    %cb = arith.remsi %i, %c16 : index
    %col = arith.muli %cb, %c64 : index
    %a = pto.load %x[%row, %c0] : memref<128x4096xbf16> -> tensor<64x512xbf16>
    %b = pto.load %wkv[%c0, %col] : memref<4096x1024xbf16> -> tensor<512x64xbf16>
    %acc = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
    pto.store %acc, %kv_proj[%row, %col] : tensor<64x64xf32>, memref<128x1024xf32>
    pto.store %acc, %score_proj[%row, %col] : tensor<64x64xf32>, memref<128x1024xf32>
  }
  func.return
}

// -----

// The same with a task count known only at run time: the symbolic argument (row block
// t / 16 and column block t % 16 together determine t) covers every count.
// CHECK-LABEL: func.func @kv_dynamic
func.func @kv_dynamic(%n: index, %acc_in: memref<64x64xf32>, %out: memref<?x1024xf32>) {
  pto.spmd %i = 0 to %n {
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %rb = arith.floordivsi %i, %c16 : index
    %row = arith.muli %rb, %c64 : index
    %cb = arith.remui %i, %c16 : index
    %col = arith.muli %cb, %c64 : index
    %acc = pto.load %acc_in[%c0, %c0] : memref<64x64xf32> -> tensor<64x64xf32>
    pto.store %acc, %out[%row, %col] : tensor<64x64xf32>, memref<?x1024xf32>
  }
  func.return
}

// -----

// kv_score_proj grouped by hand, 2 blocks per task, unrolled: i = g * 2 + j.
// CHECK-LABEL: func.func @kv_grouped
func.func @kv_grouped(%acc_in: memref<64x64xf32>, %out: memref<128x1024xf32>) {
  pto.spmd %g = 0 to 16 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c16 = arith.constant 16 : index
    %c64 = arith.constant 64 : index
    %base = arith.muli %g, %c2 : index
    pto.unroll %j = 0 to 2 {
      %i = arith.addi %base, %j : index
      %rb = arith.divsi %i, %c16 : index
      %row = arith.muli %rb, %c64 : index
      %cb = arith.remsi %i, %c16 : index
      %col = arith.muli %cb, %c64 : index
      %acc = pto.load %acc_in[%c0, %c0] : memref<64x64xf32> -> tensor<64x64xf32>
      pto.store %acc, %out[%row, %col] : tensor<64x64xf32>, memref<128x1024xf32>
    }
  }
  func.return
}

// -----

// Only task 0 runs the store (the condition is decided per task); an offset defined
// outside the scope is the same in every task and cancels.
// CHECK-LABEL: func.func @guarded_and_uniform
func.func @guarded_and_uniform(%off: index, %x: memref<1x64xf32>, %out: memref<?x64xf32>,
                               %total: memref<1x64xf32>) {
  pto.spmd %t = 0 to 64 {
    %c0 = arith.constant 0 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %first = arith.cmpi eq, %t, %c0 : index
    scf.if %first {
      pto.store %v, %total[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
    }
    %r = arith.addi %off, %t : index
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<?x64xf32>
  }
  func.return
}

// -----

// Two stores to two halves of one memref, a strided runtime loop, and a loop index
// mixed with the task id: row 4 * t + i for i in [0, 4).
// CHECK-LABEL: func.func @halves_and_loops
func.func @halves_and_loops(%x: memref<1x64xf32>, %out: memref<128x64xf32>,
                            %tall: memref<256x64xf32>) {
  pto.spmd %t = 0 to 64 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c64 = arith.constant 64 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %hi = arith.addi %t, %c64 : index
    pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<128x64xf32>
    pto.store %v, %out[%hi, %c0] : tensor<1x64xf32>, memref<128x64xf32>
    %base = arith.muli %t, %c4 : index
    pto.range %i = %c0 to %c4 step %c1 {
      %r = arith.addi %base, %i : index
      pto.store %v, %tall[%r, %c0] : tensor<1x64xf32>, memref<256x64xf32>
    }
  }
  func.return
}

// -----

// A permutation the symbolic argument does not see (row = 3 * t mod 64): decided by
// enumerating all task pairs.
// CHECK-LABEL: func.func @permutation
func.func @permutation(%x: memref<1x64xf32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 64 {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %c64 = arith.constant 64 : index
    %t3 = arith.muli %t, %c3 : index
    %r = arith.remsi %t3, %c64 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
  }
  func.return
}

// -----

// kv_score_proj's blocks written with bit operations, and an scf.for with a step:
// row t >> 4 << 6, column (t & 15) << 6; rows 2 * i for i = 0, 2, 4, 6 of block t.
// CHECK-LABEL: func.func @bits_and_scf_for
func.func @bits_and_scf_for(%acc_in: memref<64x64xf32>, %out: memref<128x1024xf32>,
                            %x: memref<1x64xf32>, %rows: memref<256x64xf32>) {
  pto.spmd %t = 0 to 32 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %c6 = arith.constant 6 : index
    %c8 = arith.constant 8 : index
    %c15 = arith.constant 15 : index
    %c16 = arith.constant 16 : index
    %rb = arith.shrsi %t, %c4 : index
    %row = arith.shli %rb, %c6 : index
    %cb = arith.andi %t, %c15 : index
    %col = arith.shli %cb, %c6 : index
    %acc = pto.load %acc_in[%c0, %c0] : memref<64x64xf32> -> tensor<64x64xf32>
    pto.store %acc, %out[%row, %col] : tensor<64x64xf32>, memref<128x1024xf32>
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %base = arith.muli %t, %c8 : index
    scf.for %i = %c0 to %c8 step %c2 {
      %r = arith.addi %base, %i : index
      pto.store %v, %rows[%r, %c0] : tensor<1x64xf32>, memref<256x64xf32>
    }
  }
  func.return
}
