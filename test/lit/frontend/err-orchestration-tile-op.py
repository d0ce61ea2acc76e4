# Tile loads and stores outside pl.at / pl.spmd (PyPTO: misplaced tensor op).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    y[0:16, 0:64] = x[0:16, 0:64]
# CHECK: {{^[^ ]*}}err-orchestration-tile-op.py:8:21: error: loading a tile works on tiles and must be inside a pl.at or pl.spmd scope (PyPTO: misplaced tensor op in an orchestration function)
# CHECK-NOT: {{T}}raceback
