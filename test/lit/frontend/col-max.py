# pl.col_max(input): the maximum of each column, [M, N] -> [1, N] (PyPTO's column
# reduction; no tmp tile). It runs bit for bit against numpy (upstream MLIR against the
# interpreter: test/lit/mlir/col-max.test).
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(5); np.savez(sys.argv[1], x=r.standard_normal((8, 48)).astype(np.float32), i=r.integers(-9, 9, (4, 16)).astype(np.int32), y=np.zeros((1, 48), np.float32), j=np.zeros((1, 16), np.int32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); ok = b['y'].tobytes() == (a['x'].max(axis=0, keepdims=True) * 2).tobytes() and b['j'].tobytes() == a['i'].max(axis=0, keepdims=True).tobytes(); sys.exit(0 if ok else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=TMP
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 48], pl.FP32], i: pl.Tensor[[4, 16], pl.INT32],
      y: pl.Out[pl.Tensor[[1, 48], pl.FP32]], j: pl.Out[pl.Tensor[[1, 16], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = pl.load(x, [0, 0], [8, 48])
        m = pl.col_max(t)
        if MODE == 1:
            m = pl.col_max(t, t)
        y[0:1, 0:48] = pl.add(m, m)
        j[0:1, 0:16] = pl.col_max(input=pl.load(i, [0, 0], [4, 16]))

# CHECK: %m = pto.col_max %t : tensor<8x48xf32> -> tensor<1x48xf32>
# CHECK: pto.col_max %{{.*}} : tensor<4x16xi32> -> tensor<1x16xi32>
# TMP: col-max.py:21:17: error: pl.col_max takes at most 1 positional arguments
