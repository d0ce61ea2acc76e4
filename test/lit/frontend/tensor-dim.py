# pl.tensor.dim(t, axis): a static dimension is its number; a dynamic one is memref.dim
# (INDEX), here the task count of a scope over the rows of a tensor of any length. The
# run on 40 rows gives 5 tasks and the numpy result bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((40, 16)).astype(np.float32); np.savez(sys.argv[1], x=x, y=np.zeros_like(x))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz | filecheck %s --check-prefix=RUNOUT
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); w = a['x'] * np.float32(2); w[:, 8:] += np.float32(16); sys.exit(0 if b['y'].tobytes() == w.tobytes() else 1)" %t.in.npz %t.out.npz
import pypto.language as pl

T_DYN = pl.dynamic("T_DYN")


@pl.jit
def k(x: pl.Tensor[[T_DYN, 16], pl.FP32], y: pl.Out[pl.Tensor[[T_DYN, 16], pl.FP32]]):
    t_dim = pl.tensor.dim(x, 0)
    width = pl.tensor.dim(x, -1)
    for r0 in pl.spmd(t_dim // 8, name_hint="rows"):
        r = r0 * 8
        y[r:r + 8, 0:8] = pl.mul(x[r:r + 8, 0:8], 2.0)
        y[r:r + 8, 8:16] = pl.add(pl.mul(x[r:r + 8, 8:16], 2.0), width)
    return y

# CHECK: %t_dim = memref.dim %x, %{{.*}} : memref<?x16xf32>
# CHECK-NOT: memref.dim
# CHECK: pto.spmd %r0 = 0 to %{{.*}} name "rows"
# RUNOUT: rows (vector): 5 tasks
