# pl.read(t, i) with one index reads a 1-d tensor (PyPTO's single index is a flat one; for
# one dimension it is the index itself); more dimensions need one index each.
# pl.get_block_idx() is PyPTO's unified name of pl.tile.get_block_idx(). An INT32 scalar (read
# from a table) is an offset as it is: PyPTO's slices take any integer type.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; np.savez(sys.argv[1], s=np.arange(4, dtype=np.float32) + 0.5, p=np.array([2, 0, 3, 1], np.int32), y=np.zeros((4, 8), np.float32), z=np.zeros((4, 8), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; b = np.load(sys.argv[1]); y = np.repeat((np.arange(4, dtype=np.float32) + 0.5)[:, None], 8, axis=1); z = y[[2, 0, 3, 1]]; sys.exit(0 if b['y'].tobytes() == y.tobytes() and b['z'].tobytes() == z.tobytes() else 1)" %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=FLAT
import pypto.language as pl

MODE = 0


@pl.jit
def k(s: pl.Tensor[[4], pl.FP32], p: pl.Tensor[[4], pl.INT32],
      y: pl.Out[pl.Tensor[[4, 8], pl.FP32]], z: pl.Out[pl.Tensor[[4, 8], pl.FP32]]):
    with pl.spmd(4, name_hint="rows"):
        i = pl.get_block_idx()
        v = pl.read(s, i)
        y[i : i + 1, 0:8] = pl.full([1, 8], dtype=pl.FP32, value=v)
        if MODE == 1:
            w = pl.read(y, i)
    with pl.spmd(4, name_hint="perm"):
        j = pl.get_block_idx()
        src = pl.read(p, [j])
        z[j : j + 1, 0:8] = pl.load(y, [src, 0], [1, 8])

# CHECK: pto.spmd %[[T:.*]] = 0 to 4 name "rows"
# CHECK: %v = pto.read %s[%[[T]]] : memref<4xf32> -> f32
# CHECK: %src = pto.read %p[%{{.*}}] : memref<4xi32> -> i32
# CHECK: %[[S:.*]] = arith.index_cast %src : i32 to index
# CHECK: pto.load %y[%[[S]], %{{.*}}] : memref<4x8xf32> -> tensor<1x8xf32>
# FLAT: read-one-index.py:23:28: error: pl.read with one index reads a 1-d tensor or tile
