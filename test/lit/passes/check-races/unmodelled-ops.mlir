// An op of a task that takes a GM tensor and may touch its elements in a way the
// check does not model (upstream memref.store, memref.load, memref.copy) used to be
// invisible to it: every task below writes out[0, 0] and the check passed. It is now
// "may race: undecided", an error at the op. (The interpreter does not run these ops
// either; metadata and views, memref.dim / collapse_shape / expand_shape, are fine.)
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

func.func @upstream_store(%out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %f = arith.constant 1.0 : f32
    // expected-error@+1 {{'memref.store' op may race: cannot prove that different tasks access disjoint parts of memory: the check does not model how memref.store accesses out}}
    memref.store %f, %out[%c0, %c0] : memref<4x64xf32>
  }
  func.return
}

// -----

func.func @upstream_load(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    // expected-error@+1 {{the check does not model how memref.load accesses out}}
    %f = memref.load %out[%c0, %c0] : memref<8x64xf32>
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

func.func @upstream_copy(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    // expected-error@+1 {{the check does not model how memref.copy accesses x, out}}
    "memref.copy"(%x, %out) : (memref<8x64xf32>, memref<8x64xf32>) -> ()
  }
  func.return
}

// -----

// memref.dim and views: no diagnostic.
func.func @metadata(%x: memref<?x64xf32>, %out: memref<?x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %n = memref.dim %x, %c0 : memref<?x64xf32>
    %flat = memref.collapse_shape %out [[0, 1]] : memref<?x64xf32> into memref<?xf32>
    %v = pto.load %x[%t, %c0] : memref<?x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<?x64xf32>
  }
  func.return
}
