# pl.reshape of a GM tensor with a dimension known only at run time (pypto-lib HEAD:
# `pl.reshape(x, [t_dim, HC * D])` with `t_dim = pl.tensor.dim(x, 0)`) is a view through
# one dimension: memref.collapse_shape, then memref.expand_shape with the runtime extent
# as its output_shape; pl.create_tensor takes runtime extents too (memref.alloc). The run
# on 5 rows gives numpy's result bit for bit; extents that do not multiply to the
# tensor's size are a located error of the run.
# RUN: pto-opt %s | filecheck %s
# RUN: pto-opt %s -p pto-check-races,pto-check-carried > /dev/null
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((5, 4, 16)).astype(np.float32); np.savez(sys.argv[1], x=x, y=np.zeros_like(x))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); sys.exit(0 if b['y'].tobytes() == (a['x'] * np.float32(3)).tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-run %s --set EXTRA=1 --inputs %t.in.npz 2>&1 | filecheck %s --check-prefix=SIZE
# RUN: not pto-opt %s --set TWO_DYNAMIC=1 2>&1 | filecheck %s --check-prefix=TWO
import pypto.language as pl

T_DYN = pl.dynamic("T_DYN")
HC = 4
D = 16
EXTRA = 0
TWO_DYNAMIC = 0


@pl.jit
def k(x: pl.Tensor[[T_DYN, HC, D], pl.FP32], y: pl.Out[pl.Tensor[[T_DYN, HC, D], pl.FP32]]):
    t_dim = pl.tensor.dim(x, 0)
    x_flat = pl.reshape(x, [t_dim + EXTRA, HC * D])
    if TWO_DYNAMIC:
        y_flat = pl.reshape(y, [t_dim, HC, t_dim])
    else:
        y_flat = pl.reshape(y, [t_dim * HC, D])
    tmp = pl.create_tensor([t_dim, HC * D], dtype=pl.FP32)
    for t in pl.spmd(t_dim, name_hint="rows"):
        tmp[t:t + 1, 0:HC * D] = pl.mul(x_flat[t:t + 1, 0:HC * D], 3.0)
    for t in pl.spmd(t_dim, name_hint="back"):
        r = t * HC
        for h in pl.range(HC):
            y_flat[r + h:r + h + 1, 0:D] = tmp[t:t + 1, h * D:h * D + D]
    return y

# CHECK: %t_dim = memref.dim %x
# CHECK: %[[F:.*]] = memref.collapse_shape %x {{.*}} : memref<?x4x16xf32> into memref<?xf32>
# CHECK: %x_flat = memref.expand_shape %[[F]] {{.*}} output_shape [%t_dim, 64] : memref<?xf32> into memref<?x64xf32>
# CHECK: %tmp = memref.alloc(%t_dim) : memref<?x64xf32>
# SIZE: reshape-dynamic.py:26:14: error: 'memref.expand_shape' op memref.expand_shape of a [320] memref into [6, 64]: the sizes do not match
# TWO: reshape-dynamic.py:28:18: error: pl.reshape to [?, 4, ?]: at most one extent may be known only at run time
