# pl.matmul / pl.matmul_acc of tiles with batch dimensions of extent 1 (PyPTO's batched
# tensor.matmul, batch dims broadcast): pypto-lib's `pl.matmul(x, w[g : g + 1, n0 : n0 +
# N, k0 : k0 + K], b_trans=True)` keeps w's group axis and gives a [1, M, N] result. As
# PyPTO's FlattenTileNdTo2D makes every tile 2-d, each operand is collapsed to its
# matrix, one 2-d matmul runs and the result is expanded back: tile reshapes are free
# (PTO's TRESHAPE aliases the tile), so the task stays a cube task. A [1, M, N] tile
# stored into a 2-d tensor drops its unit axis first. The run equals numpy's product.
# RUN: pto-opt %s --func k | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(0); np.savez(sys.argv[1], x=r.integers(-8, 8, (16, 64)).astype(np.float32), w=r.integers(-8, 8, (2, 32, 64)).astype(np.float32), y=np.zeros((16, 64), np.float32))" %t.in.npz
# RUN: pto-run %s --func k --inputs %t.in.npz --outputs %t.out.npz | filecheck --check-prefix=TABLE %s
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x, w = a['x'], a['w']; want = np.concatenate([x @ w[g].T for g in range(2)], axis=1); sys.exit(0 if b['y'].tobytes() == want.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --func batch2 2>&1 | filecheck --check-prefix=B2 %s
# RUN: not pto-opt %s --func acc_shape 2>&1 | filecheck --check-prefix=ACC %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], w: pl.Tensor[[2, 32, 64], pl.FP32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    for g in pl.range(2):
        with pl.spmd(1, name_hint="mm"):
            acc = pl.matmul(x[0:16, 0:32], w[g : g + 1, 0:32, 0:32], b_trans=True,
                            out_dtype=pl.FP32)
            acc = pl.matmul_acc(acc, x[0:16, 32:64], w[g : g + 1, 0:32, 32:64], b_trans=True)
            y = pl.assemble(y, acc, [0, g * 32])
    return y


@pl.jit
def batch2(x: pl.Tensor[[16, 64], pl.FP32], w: pl.Tensor[[2, 32, 64], pl.FP32],
           y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.spmd(1, name_hint="mm"):
        acc = pl.matmul(x[0:16, 0:64], w[0:2, 0:32, 0:64], b_trans=True)
        y = pl.assemble(y, acc, [0, 0])
    return y


@pl.jit
def acc_shape(x: pl.Tensor[[16, 64], pl.FP32], w: pl.Tensor[[2, 32, 64], pl.FP32],
              y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.spmd(1, name_hint="mm"):
        acc = pl.matmul(x[0:16, 0:32], w[0:1, 0:32, 0:32], b_trans=True)
        acc = pl.matmul_acc(acc, x[0:16, 32:64], w[0:1, 0:16, 32:64], b_trans=True)
        y = pl.assemble(y, acc, [0, 0])
    return y

# CHECK:      pto.spmd %{{.*}} = 0 to 1 name "mm" core cube {
# CHECK:        %[[W:.*]] = pto.load %w{{.*}} -> tensor<1x32x32xf32>
# CHECK:        %[[WM:.*]] = tensor.collapse_shape %[[W]] {{\[}}{{\[}}0 : i64, 1 : i64{{\]}}, {{\[}}2 : i64{{\]}}{{\]}} : tensor<1x32x32xf32> into tensor<32x32xf32>
# CHECK:        %[[P:.*]] = pto.matmul %{{.*}}, %[[WM]] b_trans : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
# CHECK:        %[[A:.*]] = tensor.expand_shape %[[P]] {{.*}} output_shape [1, 16, 32] : tensor<16x32xf32> into tensor<1x16x32xf32>
# CHECK:        %[[AM:.*]] = tensor.collapse_shape %[[A]] {{.*}} : tensor<1x16x32xf32> into tensor<16x32xf32>
# CHECK:        %[[Q:.*]] = pto.matmul_acc %[[AM]], %{{.*}}, %{{.*}} b_trans : tensor<16x32xf32>, tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
# CHECK:        %[[R:.*]] = tensor.expand_shape %[[Q]] {{.*}} : tensor<16x32xf32> into tensor<1x16x32xf32>
# CHECK:        %[[S:.*]] = tensor.collapse_shape %[[R]] {{.*}} : tensor<1x16x32xf32> into tensor<16x32xf32>
# CHECK:        pto.store %[[S]], %y
# TABLE: mm {{.*}} AIC
# B2: matmul-batch1.py:33:15: error: pl.matmul of a batch of 2 matrices (batch dimensions [2]) is not supported yet: only batch extents of 1
# ACC: matmul-batch1.py:43:15: error: shape mismatch: pl.matmul_acc of [1, 16, 32] + [16, 32] x [1, 16, 32]^T
