# Hints that change no value are read and dropped: pl.prefetch (an L2 prefetch: "numerically
# identical with or without it") and optimizations=[pl.split(pl.SplitMode.NONE),
# pl.cross_core_slot(...)]. A tile with a valid region (pl.set_validshape) plus a scalar keeps
# the region, so its store writes the valid rectangle only (pto.store_valid); carried through a
# loop or merged by a branch, it is a located error. The run
# matches numpy bit for bit: past the valid columns, y keeps its 7s.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(3); np.savez(sys.argv[1], x=r.integers(-50, 50, (1, 16)).astype(np.int32), n=np.array([5], np.int32), w=np.zeros((64,), np.float32), m=np.zeros((2, 8), np.float32), y=np.full((1, 16), 7, np.int32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); y = np.full((1, 16), 7, np.int32); y[:, :5] = a['x'][:, :5] + 3; sys.exit(0 if b['y'].tobytes() == y.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=SPLIT
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=FLAT
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=TILE
# RUN: not pto-opt %s --set MODE=4 2>&1 | filecheck %s --check-prefix=OTHER
# RUN: not pto-opt %s --set MODE=5 2>&1 | filecheck %s --check-prefix=CARRY
# RUN: not pto-opt %s --set MODE=6 2>&1 | filecheck %s --check-prefix=MERGE
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[1, 16], pl.INT32], n: pl.Tensor[[1], pl.INT32],
      w: pl.Tensor[[64], pl.FP32], m: pl.Tensor[[2, 8], pl.FP32],
      y: pl.Out[pl.Tensor[[1, 16], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="warm"):
        ctx = pl.prefetch.make_context()
        evt = pl.prefetch.async_prefetch(w, ctx)
        done = pl.prefetch.wait(evt, pl.prefetch.session(ctx))
        if MODE == 2:
            evt = pl.prefetch.async_prefetch(m, ctx)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s",
               optimizations=[pl.split(pl.SplitMode.NONE, slot_num=2),
                              pl.cross_core_slot(slot_num=4)]):
        t = pl.load(x, [0, 0], [1, 16])
        c = pl.read(n, [0])
        v = pl.set_validshape(t, 1, c)
        y[0:1, 0:16] = pl.add(v, 3)
        if MODE == 3:
            q = pl.add(v, t)
        if MODE == 5:
            for i in pl.range(4):
                v = pl.add(v, 1)
        if MODE == 6:
            if c > 3:
                v = pl.add(v, 1)
            else:
                v = pl.mul(v, 2)
    if MODE == 1:
        with pl.at(level=pl.Level.CORE_GROUP, optimizations=[pl.split(pl.SplitMode.UP_DOWN)]):
            t = pl.load(x, [0, 0], [1, 16])
    if MODE == 4:
        with pl.at(level=pl.Level.CORE_GROUP, optimizations=[pl.auto_chunk]):
            t = pl.load(x, [0, 0], [1, 16])

# CHECK: pto.spmd %{{.*}} = 0 to 1 name "warm"
# CHECK-NEXT: }
# CHECK: %[[A:.*]] = pto.adds %t, %{{.*}} : tensor<1x16xi32>, i32
# CHECK: pto.store_valid %[[A]], %y[%{{.*}}, %{{.*}}] valid[%{{.*}}, %{{.*}}] : tensor<1x16xi32>, memref<1x16xi32>
# SPLIT: hints-and-valid-arith.py:50:71: error: only pl.split(pl.SplitMode.NONE) is supported: a split of a mixed kernel between cores (UP_DOWN, LEFT_RIGHT) is not supported yet
# FLAT: hints-and-valid-arith.py:31:46: error: pl.prefetch.async_prefetch takes a flat tensor of static shape ([N] or [1, N]), got
# TILE: hints-and-valid-arith.py:40:17: error: cannot apply '+' to tile {{\[}}1, 16{{\]}} INT32 with a valid region
# OTHER: hints-and-valid-arith.py:53:62: error: pl.at: optimizations= entry not supported yet
# CARRY: hints-and-valid-arith.py:42:13: error: the loop carries 'v' (tile {{\[}}1, 16{{\]}} INT32 with a valid region
# MERGE: hints-and-valid-arith.py:45:13: error: expected a value, got tile {{\[}}1, 16{{\]}} INT32 with a valid region
