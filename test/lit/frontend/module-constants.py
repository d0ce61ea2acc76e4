# Module-level ints, floats and bools are inlined; arithmetic on constants is folded at
# import (derived constants included); pl.Tensor dims may be constant expressions; a
# module's top-level code (and imports of a config module) runs as Python.
# RUN: env PYTHONPATH=%S/Inputs pto-opt %s | filecheck %s
import pypto.language as pl
from fe_config import BATCH, HIDDEN

HALF = HIDDEN // 2
SCALE = 1.0 / HIDDEN
ROWS = [BATCH * 2][0]  # any Python at module level; only the int is used in the body


@pl.jit
def k(x: pl.Tensor[[ROWS, HIDDEN], pl.FP32], y: pl.Out[pl.Tensor[[ROWS, HALF], pl.FP32]]):
    for t in pl.spmd(ROWS // 4, name_hint="s"):
        r = t * (ROWS // 4 // 2) * 2 + 0
        y[r:r + 4, 0:HALF] = pl.mul(x[r:r + 4, HALF:HIDDEN], SCALE * 2)

# CHECK: func.func @k(%x: memref<16x64xf32>, %y: memref<16x32xf32>)
# CHECK: pto.spmd %t = 0 to 4 name "s"
# (t * 2) * 2: Python's left-to-right grouping; only all-constant subtrees fold
# CHECK: %[[C2:.*]] = arith.constant 2 : index
# CHECK: %[[A:.*]] = arith.muli %t, %[[C2]] : index
# CHECK: %r = arith.muli %[[A]], %[[C2]] : index
# CHECK-NOT: arith.addi
# CHECK: %[[S:.*]] = arith.constant 3.125000e-02 : f32
# CHECK: pto.muls %{{.*}}, %[[S]] : tensor<4x32xf32>, f32
