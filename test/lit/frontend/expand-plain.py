# pl.row_expand(target, row_vec) / pl.col_expand(target, col_vec), the plain broadcasts
# (pypto-lib HEAD's hc_post: `pl.col_expand(mix_g0, cb0)`), are pto.row_expand /
# pto.col_expand: the vector repeated over the target's shape. The run gives numpy's
# broadcast bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(0); np.savez(sys.argv[1], x=r.standard_normal((16, 64)).astype(np.float32), w=r.standard_normal((1, 64)).astype(np.float32), y=np.zeros((16, 64), np.float32), z=np.zeros((16, 64), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); y = np.broadcast_to(a['x'].max(axis=1, keepdims=True), (16, 64)); z = np.broadcast_to(a['w'], (16, 64)); sys.exit(0 if b['y'].tobytes() == y.tobytes() and b['z'].tobytes() == z.tobytes() else 1)" %t.in.npz %t.out.npz
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], w: pl.Tensor[[1, 64], pl.FP32],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]], z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        m = pl.row_max(a)
        y[0:16, 0:64] = pl.row_expand(a, m)
        z[0:16, 0:64] = pl.col_expand(a, w[0:1, 0:64])

# CHECK: pto.row_expand %a, %m : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
# CHECK: pto.col_expand %a, %{{.*}} : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
