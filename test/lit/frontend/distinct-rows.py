# PTOC_DISTINCT_ROWS (a module-level list of entry parameters) marks the reads of those
# tensors {pto.distinct_rows}, for pto-check-races; PyPTO ignores the global.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl

PTOC_DISTINCT_ROWS = ["table"]


@pl.jit
def k(table: pl.Tensor[[4, 2], pl.INT32], other: pl.Tensor[[4, 2], pl.INT32],
      y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for t in pl.spmd(4, name_hint="s"):
        p = pl.cast(pl.read(table, [t, 0]), pl.INDEX)
        q = pl.cast(pl.read(other, [t, 0]), pl.INDEX)
        y[p + q:p + q + 1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)

# CHECK: pto.read %table[%t, %{{.*}}] {pto.distinct_rows} : memref<4x2xi32> -> i32
# CHECK: pto.read %other[%t, %{{.*}}] : memref<4x2xi32> -> i32
