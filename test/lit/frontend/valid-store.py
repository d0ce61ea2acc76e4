# PyPTO stores only the valid rectangle of a tile loaded with valid_shape= (and of an
# elementwise result of it): the rest of the destination keeps its contents. The frontend
# turns such stores into pto.store_valid with the load's extents; the run leaves the
# destination's rows past the valid ones as they were (7 here). A store the region does
# not reach exactly (through a matmul, or a loop carry that mixes a full tile with a
# partial one) writes the whole tile, with a located warning.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(0); np.savez(sys.argv[1], x=r.standard_normal((64, 64)).astype(np.float32), w=r.standard_normal((64, 64)).astype(np.float32), n=np.array([5], np.int32), y=np.full((64, 64), 7, np.float32), z=np.full((64, 32), 7, np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; e = np.full((64, 64), 7, np.float32); e[16:21] = np.exp(x[16:21].astype(np.float64)).astype(np.float32) + np.float32(1); e[0:16] = x[0:16]; sys.exit(0 if b['y'].tobytes() == e.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: pto-opt %s --set MODE=1 -o /dev/null 2>&1 | filecheck %s --check-prefix=MATMUL
# RUN: pto-opt %s --set MODE=2 -o /dev/null 2>&1 | filecheck %s --check-prefix=MIXED
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], w: pl.Tensor[[64, 64], pl.FP32],
      n: pl.Tensor[[1], pl.INT32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]],
      z: pl.Out[pl.Tensor[[64, 32], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        rows = pl.cast(pl.read(n, [0]), pl.INDEX)
        t = pl.slice(x, [16, 64], [16, 0], valid_shape=[rows, 64])
        e = pl.add(pl.exp(t), 1.0)
        y[16:32, 0:64] = e
        y[0:16, 0:64] = pl.slice(x, [16, 64], [0, 0], valid_shape=[16, 64])
        if MODE == 1:
            m = pl.matmul(t, w[0:64, 0:64])
            y[32:48, 0:64] = m
        if MODE == 2:
            acc = pl.full([16, 64], dtype=pl.FP32, value=0.0)
            for i in pl.range(2):
                acc = pl.add(acc, t)
            y[32:48, 0:64] = acc
        if MODE == 3:
            pl.store(pl.slice(x, [16, 64], [0, 0], valid_shape=[rows, 32]), [0, 0], z)
        if MODE == 4:
            a = pl.full([16, 64], dtype=pl.FP32, value=0.0)
            b = pl.full([16, 64], dtype=pl.FP32, value=1.0)
            c = pl.full([16, 64], dtype=pl.FP32, value=2.0)
            d = pl.full([16, 64], dtype=pl.FP32, value=3.0)
            f = pl.full([16, 64], dtype=pl.FP32, value=4.0)
            g = pl.full([16, 64], dtype=pl.FP32, value=5.0)
            for i in pl.range(8):
                g = pl.add(f, 1.0)
                f = pl.add(d, 1.0)
                d = pl.add(c, 1.0)
                c = pl.add(b, 1.0)
                b = pl.add(a, 1.0)
                a = pl.exp(t)
            y[48:64, 0:64] = g

# CHECK: %t = pto.load_valid %x[%[[R0:.*]], %{{.*}}] valid[%rows, %[[C64:.*]]] : memref<64x64xf32> -> tensor<16x64xf32>
# CHECK: %e = pto.adds
# CHECK: pto.store_valid %e, %y[%[[R0]], %{{.*}}] valid[%rows, %[[C64]]] : tensor<16x64xf32>, memref<64x64xf32>
# A valid_shape equal to the tile's shape is a whole tile:
# CHECK: pto.store %{{.*}}, %y[%{{.*}}, %{{.*}}] : tensor<16x64xf32>, memref<64x64xf32>
# MATMUL: valid-store.py:30:13: warning: 'pto.store' op this store writes the whole tile, while PyPTO writes only its valid rectangle: the tile derives from a tile with a valid region (the valid_shape= load at {{.*}}valid-store.py:24:13), and the tile reaches the store through an op whose region ptoc does not follow
# MIXED: valid-store.py:35:13: warning: 'pto.store' op this store writes the whole tile
# The tile of a valid_shape= load may be wider than the destination when its valid
# columns fit (pypto-lib's hc_pre stores a [8, 8] tile with 4 valid columns into [., 4]):
# RUN: pto-opt %s --set MODE=3 | filecheck %s --check-prefix=NARROW
# NARROW: pto.store_valid %{{.*}}, %z[%{{.*}}, %{{.*}}] valid[%rows, %{{.*}}] : tensor<16x64xf32>, memref<64x32xf32>
# The region reaches a carry only after several trips round the loop (g <- f <- d <- c <-
# b <- a): the analysis runs to its fixpoint, so the whole-tile store of g is still warned.
# RUN: pto-opt %s --set MODE=4 -o /dev/null 2>&1 | filecheck %s --check-prefix=CHAIN
# CHAIN: valid-store.py:{{[0-9]+}}:13: warning: 'pto.store' op this store writes the whole tile
