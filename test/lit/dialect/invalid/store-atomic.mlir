// RUN: pto-opt %s --split-input-file --verify-diagnostics

func.func @f(%m: memref<64x512xbf16>, %i: index) {
  %t = arith.constant dense<1.000000e+00> : tensor<16x64xbf16>
  // expected-error@+1 {{'pto.store' op an atomic add store needs f32 or i32 elements (16- and 8-bit atomic adds round every partial sum and are not modelled), got bf16}}
  pto.store %t, %m[%i, %i] atomic add : tensor<16x64xbf16>, memref<64x512xbf16>
  func.return
}

// -----
func.func @f(%m: memref<64x512xf16>, %i: index) {
  %t = arith.constant dense<1.000000e+00> : tensor<16x64xf16>
  // expected-error@+1 {{'pto.store' op an atomic add store needs f32 or i32 elements (16- and 8-bit atomic adds round every partial sum and are not modelled), got f16}}
  pto.store %t, %m[%i, %i] atomic add : tensor<16x64xf16>, memref<64x512xf16>
  func.return
}

// -----
func.func @f(%m: memref<64x512xf32>, %i: index) {
  %t = arith.constant dense<1.000000e+00> : tensor<16x64xf32>
  // expected-error@+1 {{Expected `add`.}}
  pto.store %t, %m[%i, %i] atomic max : tensor<16x64xf32>, memref<64x512xf32>
  func.return
}

// -----
func.func @f(%m: memref<64x512xi32>, %i: index) {
  %t = arith.constant dense<1.000000e+00> : tensor<16x64xf32>
  // expected-error@+1 {{'pto.store' op tile element type f32 differs from the memref's i32}}
  "pto.store"(%t, %m, %i, %i) <{atomic = #pto<atomic add>}> : (tensor<16x64xf32>, memref<64x512xi32>, index, index) -> ()
  func.return
}
