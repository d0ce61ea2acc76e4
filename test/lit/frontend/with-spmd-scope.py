# The with-form `with pl.spmd(n, name_hint=...)` reads its block index with
# pl.tile.get_block_idx(); `with pl.scope():` (a runtime scope) is transparent.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    with pl.scope():
        with pl.spmd(8, name_hint="blocks"):
            b = pl.tile.get_block_idx()
            r = b * 8
            y[r:r + 8, 0:64] = x[r:r + 8, 0:64]

# CHECK:      func.func @k
# CHECK-NEXT:   pto.spmd %[[B:.*]] = 0 to 8 name "blocks" core vector {
# CHECK:          %r = arith.muli %[[B]], %{{.*}} : index
