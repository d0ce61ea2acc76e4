# Explicit task dependences (pypto-lib HEAD: `with pl.spmd(...) as tid`, `deps=[...]`,
# `late = pl.system.task_dummy(deps=[])`): the scope a task id names gets pto.task_id, a
# deps= list pto.after (the run and the schedule: test/unit/test_task_deps.py).
# RUN: pto-opt %s | filecheck %s
# RUN: pto-run %s | filecheck %s --check-prefix=RUNOUT
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
      z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    late = pl.system.task_dummy(deps=[])
    with pl.spmd(2, name_hint="a", deps=[late]) as ta:
        i = pl.tile.get_block_idx()
        r = i * 8
        y[r:r + 8, 0:64] = pl.mul(x[r:r + 8, 0:64], 2.0)
    join = pl.system.task_dummy(deps=[ta])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="b", deps=[join]):
        z[0:16, 0:64] = pl.mul(x[0:16, 0:64], 3.0)
    return y, z

# CHECK: pto.spmd %task = 0 to 2 name "a" core vector {
# CHECK: } {pto.task_id = 1 : i64}
# CHECK: pto.spmd %task_1 = 0 to 1 name "b" core vector {
# CHECK: } {pto.after = [1 : i64]}
# RUNOUT: {{^}}a {{.*}} AIV 2
# RUNOUT: {{^}}b {{.*}} AIV 1
