// Carries through memory count like carries through values (issue 12, finding 2: a
// store in iteration i read back in iteration i + 1 was missed). In a batch loop, a
// store of one batch that a later batch reads at an overlapping index is an error with
// a witness; a read the same batch has just overwritten, or a row of the batch's own,
// is not a carry. Decided with the index expressions of pto-check-races.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics
// RUN: not pto-opt %s -p pto-check-carried 2>&1 | filecheck %s

// CHECK: error: 'pto.range' op pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries memory from one batch into the next: batch 0 stores %scratch[0, 0:4] (pto.store at {{.*}}memory.mlir:{{[0-9]+}}:7) and batch 1 reads it (pto.load at {{.*}}memory.mlir:{{[0-9]+}}:7)
func.func @through_scratch(%x: memref<8x4xf32>, %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries memory from one batch into the next: batch 0 stores %scratch[0, 0:4]}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %prev = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %s = arith.addf %prev, %v : tensor<1x4xf32>
      pto.store %s, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.store %v, %scratch[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// The previous batch's row, read back: batch j reads what batch j - 1 stored.
func.func @previous_row(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{carries memory from one batch into the next: batch 0 stores %y[}}
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      %later = arith.cmpi sge, %j, %c1 : index
      scf.if %later {
        %p = arith.subi %b, %c1 : index
        %w = pto.load %y[%p, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        pto.store %w, %x[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      }
    } {pto.batch}
  }
  func.return
}

// -----

// Clean: each batch reads only what it stored itself (its own row, or the scratch it
// has just overwritten in the same iteration).
func.func @own(%x: memref<8x4xf32>, %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %base = arith.muli %g, %c2 : index
    pto.range %j = %c0 to %c2 step %c1 {
      %b = arith.addi %base, %j : index
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %scratch[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
      %t = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      %u = pto.load %y[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %e = math.exp %u : tensor<1x4xf32>
      pto.store %e, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    } {pto.batch}
  }
  func.return
}
