# pl.row_expand_expdif(x, v) and pl.col_expand_expdif(x, v): exp(x - v) with v broadcast
# along each row ([M, 1]) or each column ([1, N]), as PyPTO defines them; translated as
# the expand-sub they name followed by math.exp. The run matches numpy bit for bit (the
# difference rounded to f32, exp rounded from double, docs/numerics.md).
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(7); np.savez(sys.argv[1], x=r.standard_normal((8, 32)).astype(np.float32), y=np.zeros((8, 32), np.float32), z=np.zeros((8, 32), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; e = lambda d: np.exp(d.astype(np.float64)).astype(np.float32); ok = b['y'].tobytes() == e(x - x.max(axis=1, keepdims=True)).tobytes() and b['z'].tobytes() == e(x - x.max(axis=0, keepdims=True)).tobytes(); sys.exit(0 if ok else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=SHAPE
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=INT
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 32], pl.FP32], y: pl.Out[pl.Tensor[[8, 32], pl.FP32]],
      z: pl.Out[pl.Tensor[[8, 32], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = pl.load(x, [0, 0], [8, 32])
        y[0:8, 0:32] = pl.row_expand_expdif(t, pl.row_max(t))
        cm = pl.col_max(t)
        if MODE == 1:
            cm = pl.row_expand_expdif(t, cm)
        if MODE == 2:
            n = pl.cast(t, pl.INT32)
            cm = pl.col_expand_expdif(n, pl.col_max(n))
        z[0:8, 0:32] = pl.col_expand_expdif(t, cm)

# CHECK: %[[RM:.*]] = pto.row_max %t
# CHECK: %[[D:.*]] = pto.row_expand_sub %t, %[[RM]] : tensor<8x32xf32>, tensor<8x1xf32> -> tensor<8x32xf32>
# CHECK: math.exp %[[D]] : tensor<8x32xf32>
# CHECK: %cm = pto.col_max %t : tensor<8x32xf32> -> tensor<1x32xf32>
# CHECK: %[[E:.*]] = pto.col_expand_sub %t, %cm : tensor<8x32xf32>, tensor<1x32xf32> -> tensor<8x32xf32>
# CHECK: math.exp %[[E]] : tensor<8x32xf32>
# SHAPE: expdif.py:24:18: error: shape mismatch: pl.row_expand_expdif of a {{\[}}8, 32{{\]}} tile takes a {{\[}}8, 1{{\]}} vector, got {{\[}}1, 32{{\]}}
# INT: expdif.py:27:18: error: pl.col_expand_expdif takes float tiles, got
