# SSA rule 2 (escaping): a name first assigned in a loop body and read after the loop in
# the same statement list is carried out of the loop (an iter_arg whose initial value is
# a same-typed value visible before the loop); without the later read it is loop-local.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        first = x[0:1, 0:64]
        for i in pl.range(4):
            t = x[i:i + 1, 0:64]
            u = pl.exp(t)
        y[0:1, 0:64] = t

# CHECK:      %first = pto.load
# CHECK:      %t = pto.range %i = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%t_1 = %first) -> (tensor<1x64xf32>) {
# CHECK:        %t_2 = pto.load %x[%i,
# CHECK:        math.exp %t_2
# CHECK:        pto.yield %t_2 : tensor<1x64xf32>
# CHECK:      pto.store %t, %y
