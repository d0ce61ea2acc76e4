# pl.range(stop), (start, stop), (start, stop, step): a pto.range from its bounds; bounds
# may be runtime scalars; the loop variable is the body's index.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[4], pl.INT32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        stop = pl.cast(pl.read(n, [0]), pl.INDEX)
        for i in pl.range(8):
            y[i:i + 1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)
        for i in pl.range(2, 10):
            y[i:i + 1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=2.0)
        for i in pl.range(1, stop, 3):
            y[i:i + 1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=3.0)

# CHECK:      %[[C0:.*]] = arith.constant 0 : index
# CHECK:      %[[N:.*]] = pto.read %n[%[[C0]]] : memref<4xi32> -> i32
# CHECK:      %stop = arith.index_cast %[[N]] : i32 to index
# CHECK:      %[[C8:.*]] = arith.constant 8 : index
# CHECK:      %[[C1:.*]] = arith.constant 1 : index
# CHECK:      pto.range %i = %[[C0]] to %[[C8]] step %[[C1]] {
# CHECK:      %[[C2:.*]] = arith.constant 2 : index
# CHECK:      %[[C10:.*]] = arith.constant 10 : index
# CHECK:      pto.range %i_1 = %[[C2]] to %[[C10]] step %[[C1]] {
# CHECK:      %[[C3:.*]] = arith.constant 3 : index
# CHECK:      pto.range %i_2 = %[[C1]] to %stop step %[[C3]] {
