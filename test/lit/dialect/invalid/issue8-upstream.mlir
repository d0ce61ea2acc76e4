// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f(%a: tensor<4x64xf32>) {
  // expected-error@+1 {{'tensor.extract_slice' op tensor.extract_slice dimension 0: offset 3 + size 2 is outside [0, 4]}}
  %e = tensor.extract_slice %a[3, 0] [2, 64] [1, 1] : tensor<4x64xf32> to tensor<2x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>) {
  // expected-error@+1 {{'tensor.extract_slice' op tensor.extract_slice sizes [2, 64] differ from the slice's shape [3, 64] (rank-reducing slices are not supported)}}
  %e = tensor.extract_slice %a[0, 0] [2, 64] [1, 1] : tensor<4x64xf32> to tensor<3x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>) {
  // expected-error@+1 {{'tensor.extract_slice' op tensor.extract_slice on tiles takes unit strides (a contiguous window), got [1, 2]}}
  %e = tensor.extract_slice %a[0, 0] [2, 32] [1, 2] : tensor<4x64xf32> to tensor<2x32xf32>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>) {
  // expected-error@+1 {{'tensor.extract_slice' op tensor.extract_slice keeps the element type: tensor<4x64xf32> and tensor<2x64xf16> differ}}
  %e = tensor.extract_slice %a[0, 0] [2, 64] [1, 1] : tensor<4x64xf32> to tensor<2x64xf16>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>, %n: index) {
  // expected-error@+1 {{'tensor.extract_slice' op tensor.extract_slice on tiles needs static shapes, got tensor<4x64xf32> and tensor<?x64xf32>}}
  %e = tensor.extract_slice %a[0, 0] [%n, 64] [1, 1] : tensor<4x64xf32> to tensor<?x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>, %b: tensor<1x64xf32>) {
  // expected-error@+1 {{'tensor.insert_slice' op tensor.insert_slice dimension 0: offset 4 + size 1 is outside [0, 4]}}
  %e = tensor.insert_slice %b into %a[4, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<4x64xf32>
  func.return
}

// -----
func.func @f(%m: memref<2x3x64xf32>) {
  // expected-error@+1 {{'memref.collapse_shape' op memref.collapse_shape: dimensions [0, 1] of memref<2x3x64> hold 6 elements but dimension 0 of memref<7x64> is 7}}
  %cs = memref.collapse_shape %m [[0, 1], [2]] : memref<2x3x64xf32> into memref<7x64xf32>
  func.return
}

// -----
func.func @f(%m: memref<2x3x64xf32>) {
  // expected-error@+1 {{'memref.collapse_shape' op is invalid: All inner arrays must be contiguous: [[0 : i64], [2 : i64]]}}
  %cs = memref.collapse_shape %m [[0], [2]] : memref<2x3x64xf32> into memref<2x64xf32>
  func.return
}

// -----
func.func @f(%m: memref<6x64xf32>) {
  // expected-error@+1 {{'memref.expand_shape' op memref.expand_shape: dimensions [0, 1] of memref<2x4x64> hold 8 elements but dimension 0 of memref<6x64> is 6}}
  %cs = memref.expand_shape %m [[0, 1], [2]] output_shape [2, 4, 64] : memref<6x64xf32> into memref<2x4x64xf32>
  func.return
}

// -----
func.func @f() {
  pto.spmd %t = 0 to 4 {
    // expected-error@+1 {{'memref.alloc' op memref.alloc makes a scratch tensor in global memory: it belongs outside pto.spmd (a tile inside a task is a value, e.g. t}}
    %s = memref.alloc() : memref<16x64xf32>
  }
  func.return
}

// -----
func.func @f(%n: index) {
  // expected-error@+1 {{'memref.alloc' op op dimension operand count does not equal memref dynamic dimension count.}}
  %s = memref.alloc() : memref<?x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>) {
  // expected-error@+1 {{'arith.cmpf' op arith.cmpf on tiles gives a scalar i1 in xDSL 0.74, not a mask: compare tiles with pto.cmp and choose with pto.select}}
  %c = arith.cmpf olt, %a, %b : tensor<4x64xf32>
  func.return
}

// -----
// A tile reshape (pl.reshape of a tile) keeps the element count.
func.func @f(%a: tensor<16x1xf32>) {
  // expected-error@+1 {{'tensor.collapse_shape' op tensor.collapse_shape: dimensions [0, 1] of tensor<16x1> hold 16 elements, not 15}}
  %c = tensor.collapse_shape %a [[0, 1]] : tensor<16x1xf32> into tensor<15xf32>
  func.return
}

// -----
func.func @f(%a: tensor<16xf32>) {
  // expected-error@+1 {{'tensor.expand_shape' op expected dimension 0 of collapsed type to be static value of 32}}
  %e = tensor.expand_shape %a [[0, 1]] output_shape [4, 8] : tensor<16xf32> into tensor<4x8xf32>
  func.return
}

// -----
// linalg.fill of a GM tensor (pl.create_tensor(..., init_value=v)) is orchestration code.
func.func @f(%m: memref<4x8xf32>) {
  pto.spmd %t = 0 to 2 {
    %v = arith.constant 1.0 : f32
    // expected-error@+1 {{'linalg.fill' op linalg.fill of a GM tensor belongs outside pto.spmd (the orchestration)}}
    linalg.fill ins(%v : f32) outs(%m : memref<4x8xf32>)
  }
  func.return
}

// -----
// tensor.extract / tensor.insert (pl.read / pl.write of a tile) take one index per dimension.
func.func @f(%a: tensor<4x64xf32>, %i: index) {
  // expected-error@+1 {{'tensor.extract' op tensor.extract takes one index per dimension: 1 for tensor<4x64xf32>}}
  %e = tensor.extract %a[%i] : tensor<4x64xf32>
  func.return
}

// -----
func.func @f(%a: tensor<4x64xf32>, %i: index, %v: f32) {
  // expected-error@+1 {{'tensor.insert' op tensor.insert takes one index per dimension: 3 for tensor<4x64xf32>}}
  %e = tensor.insert %v into %a[%i, %i, %i] : tensor<4x64xf32>
  func.return
}

// -----
// linalg.transpose (pl.transpose) works on tiles.
func.func @f(%a: memref<4x8xf32>, %b: memref<8x4xf32>) {
  // expected-error@+1 {{'linalg.transpose' op linalg.transpose in a kernel transposes tiles (tensor types, with a result)}}
  linalg.transpose ins(%a : memref<4x8xf32>) outs(%b : memref<8x4xf32>) permutation = [1, 0]
  func.return
}
