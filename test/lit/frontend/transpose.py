# pl.transpose(tile, 0, 1) of a 2-d tile is upstream linalg.transpose (permutation [1, 0])
# into a zero tile of the transposed shape; in an spmd scope the tasks transpose their own
# row blocks. The run gives numpy's transpose bit for bit. Other axes and a
# GM tensor are located errors.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; x = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32); np.savez(sys.argv[1], x=x, y=np.zeros((64, 64), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); sys.exit(0 if b['y'].tobytes() == np.ascontiguousarray(a['x'].T).tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=AXES
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=GM
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for b in pl.spmd(4, name_hint="s"):
        t = x[b * 16:b * 16 + 16, 0:64]
        r = pl.transpose(t, axis1=0, axis2=1)
        if MODE == 1:
            r = pl.transpose(t, 1, 1)
        if MODE == 2:
            r = pl.transpose(x, 0, 1)
        y[0:64, b * 16:b * 16 + 16] = r

# CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<64x16xf32>
# CHECK: %r = linalg.transpose ins(%t:tensor<16x64xf32>) outs(%[[Z]]:tensor<64x16xf32>) permutation = [1, 0]
# CHECK: pto.store %r, %y
# AXES: transpose.py:22:17: error: pl.transpose of a 2-d tile swaps axes 0 and 1
# GM: transpose.py:24:30: error: pl.transpose of a global tensor (a view) is not supported yet; transpose a tile
