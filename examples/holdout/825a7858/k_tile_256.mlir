// Holdout case 825a7858, variant Q_PROJ_CHUNK=256 (K tile 256, Q_PROJ_BLOCKS = 4): 32 cube tasks.
//
// Public source: hw-native-sys/pypto-lib, models/deepseek/v4/qkv_proj_rope.py, scope
// qproj_matmul (the W8A8 query up-projection qr_i8 @ wq_b of DeepSeek-V4 decode, INT32
// partial products staged to GM for the separate qproj_dequant scope): the code of
// 825a7858 with Q_PROJ_CHUNK = 256, the value before "Opt V". That is the scope as at
// e7af2046 (the first commit of PR #339's branch, squashed into 825a7858), whose
// qproj_matmul code equals 825a7858's except for comments and this one constant.
// Measured on a2a3 (decode, S = 2, T = 128, L2 swimlane): qproj_matmul per-task Exec
// 74 us (56 us at Q_PROJ_CHUNK = 512).
//
// Sizes (FLASH config, decode harness defaults): B = 64 x S = 2, T = 128 token rows;
// Q_LORA = 1024; H x HEAD_DIM = 64 x 512 = 32768 output columns; N tile
// Q_PROJ_OUT_CHUNK = 128, so Q_PROJ_HEAD_BLOCKS = 256; Q_PROJ_GROUP = 8 head blocks per
// task: pl.parallel(0, 256, 8) -> 32 tasks, task i takes head blocks 8 i .. 8 i + 7.
//
// Per task: a runtime loop (pl.range) over its 8 head blocks hb; in each, a 2-stage
// pipelined runtime loop (pl.pipeline(stage=2)) over the Q_PROJ_BLOCKS = 1024 / 256 = 4
// K fragments of 256: load i8 [128,256] of qr (all T rows, row stride 1 KiB, 256 B per
// row), load i8 [256,128] of wq_b (rows k0 .. k0 + 255, columns 128 hb .. 128 hb + 127:
// row stride 32 KiB, 128 B per row; wq_b is [K, N], used as is, no transpose), cube
// matmul (first fragment) / matmul-accumulate (the other three) i8 x i8 -> i32
// [128,128]; then store the i32 [128,128] accumulator (64 KiB, one contiguous block)
// into rows 128 hb .. 128 hb + 127 of the col_acc_all staging buffer [256 x 128, 128] i32.
// Totals per task: 64 cube-side loads (32 x 32 KiB qr + 32 x 32 KiB wq_b = 2 MiB, the
// same bytes as at 512), 32 matmuls of 128 x 256 x 128, 8 stores of 64 KiB, no vector
// ops, no scalar reads.
//
// As the public code: the qr fragment is re-loaded for every head block (the code
// slices it inside the loop nest); the accumulator is one pl.create_tensor made before
// the head-block loop and carried through both loops, the K chain a plain matmul at
// the first fragment (scf.if on k0 == 0) and matmul-accumulates after. Choice: the
// carried accumulator starts as one zero tile that is never read (one fill; PyPTO's
// pl.create_tensor allocates it without an op). The scope's neighbours (qr_quant_apply
// before, qproj_dequant after) are not in the kernel: qr is an input here, col_acc_all
// (a pl.create_tensor scratch of the public code) the output argument. Nothing is
// approximated. Writes the same bits as k_tile_512.mlir (integer accumulation).
func.func @qproj_matmul(%qr: memref<128x1024xi8>, %wq_b: memref<1024x32768xi8>,
                        %col_acc_all: memref<32768x128xi32>) {
  pto.spmd %i = 0 to 32 name "qproj_matmul" core cube {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c128 = arith.constant 128 : index
    %ckt = arith.constant 256 : index
    %cnf = arith.constant 4 : index
    %hg = arith.muli %i, %c8 : index
    %acc0 = arith.constant dense<0> : tensor<128x128xi32>
    %fin = pto.range %h = %c0 to %c8 step %c1 iter_args(%ca = %acc0) -> (tensor<128x128xi32>) {
      %hb = arith.addi %hg, %h : index
      %n0 = arith.muli %hb, %c128 : index
      %r = pto.range %k = %c0 to %cnf step %c1 pipeline 2 iter_args(%a = %ca) -> (tensor<128x128xi32>) {
        %k0 = arith.muli %k, %ckt : index
        %xk = pto.load %qr[%c0, %k0] : memref<128x1024xi8> -> tensor<128x256xi8>
        %wk = pto.load %wq_b[%k0, %n0] : memref<1024x32768xi8> -> tensor<256x128xi8>
        %first = arith.cmpi eq, %k0, %c0 : index
        %a2 = scf.if %first -> (tensor<128x128xi32>) {
          %mm = pto.matmul %xk, %wk : tensor<128x256xi8>, tensor<256x128xi8> -> tensor<128x128xi32>
          scf.yield %mm : tensor<128x128xi32>
        } else {
          %ma = pto.matmul_acc %a, %xk, %wk : tensor<128x128xi32>, tensor<128x256xi8>, tensor<256x128xi8> -> tensor<128x128xi32>
          scf.yield %ma : tensor<128x128xi32>
        }
        pto.yield %a2 : tensor<128x128xi32>
      }
      %orow = arith.muli %hb, %c128 : index
      pto.store %r, %col_acc_all[%orow, %c0] : tensor<128x128xi32>, memref<32768x128xi32>
      pto.yield %r : tensor<128x128xi32>
    }
  }
  func.return
}
