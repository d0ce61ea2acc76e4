# pl.reshape of a tile: the same elements in row-major order in another static shape
# (tensor.collapse_shape to one dimension, then tensor.expand_shape), e.g. a row_max
# column [16, 1] as a row [1, 16] (pypto-lib's hc_pre) or a [1, 64] row as [4, 16]
# (gate's ffn_norm). The run gives numpy's reshape bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((16, 64)).astype(np.float32); np.savez(sys.argv[1], x=x, y=np.zeros((1, 16), np.float32), z=np.zeros((4, 16), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; ok = b['y'].tobytes() == x.max(axis=1).reshape(1, 16).tobytes() and b['z'].tobytes() == x[0].reshape(4, 16).tobytes(); sys.exit(0 if ok else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MISMATCH=1 2>&1 | filecheck %s --check-prefix=BAD
import pypto.language as pl

MISMATCH = 0


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[1, 16], pl.FP32]],
      z: pl.Out[pl.Tensor[[4, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        t = pl.load(x, [0, 0], [16, 64])
        m = pl.row_max(t)
        y[0:1, 0:16] = pl.reshape(m, [1, 16])
        r = pl.load(x, [0, 0], [1, 64])
        if MISMATCH:
            z[0:4, 0:16] = pl.reshape(r, [4, 15])
        else:
            z[0:4, 0:16] = pl.reshape(r, [4, 16])
    return y, z

# CHECK: %[[C:.*]] = tensor.collapse_shape %m {{\[}}{{\[}}0 : i64, 1 : i64{{\]}}{{\]}} : tensor<16x1xf32> into tensor<16xf32>
# CHECK: tensor.expand_shape %[[C]] {{.*}} output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
# CHECK: output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
# BAD: reshape-tile.py:24:28: error: shape mismatch: pl.reshape of a [1, 64] tile (64 elements) to [4, 15] (60)
