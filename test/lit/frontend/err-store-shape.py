# A slice store whose window does not match the tile: a shape mismatch.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:1, 0:64] = x[0:16, 0:64]
# CHECK: {{^[^ ]*}}err-store-shape.py:9:9: error: shape mismatch in a slice store: the window is {{\[}}1, 64{{\]}} but the value is tile {{\[}}16, 64{{\]}} FP32
# CHECK-NOT: {{T}}raceback
