# A tile with a valid region (pl.set_validshape) assembled into another tile writes only
# its valid rectangle, as PyPTO's assemble does: sliced out when the extents are numbers,
# merged into the window through a mask of the region when they are values. An empty
# region writes nothing. The run matches numpy bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; r = np.random.default_rng(3); np.savez(sys.argv[1], x=r.standard_normal((8, 16)).astype(np.float32), n=np.array([2, 5], np.int32), y=np.zeros((8, 16), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); x = a['x']; y = np.full((8, 16), 1, np.float32); y[2:3, 4:7] = x[0:1, 0:3]; y[4:6, 8:13] = x[0:2, 0:5]; sys.exit(0 if b['y'].tobytes() == y.tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=WINDOW
import pypto.language as pl

MODE = 0


@pl.jit
def k(x: pl.Tensor[[8, 16], pl.FP32], n: pl.Tensor[[2], pl.INT32],
      y: pl.Out[pl.Tensor[[8, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = pl.load(x, [0, 0], [8, 16])
        acc = pl.tile.full([8, 16], dtype=pl.FP32, value=1.0)
        acc = pl.tile.assemble(acc, pl.set_validshape(t, 1, 3), [2, 4])
        part = pl.load(x, [0, 0], [4, 8])
        acc = pl.tile.assemble(acc, pl.set_validshape(part, pl.read(n, [0]), pl.read(n, [1])), [4, 8])
        acc = pl.tile.assemble(acc, pl.set_validshape(t, 0, 16), [0, 0])
        if MODE == 1:
            acc[0:2, 0:8] = pl.set_validshape(part, 1, 8)
        y[0:8, 0:16] = acc

# CHECK: %[[V:.*]] = tensor.extract_slice %t[0, 0] [1, 3] [1, 1] : tensor<8x16xf32> to tensor<1x3xf32>
# CHECK: tensor.insert_slice %[[V]] into %{{.*}}[2, 4] [1, 3] [1, 1] : tensor<1x3xf32> into tensor<8x16xf32>
# CHECK: %[[W:.*]] = tensor.extract_slice %{{.*}}[4, 8] [4, 8] [1, 1] : tensor<8x16xf32> to tensor<4x8xf32>
# CHECK: %[[M:.*]] = pto.select %{{.*}}, %part, %[[W]] : tensor<4x8xi1>, tensor<4x8xf32>
# CHECK: %[[ACC:.*]] = tensor.insert_slice %[[M]] into %{{.*}}[4, 8] [4, 8] [1, 1]
# CHECK-NOT: tensor.insert_slice
# CHECK: pto.store %[[ACC]], %y
# WINDOW: valid-region-assemble.py:26:13: error: shape mismatch in a slice store: the window is {{\[}}2, 8{{\]}} but the value is tile {{\[}}4, 8{{\]}} FP32 with a valid region {{\[}}1, 8{{\]}}
