# `x.bind_dynamic(dim, N)` in a @pl.jit entry (pypto-lib HEAD writes one per dynamic
# tensor parameter) declares that dimension dynamic, as PyPTO's jit reads it: `?` in
# the memref type, also over a number in the annotation; the statement itself emits
# nothing, in the entry or in an inlined function.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl

T_DYN = pl.dynamic("T_DYN")
D = 64


@pl.jit.inline
def copy_rows(x: pl.Tensor[[T_DYN, D], pl.FP32], y: pl.Tensor[[T_DYN, D], pl.FP32]):
    x.bind_dynamic(0, T_DYN)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy"):
        y[0:8, 0:D] = x[0:8, 0:D]
    return y


@pl.jit
def k(x: pl.Tensor[[T_DYN, D], pl.FP32], w: pl.Tensor[[16, D], pl.FP32],
      y: pl.Out[pl.Tensor[[T_DYN, D], pl.FP32]]):
    x.bind_dynamic(0, T_DYN)
    w.bind_dynamic(0, T_DYN)
    y.bind_dynamic(0, T_DYN)
    y = copy_rows(x, y)
    return y

# CHECK: func.func @k(%x: memref<?x64xf32>, %w: memref<?x64xf32>, %y: memref<?x64xf32>)
# CHECK-NOT: bind_dynamic
# CHECK: pto.spmd
