# pl.tile.arange, pl.tile.ci and pl.ci are PyPTO's other names of pl.arange (pto.arange);
# descending=True counts down (step -1). The run gives numpy's arange bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; np.savez(sys.argv[1], y=np.zeros((1, 8), np.int32), z=np.zeros((1, 8), np.int32), w=np.zeros((1, 8), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; b = np.load(sys.argv[1]); ok = b['y'].tobytes() == np.arange(3, 11, dtype=np.int32).reshape(1, 8).tobytes() and b['z'].tobytes() == np.arange(7, -1, -1, dtype=np.int32).reshape(1, 8).tobytes() and b['w'].tobytes() == np.arange(8, dtype=np.float32).reshape(1, 8).tobytes(); sys.exit(0 if ok else 1)" %t.out.npz
import pypto.language as pl


@pl.jit
def k(y: pl.Out[pl.Tensor[[1, 8], pl.INT32]], z: pl.Out[pl.Tensor[[1, 8], pl.INT32]],
      w: pl.Out[pl.Tensor[[1, 8], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:1, 0:8] = pl.tile.arange(3, [1, 8], dtype=pl.INT32)
        z[0:1, 0:8] = pl.tile.ci(7, [1, 8], descending=True)
        w[0:1, 0:8] = pl.cast(pl.ci(0, [1, 8]), target_type=pl.FP32)

# CHECK: pto.arange start 3 step 1 : tensor<1x8xi32>
# CHECK: pto.arange start 7 step -1 : tensor<1x8xi32>
# CHECK: pto.arange start 0 step 1 : tensor<1x8xi32>
