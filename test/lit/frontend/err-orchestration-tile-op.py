# Tile stores outside pl.at / pl.spmd (PyPTO: misplaced tensor op). The slice on the right
# is a view of x there (PyPTO's orchestration tensor.slice, see orchestration-view.py);
# storing it is a copy between global tensors, which the orchestration code cannot do.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    y[0:16, 0:64] = x[0:16, 0:64]
# CHECK: {{^[^ ]*}}err-orchestration-tile-op.py:10:5: error: storing a tile works on tiles and must be inside a pl.at or pl.spmd scope (PyPTO: misplaced tensor op in an orchestration function)
# CHECK-NOT: {{T}}raceback
