// Atomic-add stores: different tasks adding into the same elements is not a race (split-K
// partials into one buffer); an atomic add against a plain store, or against a load or
// read of the same elements in another task, is.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics | filecheck %s

// Split-K: tasks 2n and 2n+1 add their partials into the same [16, 128] window.
// CHECK-LABEL: func.func @split_k
// CHECK: pto.store %p, %acc[%c0, %n0] atomic add
func.func @split_k(%x: memref<64x128xf32>, %acc: memref<16x1024xf32>) {
  pto.spmd %t = 0 to 16 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c16 = arith.constant 16 : index
    %c128 = arith.constant 128 : index
    %n = arith.divsi %t, %c2 : index
    %n0 = arith.muli %n, %c128 : index
    %ks = arith.remsi %t, %c2 : index
    %r = arith.muli %ks, %c16 : index
    %p = pto.load %x[%r, %c0] : memref<64x128xf32> -> tensor<16x128xf32>
    pto.store %p, %acc[%c0, %n0] atomic add : tensor<16x128xf32>, memref<16x1024xf32>
  }
  func.return
}

// -----

// Every task adds into the one tile, from two different stores: still no race.
// CHECK-LABEL: func.func @all_tasks_two_stores
func.func @all_tasks_two_stores(%x: memref<16x32xf32>, %acc: memref<16x32xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %p = pto.load %x[%c0, %c0] : memref<16x32xf32> -> tensor<16x32xf32>
    pto.store %p, %acc[%c0, %c0] atomic add : tensor<16x32xf32>, memref<16x32xf32>
    pto.store %p, %acc[%c0, %c0] atomic add : tensor<16x32xf32>, memref<16x32xf32>
  }
  func.return
}

// -----

// An atomic add and a plain store of the same elements in different tasks.
func.func @atomic_vs_plain(%x: memref<16x32xf32>, %acc: memref<16x32xf32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %p = pto.load %x[%c0, %c0] : memref<16x32xf32> -> tensor<16x32xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 0 and 1 both write acc[0:16, 0:32] (store at}}
    pto.store %p, %acc[%c0, %c0] atomic add : tensor<16x32xf32>, memref<16x32xf32>
    pto.store %p, %acc[%c0, %c0] : tensor<16x32xf32>, memref<16x32xf32>
  }
  func.return
}

// -----

// An atomic add that another task reads back in the same scope.
func.func @atomic_vs_load(%x: memref<16x32xf32>, %acc: memref<16x32xf32>, %o: memref<64x32xf32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c16 = arith.constant 16 : index
    %p = pto.load %x[%c0, %c0] : memref<16x32xf32> -> tensor<16x32xf32>
    // expected-error@+1 {{'pto.store' op race: task 0 atomically adds to acc[0:16, 0:32], which task 1 reads (store at}}
    pto.store %p, %acc[%c0, %c0] atomic add : tensor<16x32xf32>, memref<16x32xf32>
    %q = pto.load %acc[%c0, %c0] : memref<16x32xf32> -> tensor<16x32xf32>
    %r = arith.muli %t, %c16 : index
    pto.store %q, %o[%r, %c0] : tensor<16x32xf32>, memref<64x32xf32>
  }
  func.return
}

// -----

// A scalar read of an element another task adds to.
func.func @atomic_vs_read(%x: memref<4x64xi32>, %cnt: memref<1x64xi32>, %o: memref<4x64xi32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c5 = arith.constant 5 : index
    %p = pto.load %x[%t, %c0] : memref<4x64xi32> -> tensor<1x64xi32>
    // expected-error@+1 {{which task 1 reads (store at}}
    pto.store %p, %cnt[%c0, %c0] atomic add : tensor<1x64xi32>, memref<1x64xi32>
    %v = pto.read %cnt[%c0, %c5] : memref<1x64xi32> -> i32
    pto.store %p, %o[%t, %c0] : tensor<1x64xi32>, memref<4x64xi32>
  }
  func.return
}

// -----

// A task reading back only its own atomic-add window: no other task touches it.
// CHECK-LABEL: func.func @own_window
func.func @own_window(%x: memref<4x64xf32>, %acc: memref<4x64xf32>, %o: memref<4x64xf32>) {
  pto.spmd %t = 0 to 4 {
    %c0 = arith.constant 0 : index
    %p = pto.load %x[%t, %c0] : memref<4x64xf32> -> tensor<1x64xf32>
    pto.store %p, %acc[%t, %c0] atomic add : tensor<1x64xf32>, memref<4x64xf32>
    %q = pto.load %acc[%t, %c0] : memref<4x64xf32> -> tensor<1x64xf32>
    pto.store %q, %o[%t, %c0] : tensor<1x64xf32>, memref<4x64xf32>
  }
  func.return
}
