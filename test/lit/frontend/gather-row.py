# pl.create_l1(shape, dtype) and pl.gather_row(acc, src, dst_offset, src_offset, shapes,
# valid_shape=None): PyPTO's kernel-driven paged gather into an on-chip matmul operand. The
# accumulator is a tile (zero-filled, as pl.create_tile); each gather is one pto.gather_row,
# a load of the window (or of its valid part) written into the tile at dst_offset; the
# scope stays a cube scope. The run matches numpy bit for bit: rows of `pool` picked
# through `idx` and multiplied, and a run of `cnt` rows written at row 2 of a second tile.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, ml_dtypes, sys; r = np.random.default_rng(4); np.savez(sys.argv[1], pool=r.integers(-4, 5, (32, 16)).astype(ml_dtypes.bfloat16), idx=r.permutation(32)[:8].astype(np.int32), cnt=np.array([5], np.int32), q=r.integers(-4, 5, (4, 16)).astype(ml_dtypes.bfloat16), y=np.zeros((4, 8), np.float32), z=np.zeros((8, 16), ml_dtypes.bfloat16))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, ml_dtypes, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); p = a['pool'].view(ml_dtypes.bfloat16); q = a['q'].view(ml_dtypes.bfloat16).astype(np.float32); kv = p[a['idx']].astype(np.float32); z = np.zeros((8, 16), ml_dtypes.bfloat16); z[2:7] = p[10:15]; sys.exit(0 if b['y'].tobytes() == (q @ kv.T).astype(np.float32).tobytes() and b['z'].tobytes() == z.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=VALID
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=TRANS
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=FIT
import pypto.language as pl

MODE = 0


@pl.jit
def k(pool: pl.Tensor[[32, 16], pl.BF16], idx: pl.Tensor[[8], pl.INT32],
      cnt: pl.Tensor[[1], pl.INT32], q: pl.Tensor[[4, 16], pl.BF16],
      y: pl.Out[pl.Tensor[[4, 8], pl.FP32]], z: pl.Out[pl.Tensor[[8, 16], pl.BF16]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="g"):
        kv = pl.create_l1([8, 16], pl.BF16)
        for r in pl.range(8):
            slot = pl.cast(pl.read(idx, [r]), pl.INDEX)
            kv = pl.gather_row(kv, pool, [r, 0], [slot, 0], [1, 16])
            if MODE == 1:
                kv = pl.gather_row(kv, pool, [r, 0], [slot, 0], [1, 16], valid_shape=[1, 16])
        if MODE == 2:
            kv = pl.create_l1([16, 8], pl.BF16, transpose=True)
        if MODE == 3:
            kv = pl.gather_row(kv, pool, [0, 0], [0, 0], [9, 16])
        qt = pl.load(q, [0, 0], [4, 16])
        y[0:4, 0:8] = pl.matmul(qt, kv, b_trans=True, out_dtype=pl.FP32)
        n = pl.cast(pl.read(cnt, [0]), pl.INDEX)
        run = pl.create_l1([8, 16], pl.BF16)
        run = pl.gather_row(run, pool, [2, 0], [10, 0], [8, 16], valid_shape=[n, 16])
        z[0:8, 0:16] = run

# CHECK: pto.spmd %{{.*}} = 0 to 1 name "g" core cube
# CHECK: %kv = arith.constant dense<0.000000e+00> : tensor<8x16xbf16>
# CHECK: pto.range
# CHECK: pto.gather_row %{{.*}}, %pool[%slot, %{{.*}}] at[%r, %{{.*}}] valid[%{{.*}}, %{{.*}}] : tensor<8x16xbf16>, memref<32x16xbf16> -> tensor<8x16xbf16>
# CHECK: pto.matmul %qt, %{{.*}} b_trans : tensor<4x16xbf16>, tensor<8x16xbf16> -> tensor<4x8xf32>
# CHECK: %[[N:.*]] = arith.index_cast
# CHECK: pto.gather_row %{{.*}}, %pool[%{{.*}}, %{{.*}}] at[%{{.*}}, %{{.*}}] valid[%[[N]], %{{.*}}]
# VALID: gather-row.py:29:86: error: pl.gather_row valid_shape= of a window smaller than the accumulator is not supported yet
# TRANS: gather-row.py:31:59: error: pl.create_l1 transpose=True (the ZN layout of transposing gathers) is not supported yet
# FIT: gather-row.py:33:58: error: pl.gather_row's window [9, 16] does not fit the tile
