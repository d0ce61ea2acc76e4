// A batch loop is a batch loop by its {pto.batch} mark, whatever loop op, nesting or
// index source it uses (issue 12, finding 2: each of these leaks was missed, and each
// changes the output): an scf.for, a batch index read from a table with pto.read, and
// a batch loop nested in a one-trip pto.range. Each carries a running sum (a
// reduction) from one batch into the next under a gate.
// RUN: pto-opt %s --split-input-file -p pto-check-carried --verify-diagnostics
// RUN: not pto-opt %s -p pto-check-carried 2>&1 | filecheck %s

// CHECK: error: 'scf.for' op scf.for %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries %m (a reduction) from one batch into the next; a batch must not observe another batch's state: keep it private per batch (define it inside the loop) or mark the carry as intended with {pto.intended_carry = [0]}
func.func @scf_for(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{scf.for %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries %m (a reduction) from one batch into the next}}
    %r = scf.for %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
      %b = arith.addi %base, %j : index
      %f = pto.read %flags[%b] : memref<8xi32> -> i32
      %on = arith.cmpi ne, %f, %c0_i32 : i32
      %next = scf.if %on -> (tensor<1x4xf32>) {
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        %a = arith.addf %m, %v : tensor<1x4xf32>
        scf.yield %a : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      scf.yield %next : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

// The batch of iteration j of task g is table[g, j]: no index arithmetic combines
// the task id with the loop index.
func.func @read_index(%x: memref<8x4xf32>, %flags: memref<8xi32>, %table: memref<4x2xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries %m (a reduction) from one batch into the next}}
    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
      %bi = pto.read %table[%g, %j] : memref<4x2xi32> -> i32
      %b = arith.index_cast %bi : i32 to index
      %f = pto.read %flags[%b] : memref<8xi32> -> i32
      %on = arith.cmpi ne, %f, %c0_i32 : i32
      %next = scf.if %on -> (tensor<1x4xf32>) {
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        %a = arith.addf %m, %v : tensor<1x4xf32>
        scf.yield %a : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %next : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}

// -----

func.func @nested(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
    pto.range %once = %c0 to %c1 step %c1 {
      // expected-error@+1 {{pto.range %j is a batch loop (marked {pto.batch}: its iterations stand for distinct tasks) and carries %m (a reduction) from one batch into the next}}
      %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
        %b = arith.addi %base, %j : index
        %f = pto.read %flags[%b] : memref<8xi32> -> i32
        %on = arith.cmpi ne, %f, %c0_i32 : i32
        %next = scf.if %on -> (tensor<1x4xf32>) {
          %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
          %a = arith.addf %m, %v : tensor<1x4xf32>
          scf.yield %a : tensor<1x4xf32>
        } else {
          scf.yield %m : tensor<1x4xf32>
        }
        pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
        pto.yield %next : tensor<1x4xf32>
      } {pto.batch}
    }
  }
  func.return
}
