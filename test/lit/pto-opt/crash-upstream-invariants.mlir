// IR that xdsl 0.74 verifies but later crashes on (the printer, the interpreter,
// pto-check-races): a comparison predicate out of range, an index constant that
// does not fit in 64 bits. Both are rejected at the op.
// RUN: pto-opt %s --verify-diagnostics --split-input-file
// RUN: not pto-opt %s -p pto-check-races 2>&1 | filecheck --check-prefix=FIRST %s

func.func @cmpi(%a: index) {
  // expected-error@+1 {{'arith.cmpi' op predicate 65 is not a valid predicate (0 to 9)}}
  %g = "arith.cmpi"(%a, %a) <{predicate = 65 : i64}> : (index, index) -> i1
  func.return
}
// FIRST: crash-upstream-invariants.mlir:[[# @LINE - 3]]:3: error: 'arith.cmpi' op predicate 65
// FIRST-NOT: Traceback

// -----

func.func @cmpf(%a: f32) {
  // expected-error@+1 {{'arith.cmpf' op predicate 16 is not a valid predicate (0 to 15)}}
  %g = "arith.cmpf"(%a, %a) <{predicate = 16 : i64, fastmath = #arith.fastmath<none>}> : (f32, f32) -> i1
  func.return
}

// -----

func.func @index_overflow(%m: memref<64x64xf32>) {
  pto.spmd %t = 0 to 4 name "s" {
    // expected-error@+1 {{'arith.constant' op index value -9223372036854775809 does not fit in 64 bits}}
    %c0 = arith.constant -9223372036854775809 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    pto.range %j = %c0 to %c4 step %c1 {
      %x = arith.constant dense<0.0> : tensor<1x64xf32>
      pto.store %x, %m[%j, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    }
  }
  func.return
}
