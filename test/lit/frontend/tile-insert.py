# A slice store into a tile, `acc[a:b, c:d] = v`, is PyPTO's `acc = pl.assemble(acc, v,
# [a, c])` on a tile: tensor.insert_slice, and the name is rebound to the result (so a
# loop that stores into a tile carries it). The run gives numpy's window assignment bit
# for bit. Shape, dtype and window errors are located.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((8, 64)).astype(np.float32); np.savez(sys.argv[1], x=x, y=np.full((8, 64), 7, np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; e = np.zeros((8, 64), np.float32); e[0::2] = x[0::2]; e[1, 32:] = 1.5; e[7, :32] = x[7, :32]; sys.exit(0 if b['y'].tobytes() == e.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=SHAPE
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=DTYPE
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=WINDOW
# RUN: not pto-opt %s --set MODE=4 2>&1 | filecheck %s --check-prefix=ELEMENT
# RUN: not pto-opt %s --set MODE=5 2>&1 | filecheck %s --check-prefix=ATOMIC
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        t = pl.load(x, [0, 0], [8, 64])
        acc = pl.full([8, 64], dtype=pl.FP32, value=0.0)
        for i in pl.range(4):
            acc[i * 2:i * 2 + 1, 0:64] = t[i * 2:i * 2 + 1, :]
        acc[1:2, 32:64] = pl.full([1, 32], dtype=pl.FP32, value=1.5)
        acc = pl.assemble(acc, t[7:8, 0:32], [7, 0])
        if MODE == 1:
            acc[0:2, 0:64] = t[0:1, :]
        if MODE == 2:
            acc[0:1, 0:64] = pl.cast(t[0:1, :], pl.BF16)
        if MODE == 3:
            acc[0:1, 48:80] = t[0:1, 0:32]
        if MODE == 4:
            acc[0, 0] = 1.0
        if MODE == 5:
            acc = pl.assemble(acc, t[0:1, :], [0, 0], atomic=pl.AtomicType.Add)
        y[0:8, 0:64] = acc

# CHECK: %acc_1 = pto.range %i = %{{.*}} iter_args(%acc_2 = %acc) -> (tensor<8x64xf32>) {
# CHECK: %[[ROW:.*]] = tensor.extract_slice %t[%{{.*}}, 0] [1, 64] [1, 1] : tensor<8x64xf32> to tensor<1x64xf32>
# CHECK: %acc_3 = tensor.insert_slice %[[ROW]] into %acc_2[%{{.*}}, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<8x64xf32>
# CHECK: pto.yield %acc_3 : tensor<8x64xf32>
# CHECK: %acc_4 = tensor.insert_slice %{{.*}} into %acc_1[1, 32] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<8x64xf32>
# CHECK: %acc_5 = tensor.insert_slice %{{.*}} into %acc_4[7, 0] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<8x64xf32>
# CHECK: pto.store %acc_5, %y

# SHAPE: tile-insert.py:29:13: error: shape mismatch in a slice store: the window is {{\[}}2, 64{{\]}} but the value is tile {{\[}}1, 64{{\]}} FP32
# DTYPE: tile-insert.py:31:13: error: dtype mismatch in a slice store: tile {{\[}}1, 64{{\]}} BF16 into a tile {{\[}}8, 64{{\]}} FP32; insert pl.cast
# WINDOW: tile-insert.py:33:22: error: the slice {{\[}}48:80{{\]}} is out of bounds for dimension 1 of extent 64
# ELEMENT: tile-insert.py:35:13: error: writing one element of a tile is not supported yet
# ATOMIC: tile-insert.py:37:{{[0-9]+}}: error: an atomic pl.assemble needs a global tensor target, got a tile
