# pl.read(t, [i, j]) and an all-scalar full-rank subscript t[i, j] are pto.read; the
# result has the tensor's dtype; pl.cast(v, pl.INDEX) is arith.index_cast.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(tbl: pl.Tensor[[4, 8], pl.INT32], x: pl.Tensor[[64, 64], pl.FP32],
      y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for b in pl.spmd(4, name_hint="s"):
        page = pl.cast(pl.read(tbl, [b, 3]), pl.INDEX)
        other = tbl[b, 0]
        row = pl.cast(other, pl.INDEX) + page * 4
        y[row:row + 1, 0:64] = x[page:page + 1, 0:64]

# CHECK:      %[[P:.*]] = pto.read %tbl[%b, %{{.*}}] : memref<4x8xi32> -> i32
# CHECK:      %page = arith.index_cast %[[P]] : i32 to index
# CHECK:      %other = pto.read %tbl[%b, %{{.*}}] : memref<4x8xi32> -> i32
# CHECK:      %[[O:.*]] = arith.index_cast %other : i32 to index
# CHECK:      %[[M:.*]] = arith.muli %page, %{{.*}} : index
# CHECK:      %row = arith.addi %[[O]], %[[M]] : index
