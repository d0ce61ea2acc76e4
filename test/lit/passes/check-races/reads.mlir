// A load of elements that another task of the scope stores: what it reads depends on
// the order the tasks run in, a race as two stores would be. Reading the task's own
// stores is fine.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics | filecheck %s

// Task t reads row t + 1 (mod 8), which task t + 1 overwrites.
func.func @next_row(%out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %t1 = arith.addi %t, %c1 : index
    %r = arith.remui %t1, %c8 : index
    %v = pto.load %out[%r, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %w = arith.addf %v, %v : tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: task 0 writes out[0, 0:64], which task 7 reads (store at}}
    pto.store %w, %out[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

// A scalar read of an element that task 0 stores.
func.func @scalar_read(%flags: memref<8x8xi32>, %x: memref<8x8xi32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %n = pto.read %flags[%c0, %c0] : memref<8x8xi32> -> i32
    %v = pto.load %x[%t, %c0] : memref<8x8xi32> -> tensor<1x8xi32>
    // expected-error@+1 {{race: task 0 writes flags[0, 0], which task 1 reads (store at}}
    pto.store %v, %flags[%t, %c0] : tensor<1x8xi32>, memref<8x8xi32>
  }
  func.return
}

// -----

// Unknown indices: the row comes from a table another scope wrote; a warning.
func.func @table(%bt: memref<8xi32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %p = pto.read %bt[%t] : memref<8xi32> -> i32
    %r = arith.index_cast %p : i32 to index
    %v = pto.load %out[%r, %c0] : memref<64x64xf32> -> tensor<1x64xf32>
    // expected-warning@+1 {{may race: cannot prove that no other task reads what a store writes in out (store at}}
    pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<64x64xf32>
  }
  func.return
}

// -----

// Silent: each task reads, updates and writes back its own row (an in-place update),
// and reads a row that no task writes.
// CHECK-LABEL: func.func @in_place
func.func @in_place(%state: memref<16x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %bias = arith.addi %t, %c8 : index
    %v = pto.load %state[%t, %c0] : memref<16x64xf32> -> tensor<1x64xf32>
    %b = pto.load %state[%bias, %c0] : memref<16x64xf32> -> tensor<1x64xf32>
    %w = arith.addf %v, %b : tensor<1x64xf32>
    // CHECK: pto.store
    pto.store %w, %state[%t, %c0] : tensor<1x64xf32>, memref<16x64xf32>
  }
  func.return
}

// -----

// A load through a view the check does not model (memref.subview) may see what the
// scope's stores write: a warning, never silence.
func.func @unmodelled_view(%out: memref<8x64xf32>) {
  %sv = memref.subview %out[0, 0] [8, 64] [1, 1] : memref<8x64xf32> to memref<8x64xf32, strided<[64, 1]>>
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    // expected-warning@+1 {{'pto.load' op may race: cannot prove that no other task writes what this load reads of sv: it is made by memref.subview, which the check does not model as a view}}
    %v = pto.load %sv[%t, %c0] : memref<8x64xf32, strided<[64, 1]>> -> tensor<1x64xf32>
    pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
