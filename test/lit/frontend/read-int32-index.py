# A pl.read index of another integer type (pypto-lib HEAD reads a block-table entry at
# `[c_idx, last_blk_off]` with an INT32 `last_blk_off`) is widened to INDEX with its
# sign, as PyPTO's codegen casts it.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(pos: pl.Tensor[[1, 4], pl.INT32], table: pl.Tensor[[4, 8], pl.INT32],
      y: pl.Out[pl.Tensor[[1, 1], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        off = pl.read(pos, [0, 0]) // 16
        blk = pl.read(table, [0, off])
        pl.write(y, [0, 0], blk)

# CHECK: %[[OFF:.*]] = arith.divsi %{{.*}}, %{{.*}} : i32
# CHECK: %[[W:.*]] = arith.index_cast %[[OFF]] : i32 to index
# CHECK: %blk = pto.read %table[%{{.*}}, %[[W]]] : memref<4x8xi32> -> i32
