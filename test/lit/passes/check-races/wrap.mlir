// Index arithmetic in narrow integer types wraps around at run time (two's complement,
// as the interpreter runs it): the check analyses the wrapped values.
// RUN: pto-opt %s --split-input-file -p pto-check-races --verify-diagnostics | filecheck %s

// t * 2^30 * 2^30 is 0 in i32 for every task: all eight tasks write row 0.
func.func @i32_product_wraps(%x: memref<1x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %big = arith.constant 1073741824 : i32
    %ti = arith.index_cast %t : index to i32
    %m = arith.muli %ti, %big : i32
    %m2 = arith.muli %m, %big : i32
    %r = arith.index_cast %m2 : i32 to index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{'pto.store' op race: tasks 0 and 1 both write out[0, 0:64] (store at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}

// -----

// t * 64 in i8, read back unsigned: tasks 0 and 4 both write row 0.
func.func @i8_row(%x: memref<1x64xf32>, %out: memref<256x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : i8
    %ti = arith.index_cast %t : index to i8
    %m = arith.muli %ti, %c64 : i8
    %u = arith.extui %m : i8 to i32
    %r = arith.index_cast %u : i32 to index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // expected-error@+1 {{may wrap around in i8 arithmetic, and is analysed as it wraps at run time; compute indices in index to rule that out}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<256x64xf32>
  }
  func.return
}

// -----

// A block-table entry times 64 in i32 may wrap (entries 0 and 2^26 give one row), so
// the distinct rows of the table prove nothing: a warning that says why.
func.func @table_i32(%bt: memref<8xi32>, %x: memref<1x64xf32>, %out: memref<4096x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : i32
    %p = pto.read %bt[%t] {pto.distinct_rows} : memref<8xi32> -> i32
    %m = arith.muli %p, %c64 : i32
    %r = arith.index_cast %m : i32 to index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // expected-warning@+1 {{the indices depend on bt[t] (read from memory), unknown at compile time; the index value %m (arith.muli at}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<4096x64xf32>
  }
  func.return
}

// -----

// Silent: the i32 entry widened to index before the product (no wrap), and an i32
// product of the task id whose range fits i32.
// CHECK-LABEL: func.func @table_index
func.func @table_index(%bt: memref<8xi32>, %x: memref<1x64xf32>, %out: memref<4096x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : index
    %p = pto.read %bt[%t] {pto.distinct_rows} : memref<8xi32> -> i32
    %pi = arith.index_cast %p : i32 to index
    %r = arith.muli %pi, %c64 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<4096x64xf32>
  }
  func.return
}
// CHECK-LABEL: func.func @fits
func.func @fits(%x: memref<1x64xf32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : i32
    %ti = arith.index_cast %t : index to i32
    %m = arith.muli %ti, %c8 : i32
    %r = arith.index_cast %m : i32 to index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // CHECK: pto.store
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
  }
  func.return
}

// -----

// t * 2^62 leaves the 64-bit range for t >= 2 (and wraps: tasks 0 and 4 share row 0):
// not modelled, a warning.
func.func @index_overflow(%x: memref<1x64xf32>, %out: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %big = arith.constant 4611686018427387904 : index
    %r = arith.muli %t, %big : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    // expected-warning@+1 {{may leave the 64-bit range, where it wraps around at run time}}
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
