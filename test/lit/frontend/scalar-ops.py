# Scalar index arithmetic: + - * // % << >> & | ^ and pl.min / pl.max are arith ops
# (// and % truncating: divsi / remsi); comparisons are signed cmpi; and / or / not are
# i1 ops evaluated without short-circuit, as in PyPTO.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[4], pl.INT32], y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for t in pl.spmd(4, name_hint="s"):
        v = pl.cast(pl.read(n, [t]), pl.INDEX)
        a = (v // 4) * 4 + v % 4 - (t << 1) + (v >> 2)
        b = pl.min(a & 63, pl.max(v | 1, v ^ 3))
        if a >= 0 and not b == 2 or v != 1:
            y[b:b + 1, 0:64] = pl.full([1, 64], dtype=pl.FP32, value=1.0)

# CHECK: arith.divsi %v
# CHECK: arith.muli
# CHECK: arith.remsi %v
# CHECK: arith.shli %t
# CHECK: arith.shrsi %v
# CHECK: arith.andi %a
# CHECK: arith.ori %v
# CHECK: arith.xori %v
# CHECK: arith.maxsi
# CHECK: %b = arith.minsi
# CHECK: %[[GE:.*]] = arith.cmpi sge, %a
# CHECK: %[[EQ:.*]] = arith.cmpi eq, %b
# CHECK: %[[NOT:.*]] = arith.xori %[[EQ]], %{{.*}} : i1
# CHECK: %[[AND:.*]] = arith.andi %[[GE]], %[[NOT]] : i1
# CHECK: %[[NE:.*]] = arith.cmpi ne, %v
# CHECK: %[[OR:.*]] = arith.ori %[[AND]], %[[NE]] : i1
# CHECK: scf.if %[[OR]] {
