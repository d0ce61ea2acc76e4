// A memref defined inside the scope is private to the task only when the task
// allocates it: a loop's memref iter_arg or an scf.if result may be a kernel argument
// that every task writes. Such a write was skipped as "private" and passed silently
// (every task below writes out[0, 0:64]; the result depends on the task order); it is
// now "may race: undecided" (an error), as a write through any unmodelled memref is.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics

func.func @for_iter_arg(%x: memref<8x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%m = %out) -> (memref<4x64xf32>) {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      // expected-error@+1 {{'pto.store' op may race: cannot prove that different tasks write disjoint parts of m (store at}}
      pto.store %v, %m[%c0, %c0] : tensor<1x64xf32>, memref<4x64xf32>
      scf.yield %m : memref<4x64xf32>
    }
  }
  func.return
}

// -----

func.func @range_iter_arg(%x: memref<8x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %r = pto.range %i = %c0 to %c1 step %c1 iter_args(%m = %out) -> (memref<4x64xf32>) {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      // expected-error@+1 {{a block argument of the pto.range at}}
      pto.store %v, %m[%c0, %c0] : tensor<1x64xf32>, memref<4x64xf32>
      pto.yield %m : memref<4x64xf32>
    }
  }
  func.return
}

// -----

func.func @unroll_iter_arg(%x: memref<8x64xf32>, %out: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %r = pto.unroll %j = 0 to 2 iter_args(%m = %out) -> (memref<4x64xf32>) {
      %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
      // expected-error@+1 {{(a memref carried by a loop), which the check does not follow to the tensor it stands for}}
      pto.store %v, %m[%j, %c0] : tensor<1x64xf32>, memref<4x64xf32>
      pto.yield %m : memref<4x64xf32>
    }
  }
  func.return
}

// -----

// Tasks 0-3 write out[0, 0:64], tasks 4-7 o2[0, 0:64].
func.func @if_result(%x: memref<8x64xf32>, %out: memref<4x64xf32>, %o2: memref<4x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %p = arith.cmpi slt, %t, %c4 : index
    %m = scf.if %p -> (memref<4x64xf32>) {
      scf.yield %out : memref<4x64xf32>
    } else {
      scf.yield %o2 : memref<4x64xf32>
    }
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{: it is made by scf.if, which the check does not model as a view}}
    pto.store %v, %m[%c0, %c0] : tensor<1x64xf32>, memref<4x64xf32>
  }
  func.return
}

// -----

// A read through such a memref: a warning (as through any unmodelled memref).
func.func @read_if_result(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %true = arith.constant true
    %m = scf.if %true -> (memref<8x64xf32>) {
      scf.yield %out : memref<8x64xf32>
    } else {
      scf.yield %x : memref<8x64xf32>
    }
    // expected-warning@+1 {{'pto.load' op may race: cannot prove that no other task writes what this load reads of m: it is made by scf.if}}
    %v = pto.load %m[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

// A view of a kernel argument made inside the scope is followed to the argument:
// proved disjoint, no diagnostic.
func.func @view_inside(%x: memref<8x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %flat = memref.collapse_shape %out [[0, 1]] : memref<8x64xf32> into memref<512xf32>
    %v = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %f = tensor.collapse_shape %v [[0, 1]] : tensor<1x64xf32> into tensor<64xf32>
    %c64 = arith.constant 64 : index
    %o = arith.muli %t, %c64 : index
    pto.store %f, %flat[%o] : tensor<64xf32>, memref<512xf32>
  }
  func.return
}
