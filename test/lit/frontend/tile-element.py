# One element of a tile: `pl.read(tile, [i, j])` is tensor.extract (the scalar unit reads
# the tile), `pl.write(tile, [i, j], v)` / `pl.tile.write` is tensor.insert with the name
# rebound (PyPTO writes the tile's buffer in place), so a loop that writes a tile carries
# it. The run gives numpy's element reads and writes bit for bit; constant indices out of
# the tile, a wrong index count, a write through one of two names of a tile, a value of
# another dtype and a runtime index out of the tile are located errors.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(1); np.savez(sys.argv[1], x=r.standard_normal((8, 16)).astype(np.float32), idx=r.integers(-5, 50, (1, 8)).astype(np.int32), y=np.full((8, 16), 7, np.float32), z=np.zeros((1, 8), np.int32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; e = np.zeros((8, 16), np.float32); [e.__setitem__((i, i), x[i, 15 - i] * np.float32(2)) for i in range(8)]; z = a['idx'].copy(); z[0, 0] = z[0, 3] + 1; sys.exit(0 if b['y'].tobytes() == e.tobytes() and b['z'].tobytes() == z.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=BOUNDS
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=RANK
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=ALIAS
# RUN: not pto-opt %s --set MODE=4 2>&1 | filecheck %s --check-prefix=DTYPE
# RUN: not pto-run %s --set MODE=5 --inputs %t.in.npz --outputs %t.bad.npz 2>&1 | filecheck %s --check-prefix=RUNTIME
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 16], pl.FP32], idx: pl.Tensor[[1, 8], pl.INT32],
      y: pl.Out[pl.Tensor[[8, 16], pl.FP32]], z: pl.Out[pl.Tensor[[1, 8], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        t = pl.load(x, [0, 0], [8, 16])
        ids = pl.load(idx, [0, 0], [1, 8])
        acc = pl.full([8, 16], dtype=pl.FP32, value=0.0)
        for i in pl.range(8):
            v = pl.read(t, [i, 15 - i])
            pl.write(acc, [i, i], v * 2.0)
        j = pl.read(ids, [0, 3])
        pl.tile.write(ids, [0, 0], j + 1)
        if MODE == 1:
            pl.write(acc, [8, 0], 1.0)
        if MODE == 2:
            w = pl.read(t, [0])
        if MODE == 3:
            alias = acc
            pl.write(acc, [0, 0], 1.0)
        if MODE == 4:
            pl.write(ids, [0, 0], 1.5)
        if MODE == 5:
            for r in pl.range(8):
                pl.write(acc, [r + 1, 0], 1.0)
        y[0:8, 0:16] = acc
        z[0:1, 0:8] = ids

# CHECK: %acc_1 = pto.range %i = %{{.*}} iter_args(%acc_2 = %acc) -> (tensor<8x16xf32>) {
# CHECK: %v = tensor.extract %t[%i, %{{.*}}] : tensor<8x16xf32>
# CHECK: %[[W:.*]] = arith.mulf %v, %{{.*}} : f32
# CHECK: %acc_3 = tensor.insert %[[W]] into %acc_2[%i, %i] : tensor<8x16xf32>
# CHECK: pto.yield %acc_3 : tensor<8x16xf32>
# CHECK: %j = tensor.extract %ids[%{{.*}}, %{{.*}}] : tensor<1x8xi32>
# CHECK: %ids_1 = tensor.insert %{{.*}} into %ids[%{{.*}}, %{{.*}}] : tensor<1x8xi32>
# CHECK: pto.store %acc_1, %y
# CHECK: pto.store %ids_1, %z

# BOUNDS: tile-element.py:34:13: error: index 8 is out of bounds for dimension 0 of the {{\[}}8, 16{{\]}} tile
# RANK: tile-element.py:36:17: error: pl.read of a rank-2 tile takes 2 indices, got 1
# ALIAS: tile-element.py:39:22: error: pl.write into a tile that 'alias' also names
# DTYPE: tile-element.py:41:35: error: cannot combine the float 1.5 with an integer INT32
# RUNTIME: tile-element.py:44:17: error: 'tensor.insert' op element {{\[}}8, 0{{\]}} is outside the {{\[}}8, 16{{\]}} tile
