# pl.slice of a tile with valid_shape= is the window (tensor.extract_slice) with its valid
# region narrowed, as pl.set_validshape of it: a store writes only that rectangle
# (pto.store_valid). pl.tile.assemble is pl.assemble's tile name. The run leaves the rest
# of the destination as it was.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((8, 16)).astype(np.float32); np.savez(sys.argv[1], x=x, n=np.array([5], np.int32), y=np.full((4, 16), 7, np.float32), z=np.full((8, 16), 7, np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; y = np.full((4, 16), 7, np.float32); y[:2, :5] = x[2:4, :5]; z = np.zeros((8, 16), np.float32); z[1:2, :] = x[0:1, :]; sys.exit(0 if b['y'].tobytes() == y.tobytes() and b['z'].tobytes() == z.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=RANK
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 16], pl.FP32], n: pl.Tensor[[1], pl.INT32],
      y: pl.Out[pl.Tensor[[4, 16], pl.FP32]], z: pl.Out[pl.Tensor[[8, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = pl.load(x, [0, 0], [8, 16])
        c = pl.read(n, [0])
        w = pl.slice(t, [4, 16], [2, 0], valid_shape=[2, c])
        if MODE == 1:
            w = pl.slice(t, [4, 16], [2, 0], valid_shape=[2])
        y[0:4, 0:16] = w
        acc = pl.tile.assemble(pl.full([8, 16], dtype=pl.FP32, value=0.0), t[0:1, :], [1, 0])
        z[0:8, 0:16] = acc
        if MODE == 2:
            z[0:2, 0:5] = pl.slice(t, [4, 16], [2, 0], valid_shape=[2, 5])
        if MODE == 3:
            z[0:2, 0:6] = pl.slice(t, [4, 16], [2, 0], valid_shape=[2, 5])

# CHECK: %[[W:.*]] = tensor.extract_slice %t[2, 0] [4, 16] [1, 1] : tensor<8x16xf32> to tensor<4x16xf32>
# CHECK: pto.store_valid %[[W]], %y[%{{.*}}, %{{.*}}] valid[%{{.*}}, %{{.*}}] : tensor<4x16xf32>, memref<4x16xf32>
# CHECK: %acc = tensor.insert_slice %{{.*}} into %{{.*}}[1, 0] [1, 16] [1, 1] : tensor<1x16xf32> into tensor<8x16xf32>
# RANK: tile-slice-valid.py:23:59: error: pl.slice's valid_shape: one extent per dimension of the {{\[}}4, 16{{\]}} tile
# A slice store's window may match the valid rectangle instead of the tile (PyPTO):
# RUN: pto-opt %s --set MODE=2 | filecheck %s --check-prefix=WINDOW
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=MISMATCH
# WINDOW: pto.store_valid %{{.*}}, %z[%{{.*}}, %{{.*}}] valid[%{{.*}}, %{{.*}}] : tensor<4x16xf32>, memref<8x16xf32>
# MISMATCH: error: shape mismatch in a slice store: the window is {{\[}}2, 6{{\]}} but the value is tile {{\[}}4, 16{{\]}} FP32 with a valid region {{\[}}2, 5{{\]}}
