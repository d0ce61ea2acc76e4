"""A small kernel whose task count is a module constant, for pto-tune --set."""

import pypto.language as pl

ROWS = 2
assert 8 % ROWS == 0, "ROWS must divide 8"


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    for t in pl.spmd(8 // ROWS, name_hint="rows"):
        r0 = t * ROWS
        y[r0:r0 + ROWS, 0:64] = pl.exp(x[r0:r0 + ROWS, 0:64])
