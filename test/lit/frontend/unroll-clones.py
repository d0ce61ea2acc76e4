# pl.unroll is cloned before SSA: one copy of the body per iteration, the loop variable a
# constant, no loop op; a name updated by the copies is straight-line code.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[4, 64], pl.FP32], y: pl.Out[pl.Tensor[[1, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        acc = x[0:1, 0:64]
        for j in pl.unroll(1, 4):
            acc = pl.add(acc, x[j:j + 1, 0:64])
        y[0:1, 0:64] = acc

# CHECK-NOT: pto.unroll
# CHECK-NOT: pto.range
# CHECK:      %acc = pto.load %x[%[[C0:.*]], %[[C0]]]
# CHECK:      %[[C1:.*]] = arith.constant 1 : index
# CHECK:      %[[L1:.*]] = pto.load %x[%[[C1]], %[[C0]]]
# CHECK:      %acc_1 = arith.addf %acc, %[[L1]]
# CHECK:      %[[C2:.*]] = arith.constant 2 : index
# CHECK:      %[[L2:.*]] = pto.load %x[%[[C2]], %[[C0]]]
# CHECK:      %acc_2 = arith.addf %acc_1, %[[L2]]
# CHECK:      %[[C3:.*]] = arith.constant 3 : index
# CHECK:      %[[L3:.*]] = pto.load %x[%[[C3]], %[[C0]]]
# CHECK:      %acc_3 = arith.addf %acc_2, %[[L3]]
# CHECK:      pto.store %acc_3, %y
