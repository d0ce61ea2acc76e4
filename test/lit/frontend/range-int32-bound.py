# A loop bound of another integer type (an INT32 count read from memory) is widened to
# INDEX with its sign, as PyPTO types the loop variable INDEX whatever its bounds
# (pypto-lib's expert_routed loops over `(n_rows + TILE - 1) // TILE` of an INT32 read).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(counts: pl.Tensor[[1, 8], pl.INT32], x: pl.Tensor[[64, 16], pl.FP32],
      y: pl.Out[pl.Tensor[[64, 16], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="rows"):
        n_rows = pl.read(counts, [0, 0])
        n_tiles = (n_rows + 7) // 8
        for t in pl.range(n_tiles):
            r = t * 8
            y[r:r + 8, 0:16] = x[r:r + 8, 0:16]
    return y

# CHECK: %[[N:.*]] = pto.read %counts
# CHECK: %[[W:.*]] = arith.index_cast %{{.*}} : i32 to index
# CHECK: pto.range %{{.*}} = %{{.*}} to %[[W]] step
