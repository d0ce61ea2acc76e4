// A batch loop inside another loop of the task: the outer iterations interleave the
// batches, so batch j1's store in an earlier outer iteration that batch j2 != j1 reads
// in a later one is a memory carry too. The outer loop's counter used to be taken as
// the same for both accesses, so only pairs within one outer iteration were decided:
// below, at h = 1 batch j reads the row batch 1 - j stored at h = 0, and the check
// passed. The witness names the outer loop's values.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics

func.func @across_outer(%x: memref<8x4xf32>, %scratch: memref<16x4xf32>, %y: memref<16x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %base = arith.muli %g, %c2 : index
    %sbase = arith.muli %g, %c4 : index
    pto.range %h = %c0 to %c2 step %c1 {
      // expected-error@+1 {{carries memory from one batch into the next: batch 0 stores %scratch[4*g, 0:4] (pto.store at}}
      pto.range %j = %c0 to %c2 step %c1 {
        %b = arith.addi %base, %j : index
        %h2 = arith.muli %h, %c2 : index
        %hj = arith.addi %h2, %j : index
        %row = arith.addi %sbase, %hj : index
        %later = arith.cmpi sge, %h, %c1 : index
        scf.if %later {
          // row 4g + 2h - 1 - j: at h = 1, the row of batch 1 - j at h = 0
          %r1 = arith.subi %row, %c1 : index
          %jj = arith.addi %j, %j : index
          %prow = arith.subi %r1, %jj : index
          %p = pto.load %scratch[%prow, %c0] : memref<16x4xf32> -> tensor<1x4xf32>
          %yr = arith.muli %b, %c2 : index
          %yr2 = arith.addi %yr, %h : index
          pto.store %p, %y[%yr2, %c0] : tensor<1x4xf32>, memref<16x4xf32>
        }
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        pto.store %v, %scratch[%row, %c0] : tensor<1x4xf32>, memref<16x4xf32>
      } {pto.batch}
    }
  }
  func.return
}

// -----

// Each batch reads back its own row of the previous outer iteration (4g + 2(h - 1) + j):
// not a carry between batches, no diagnostic.
func.func @own_previous(%x: memref<8x4xf32>, %scratch: memref<16x4xf32>, %y: memref<16x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c4 = arith.constant 4 : index
    %base = arith.muli %g, %c2 : index
    %sbase = arith.muli %g, %c4 : index
    pto.range %h = %c0 to %c2 step %c1 {
      pto.range %j = %c0 to %c2 step %c1 {
        %b = arith.addi %base, %j : index
        %h2 = arith.muli %h, %c2 : index
        %hj = arith.addi %h2, %j : index
        %row = arith.addi %sbase, %hj : index
        %later = arith.cmpi sge, %h, %c1 : index
        scf.if %later {
          %prow = arith.subi %row, %c2 : index
          %p = pto.load %scratch[%prow, %c0] : memref<16x4xf32> -> tensor<1x4xf32>
          %yr = arith.muli %b, %c2 : index
          %yr2 = arith.addi %yr, %h : index
          pto.store %p, %y[%yr2, %c0] : tensor<1x4xf32>, memref<16x4xf32>
        }
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        pto.store %v, %scratch[%row, %c0] : tensor<1x4xf32>, memref<16x4xf32>
      } {pto.batch}
    }
  }
  func.return
}

// -----

// An outer loop whose trip count is unknown: the order of two batches' accesses is
// not modelled, so a store and a read of the same tensor are undecided (an error),
// conservatively: here each batch only reads back its own row. (pto-spmd-coarsen makes
// the batch loop the outermost loop of a task; only a hand-marked loop nests so.)
func.func @unknown_outer(%x: memref<8x4xf32>, %n: memref<1xi32>, %scratch: memref<64x4xf32>, %y: memref<64x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %ni = pto.read %n[%c0] : memref<1xi32> -> i32
    %nh = arith.index_cast %ni : i32 to index
    %base = arith.muli %g, %c2 : index
    pto.range %h = %c0 to %nh step %c1 {
      // expected-error@+1 {{may carry memory from one batch into the next: cannot prove that no later batch reads what pto.store at}}
      pto.range %j = %c0 to %c2 step %c1 {
        %b = arith.addi %base, %j : index
        %p = pto.load %scratch[%b, %c0] : memref<64x4xf32> -> tensor<1x4xf32>
        pto.store %p, %y[%b, %c0] : tensor<1x4xf32>, memref<64x4xf32>
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        pto.store %v, %scratch[%b, %c0] : tensor<1x4xf32>, memref<64x4xf32>
      } {pto.batch}
    }
  }
  func.return
}
