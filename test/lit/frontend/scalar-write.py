# pl.write(t, [i], v) and t[i, j] = v (all-scalar, full-rank index) are pto.write; an
# integer value of another width is converted to the tensor's dtype, and an index of
# another integer width is widened to INDEX (as for pl.read: PyPTO takes any integer).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[4], pl.INT32], out: pl.Out[pl.Tensor[[4, 2], pl.INT32]],
      slot: pl.Out[pl.Tensor[[8], pl.INDEX]]):
    for t in pl.spmd(4, name_hint="s"):
        v = pl.read(n, [t])
        pl.write(out, [t, 0], v)
        out[t, 1] = t * 2
        pl.write(slot, [v], t)

# CHECK: %v = pto.read %n[%t] : memref<4xi32> -> i32
# CHECK: pto.write %v, %out[%t, %{{.*}}] : i32, memref<4x2xi32>
# CHECK: %[[M:.*]] = arith.muli %t, %{{.*}} : index
# CHECK: %[[C:.*]] = arith.index_cast %[[M]] : index to i32
# CHECK: pto.write %[[C]], %out[%t, %{{.*}}] : i32, memref<4x2xi32>
# CHECK: %[[I:.*]] = arith.index_cast %v : i32 to index
# CHECK: pto.write %t, %slot[%[[I]]] : index, memref<8xindex>
