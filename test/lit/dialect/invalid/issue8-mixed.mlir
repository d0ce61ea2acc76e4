// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f() {
  pto.spmd %t = 0 to 4 core vector {
    // expected-error@+1 {{'pto.section' op pto.section belongs in a mixed task: a pto.spmd with `core mix`}}
    pto.section cube {
    }
  }
  func.return
}

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    // expected-error@+1 {{'pto.section' op operand #0 of math.exp is a tile made on the cube side; the vector side gets it only through pto.handoff}}
    pto.section vector {
      %e = math.exp %c : tensor<4x64xf32>
    }
  }
  func.return
}

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    // expected-error@+1 {{'pto.handoff' op pto.handoff hands a tile from one side to the other, not from cube to cube}}
    %v = pto.handoff %c from cube to cube : tensor<4x64xf32>
  }
  func.return
}

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section vector -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    // expected-error@+1 {{'pto.handoff' op pto.handoff from cube needs a tile made on that side, but its operand is made on the vector side}}
    %v = pto.handoff %c from cube to vector : tensor<4x64xf32>
  }
  func.return
}

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield %x : tensor<4x64xf32>
    }
    %v = pto.handoff %c from cube to vector : tensor<4x64xf32>
    // expected-error@+1 {{'pto.section' op operand #0 of math.exp was handed to the vector side, not to this cube section}}
    pto.section cube {
      %e = math.exp %v : tensor<4x64xf32>
    }
  }
  func.return
}

// -----
func.func @f(%x: tensor<4x64xf32>) {
  pto.spmd %t = 0 to 4 core mix {
    // expected-error@+1 {{'pto.section' op pto.section has results (tensor<4x64xf32>) but its pto.yield gives ()}}
    %c = pto.section cube -> (tensor<4x64xf32>) {
      pto.yield
    }
  }
  func.return
}

// -----
func.func @f() {
  pto.spmd %t = 0 to 4 core mix {
    // expected-error@+1 {{pto.section side must be one of cube, vector, got 'gpu'}}
    pto.section gpu {
    }
  }
  func.return
}

// -----
func.func @f() {
  pto.spmd %t = 0 to 4 core mix {
    pto.section cube {
      // expected-error@+1 {{'pto.section' op pto.section cannot be nested in another pto.section}}
      pto.section vector {
      }
    }
  }
  func.return
}
