// A value used before its definition, in the same block or in a nested region:
// xdsl 0.74 accepts both (it does not check dominance), and the interpreter then
// crashed on an unset value. Now a verifier error at the use, naming the definition.
// RUN: pto-opt %s --verify-diagnostics --split-input-file
// RUN: not pto-run %s 2>&1 | filecheck --check-prefix=INTERP %s

func.func @same_block(%m: memref<64x64xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
    %c0 = arith.constant 0 : index
    // expected-error@+1 {{'arith.muli' op operand #1 %c4 is used before its definition or outside the region that defines it (defined at}}
    %r = arith.muli %t, %c4 : index
    %c4 = arith.constant 4 : index
    %x = arith.constant dense<0.0> : tensor<1x64xf32>
    pto.store %x, %m[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
  }
  func.return
}
// INTERP-NOT: Traceback
// INTERP: crash-use-before-def.mlir:[[# @LINE - 8]]:5: error: 'arith.muli' op operand #1 %c4 is used before its definition
// INTERP-NOT: Traceback

// -----

func.func @nested_region(%m: memref<64x64xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    pto.range %j = %c0 to %c4 step %c1 {
      // expected-error@+1 {{'arith.addi' op operand #1 %late is used before its definition or outside the region that defines it (defined at}}
      %y = arith.addi %j, %late : index
    }
    %late = arith.constant 3 : index
  }
  func.return
}
