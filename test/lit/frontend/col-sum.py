# pl.col_sum(input, tmp_tile=None): the sum of each column, [M, N] -> [1, N], in the order
# of the a2a3 TCOLSUM (docs/numerics.md): without a tmp tile rows are added one after the
# other, with one pairwise (`binary`). pl.row_min / pl.col_min: the minimum of each row /
# column. Checked bit for bit against plain numpy sums written here in the same orders.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(7); np.savez(sys.argv[1], x=r.standard_normal((7, 48)).astype(np.float32), i=r.integers(-9, 9, (5, 16)).astype(np.int32), y=np.zeros((1, 48), np.float32), z=np.zeros((1, 48), np.float32), w=np.zeros((7, 1), np.float32), v=np.zeros((1, 48), np.float32), j=np.zeros((1, 16), np.int32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python %S/Inputs/col_sum_check.py %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=DT
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=BF
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[7, 48], pl.FP32], i: pl.Tensor[[5, 16], pl.INT32],
      y: pl.Out[pl.Tensor[[1, 48], pl.FP32]], z: pl.Out[pl.Tensor[[1, 48], pl.FP32]],
      w: pl.Out[pl.Tensor[[7, 1], pl.FP32]], v: pl.Out[pl.Tensor[[1, 48], pl.FP32]],
      j: pl.Out[pl.Tensor[[1, 16], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = pl.load(x, [0, 0], [7, 48])
        tmp = pl.load(x, [0, 0], [7, 48])
        y[0:1, 0:48] = pl.col_sum(t)
        z[0:1, 0:48] = pl.col_sum(t, tmp)
        w[0:7, 0:1] = pl.row_min(t)
        v[0:1, 0:48] = pl.col_min(input=t)
        j[0:1, 0:16] = pl.col_sum(input=pl.load(i, [0, 0], [5, 16]))
        if MODE == 1:
            q = pl.col_sum(t, pl.load(i, [0, 0], [5, 16]))
        if MODE == 2:
            q = pl.col_sum(pl.cast(t, pl.BF16))

# CHECK: pto.col_sum %t : tensor<7x48xf32> -> tensor<1x48xf32>
# CHECK: pto.col_sum %t binary : tensor<7x48xf32> -> tensor<1x48xf32>
# CHECK: pto.row_min %t : tensor<7x48xf32> -> tensor<7x1xf32>
# CHECK: pto.col_min %t : tensor<7x48xf32> -> tensor<1x48xf32>
# CHECK: pto.col_sum %{{.*}} : tensor<5x16xi32> -> tensor<1x16xi32>
# DT: col-sum.py:30:31: error: pl.col_sum requires tmp_tile dtype to match the input's
# BF: col-sum.py:32:17: error: pl.col_sum sums FP16, FP32, INT16 or INT32 tiles (a2a3 TCOLSUM), got tile [7, 48] BF16
