// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f() {
  pto.spmd %t = 0 to 4 core vector {
    pto.section cube {
    }
  }
  func.return
}
// CHECK: issue8-mixed.mlir:5:5: error: 'pto.section' op pto.section belongs in a mixed task: a pto.spmd with `core mix`

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    pto.section vector {
      %e = math.exp %c : tensor<4x64xf32>
    }
  }
  func.return
}
// CHECK: issue8-mixed.mlir:18:5: error: 'pto.section' op operand #0 of math.exp is a tile made on the cube side; the vector side gets it only through pto.handoff

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    %v = pto.handoff %c from cube to cube : tensor<4x64xf32>
  }
  func.return
}
// CHECK: issue8-mixed.mlir:32:5: error: 'pto.handoff' op pto.handoff hands a tile from one side to the other, not from cube to cube

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section vector -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    %v = pto.handoff %c from cube to vector : tensor<4x64xf32>
  }
  func.return
}
// CHECK: issue8-mixed.mlir:44:5: error: 'pto.handoff' op pto.handoff from cube needs a tile made on that side, but its operand is made on the vector side

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    %v = pto.handoff %c from cube to vector : tensor<4x64xf32>
    pto.section cube {
      %e = math.exp %v : tensor<4x64xf32>
    }
  }
  func.return
}
// CHECK: issue8-mixed.mlir:57:5: error: 'pto.section' op operand #0 of math.exp was handed to the vector side, not to this cube section

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield
    }
  }
  func.return
}
// CHECK: issue8-mixed.mlir:68:5: error: 'pto.section' op pto.section has results (tensor<4x64xf32>) but its pto.yield gives ()

// -----
func.func @f() {
  pto.spmd %t = 0 to 4 core mix {
    pto.section gpu {
    }
  }
  func.return
}
// CHECK: issue8-mixed.mlir:79:17: error: pto.section side must be one of cube, vector, got 'gpu'

// -----
func.func @f() {
  pto.spmd %t = 0 to 4 core mix {
    pto.section cube {
      pto.section vector {
      }
    }
  }
  func.return
}
// CHECK: issue8-mixed.mlir:90:7: error: 'pto.section' op pto.section cannot be nested in another pto.section
