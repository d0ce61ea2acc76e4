# pl.pipeline(..., stage=F) is a pto.range with `pipeline F`; pl.parallel a pto.range.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        for i in pl.pipeline(0, 8, 2, stage=2):
            y[i:i + 1, 0:64] = x[i:i + 1, 0:64]
        for i in pl.parallel(8):
            y[i:i + 1, 0:64] = x[i:i + 1, 0:64]

# CHECK: pto.range %i = %{{.*}} to %{{.*}} step %{{.*}} pipeline 2 {
# CHECK: } {pl.carried_tensors = ["y"]}
# CHECK: pto.range %i_1 = %{{.*}} to %{{.*}} step %{{.*}} {
# CHECK-NOT: pipeline
# CHECK: } {pl.carried_tensors = ["y"]}
