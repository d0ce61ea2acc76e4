// RUN: pto-opt %s --split-input-file --verify-diagnostics | filecheck %s

func.func @f() {
  pto.unroll %j = 0 to 0 {
  }
  func.return
}
// CHECK: loops.mlir:4:3: error: 'pto.unroll' op pto.unroll count must be >= 1, got 0

// -----
func.func @f(%x: f32) {
  %r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (f32) {
    %i = arith.constant 1 : i32
    pto.yield %i : i32
  }
  func.return
}
// CHECK: loops.mlir:12:3: error: 'pto.unroll' op pto.yield value #0 has type i32 but iter_arg #0 has type f32

// -----
func.func @f(%x: f32) {
  %r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (f32) {
    pto.yield %a, %a : f32, f32
  }
  func.return
}
// CHECK: error: 'pto.unroll' op pto.yield returns 2 values but pto.unroll carries 1 iter_args

// -----
func.func @f(%x: f32, %lb: index) {
  %r = pto.range %s = %lb to %lb step %lb pipeline 0 iter_args(%a = %x) -> (f32) {
    pto.yield %a : f32
  }
  func.return
}
// CHECK: error: 'pto.range' op pto.range pipeline depth must be >= 1, got 0

// -----
func.func @f(%lb: i32) {
  pto.range %s = %lb to %lb step %lb {
  }
  func.return
}
// CHECK: loops.mlir:40:18: error: operand is used with type index, but has been previously used or defined with type i32

// -----
func.func @f() {
  pto.yield
}
// CHECK: error: 'pto.yield' op {{.*}}pto.spmd{{.*}}
