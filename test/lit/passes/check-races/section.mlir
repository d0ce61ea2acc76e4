// A pto.section runs once per task, unconditionally: stores inside it are decided as
// stores outside it. Its region used to count as an unknown condition, so a certain
// race inside a section (every task below writes out[0, 0:64]) was only a "may race"
// warning.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

func.func @race_in_section(%x: memref<8x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 core mix {
    %c0 = arith.constant 0 : index
    pto.section vector {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      // expected-error@+1 {{'pto.store' op race: tasks 0 and 1 both write out[0, 0:64] (store at}}
      pto.store %v, %out[%c0, %c0] : tensor<1x64xf32>, memref<4x64xf32>
    }
  }
  func.return
}

// -----

// A cube section's store against a vector section's load of another task's row.
func.func @across_sections(%x: memref<8x64xf32>, %out: memref<9x64xf32>, %y: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 core mix {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    pto.section cube {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      // expected-error@+1 {{'pto.store' op race: task 1 writes out[1, 0:64], which task 0 reads}}
      pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<9x64xf32>
    }
    pto.section vector {
      %n = arith.addi %t, %c1 : index
      %w = pto.load %out[%n, %c0] : memref<9x64xf32> -> tensor<1x64xf32>
      pto.store %w, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
    }
  }
  func.return
}

// -----

// Disjoint rows inside sections: no diagnostic.
func.func @clean_sections(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 core mix {
    %c0 = arith.constant 0 : index
    pto.section vector {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
    }
  }
  func.return
}
