# pl.set_validshape(t, rows, cols) narrows a tile's valid region (metadata: the values
# stay). A store of it writes only that rectangle (pto.store_valid, as PyPTO's store);
# pl.fillpad replaces the rest by the pad (zero, or -inf / +inf for min / max on floats),
# as a pto.select on a mask made of column and row numbers (pto.arange) compared with the
# extents. Any other use of the narrowed tile is a located error: PyPTO's ops differ on
# what they make of the rest. The run matches numpy bit for bit (rows past the valid
# ones of y keep their 7s).
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(2); np.savez(sys.argv[1], x=-np.abs(r.standard_normal((8, 16))).astype(np.float32), n=np.array([3, 6], np.int32), y=np.full((8, 16), 7, np.float32), z=np.full((8, 16), 7, np.float32), w=np.full((8, 16), 7, np.float32), u=np.full((8, 1), 7, np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; y = np.full((8, 16), 7, np.float32); y[:3, :6] = x[:3, :6]; z = np.zeros((8, 16), np.float32); z[:, :5] = x[:, :5]; w = np.full((8, 16), -np.inf, np.float32); w[:3, :6] = x[:3, :6]; u = w.max(axis=1, keepdims=True); sys.exit(0 if all(b[k].tobytes() == v.tobytes() for k, v in dict(y=y, z=z, w=w, u=u).items()) else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=OTHERUSE
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=BOUNDS
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=PAD
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 16], pl.FP32], n: pl.Tensor[[2], pl.INT32],
      y: pl.Out[pl.Tensor[[8, 16], pl.FP32]], z: pl.Out[pl.Tensor[[8, 16], pl.FP32]],
      w: pl.Out[pl.Tensor[[8, 16], pl.FP32]], u: pl.Out[pl.Tensor[[8, 1], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = pl.load(x, [0, 0], [8, 16])
        r = pl.read(n, [0])
        c = pl.read(n, [1])
        v = pl.set_validshape(t, r, c)
        y[0:8, 0:16] = v
        z[0:8, 0:16] = pl.fillpad(pl.set_validshape(t, 8, 5), pad_value=pl.PadValue.zero)
        m = pl.fillpad(v, pad_value=pl.PadValue.min)
        w[0:8, 0:16] = m
        u[0:8, 0:1] = pl.row_max(m)
        if MODE == 1:
            u[0:8, 0:1] = pl.row_max(v)
        if MODE == 2:
            q = pl.set_validshape(t, 9, 2)
        if MODE == 3:
            q = pl.fillpad(v, pad_value=pl.PadValue.null)

# CHECK: pto.store_valid %t, %y[%{{.*}}, %{{.*}}] valid[%[[R:.*]], %[[C:.*]]] : tensor<8x16xf32>, memref<8x16xf32>
# CHECK: %[[COLS:.*]] = pto.arange start 0 step 1 : tensor<8x16xi32>
# CHECK: %[[K5:.*]] = arith.constant 5 : i32
# CHECK: %[[M5:.*]] = pto.cmps lt %[[COLS]], %[[K5]] : tensor<8x16xi32>, i32 -> tensor<8x16xi1>
# CHECK: %[[Z:.*]] = pto.select %[[M5]], %t, %{{.*}} : tensor<8x16xi1>, tensor<8x16xf32>
# CHECK: pto.store %[[Z]], %z
# CHECK: %[[ROWS_T:.*]] = pto.arange start 0 step 1 : tensor<16x8xi32>
# CHECK: %[[ROWS:.*]] = linalg.transpose ins(%[[ROWS_T]]:tensor<16x8xi32>) outs(%{{.*}}:tensor<8x16xi32>) permutation = [1, 0]
# CHECK: pto.cmps lt %[[ROWS]]
# CHECK: %[[NEGINF:.*]] = arith.constant dense<0xff800000> : tensor<8x16xf32>
# CHECK: %m = pto.select %{{.*}}, %t, %[[NEGINF]] : tensor<8x16xi1>, tensor<8x16xf32>
# OTHERUSE: valid-region.py:35:38: error: pl.row_max takes a tile, got tile {{\[}}8, 16{{\]}} FP32 with a valid region (pl.set_validshape: only a store, an assemble into a tile, pl.fillpad or arithmetic with a scalar takes it)
# BOUNDS: valid-region.py:37:38: error: pl.set_validshape's extent 0 must lie in {{\[}}0, 8{{\]}}, got 9
# PAD: valid-region.py:39:41: error: pad_value must be pl.PadValue.zero, .min or .max, got pl.PadValue.null
