# pl.create_tensor(..., init_value=v) at orchestration level (pypto-lib HEAD's counters and
# accumulators): the runtime fills the new GM buffer before any kernel writes it, here
# memref.alloc + linalg.fill (the upstream op of that meaning). A non-zero fill of a BF16
# or FP16 tensor is an error, as in PyPTO's codegen. The run gives x + 1.5 bit for bit.
# RUN: pto-opt %s | filecheck %s
# RUN: python -c "import numpy as np, sys; np.savez(sys.argv[1], x=np.random.default_rng(0).standard_normal((16, 64)).astype(np.float32), y=np.zeros((16, 64), np.float32))" %t.in.npz
# RUN: pto-run %s --inputs %t.in.npz --outputs %t.out.npz > /dev/null
# RUN: python -c "import numpy as np, sys; a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); sys.exit(0 if b['y'].tobytes() == (a['x'] + np.float32(1.5)).tobytes() else 1)" %t.in.npz %t.out.npz
# RUN: not pto-opt %s --set HALF=1 2>&1 | filecheck %s --check-prefix=HALFERR
import pypto.language as pl

HALF = 0


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    acc = pl.create_tensor([16, 64], dtype=pl.FP32, init_value=1.5)
    if HALF:
        h = pl.create_tensor([16, 64], dtype=pl.BF16, init_value=1.0)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:16, 0:64] = pl.add(x[0:16, 0:64], acc[0:16, 0:64])
    return y

# CHECK: %acc = memref.alloc() : memref<16x64xf32>
# CHECK: %[[V:.*]] = arith.constant 1.500000e+00 : f32
# CHECK: linalg.fill ins(%[[V]] : f32) outs(%acc : memref<16x64xf32>)
# HALFERR: create-tensor-init.py:19:66: error: init_value= of a BF16 / FP16 tensor must be 0
