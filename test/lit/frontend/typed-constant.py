# pl.cast of a constant keeps its target type (PyPTO folds the Cast to a ConstInt of that
# dtype): a loop carry and an if merge started from pl.cast(0, pl.INT32) are INT32, an
# out-of-range constant wraps to the type's bits, and two INT32 constants fold to INT32.
# A plain literal stays INDEX (err-reassign-type.py, if-phi.py).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl

SEVEN = 7


@pl.jit
def k(x: pl.Tensor[[1, 8], pl.INT32], out: pl.Out[pl.Tensor[[1, 8], pl.INT32]],
      small: pl.Out[pl.Tensor[[1, 8], pl.INT8]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        c = pl.cast(0, pl.INT32)
        for i in pl.range(8):
            v = pl.read(x, [0, i])
            if v > pl.cast(SEVEN, pl.INT32) * pl.cast(2, pl.INT32):
                c = pl.cast(i, pl.INT32)
        pl.write(out, [0, 0], c)
        pl.write(small, [0, 0], pl.cast(300, pl.INT8))

# CHECK:      %[[Z:.*]] = arith.constant 0 : i32
# CHECK:      %c = pto.range %i = %{{.*}} iter_args(%c_1 = %[[Z]]) -> (i32) {
# CHECK:        %v = pto.read
# CHECK:        %[[K:.*]] = arith.constant 14 : i32
# CHECK:        arith.cmpi sgt, %v, %[[K]] : i32
# CHECK:        %c_2 = scf.if %{{.*}} -> (i32) {
# CHECK:          arith.index_cast %i : index to i32
# CHECK:        } else {
# CHECK:          scf.yield %c_1 : i32
# CHECK:      pto.write %c, %out
# CHECK:      %[[W:.*]] = arith.constant 44 : i8
# CHECK:      pto.write %[[W]], %small
