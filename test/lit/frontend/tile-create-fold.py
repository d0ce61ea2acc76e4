# pl.tile.create (PyPTO's name of pl.create_tile; transpose= / flat_layout= pick the L1
# layout, not the values) is a zero-filled tile, and slice bounds that are constant
# expressions with // and % (`0 : R // 2`) fold with Python's semantics, as PyPTO's
# specializer folds module constants. The run gives numpy's result bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((8, 64)).astype(np.float32); np.savez(sys.argv[1], x=x, y=np.full((8, 64), 7, np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; e = np.zeros((8, 64), np.float32); e[0, :32] = x[1, 32:]; e[2, 16:24] = x[2, 16:24]; sys.exit(0 if b['y'].tobytes() == e.tobytes() else 1)" %t.in.npz %t.out.npz
import pypto.language as pl

R = 64


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        t = pl.load(x, [0, 0], [8, 64])
        acc = pl.tile.create([8, 64], dtype=pl.FP32, target_memory=pl.MemorySpace.Vec)
        w = pl.create_tile([8, 8], dtype=pl.FP32, transpose=True)
        acc[0:1, 0 : R // 2] = t[1:2, R // 2 : R]
        acc[2:3, R % 48 : R % 48 + 8] = t[2:3, 16:24] + w[0:1, :]
        y[0:8, 0:64] = acc

# CHECK: %acc = arith.constant dense<0.000000e+00> : tensor<8x64xf32>
# CHECK: %w = arith.constant dense<0.000000e+00> : tensor<8x8xf32>
# CHECK: tensor.extract_slice %t[1, 32] [1, 32] [1, 1] : tensor<8x64xf32> to tensor<1x32xf32>
# CHECK: tensor.insert_slice %{{.*}} into %acc[0, 0] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<8x64xf32>
# CHECK: tensor.insert_slice %{{.*}} into %acc_1[2, 16] [1, 8] [1, 1] : tensor<1x8xf32> into tensor<8x64xf32>
