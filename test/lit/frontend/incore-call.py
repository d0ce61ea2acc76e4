# A call of a @pl.jit.incore function is one task: a pto.spmd 0 to 1 named after it.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit.incore
def copy_row(x, y):
    y[0:1, 0:64] = x[3:4, 0:64]


@pl.jit
def k(x: pl.Tensor[[4, 64], pl.FP32], y: pl.Out[pl.Tensor[[4, 64], pl.FP32]]):
    copy_row(x, y)
    copy_row(x, y)

# CHECK:     pto.spmd %{{.*}} = 0 to 1 name "copy_row" core vector {
# CHECK:       pto.load %x
# CHECK:       pto.store
# CHECK:     pto.spmd %{{.*}} = 0 to 1 name "copy_row" core vector {
