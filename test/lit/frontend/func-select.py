# With several @pl.jit entries, --func NAME picks one (the others are not translated).
# RUN: pto-opt %s --func second | filecheck %s
# RUN: not pto-opt %s 2>&1 | filecheck %s --check-prefix=ERR
import pypto.language as pl


@pl.jit
def first(x: pl.Tensor[[4, 64], pl.FP32]):
    pass


@pl.jit
def second(x: pl.Tensor[[4, 64], pl.FP32], y: pl.Out[pl.Tensor[[4, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:4, 0:64] = x[0:4, 0:64]

# CHECK-NOT: @first
# CHECK: func.func @second
# ERR: {{^[^ ]*}}func-select.py:7:1: error: the file has several @pl.jit entries (first, second); pick one with --func NAME
