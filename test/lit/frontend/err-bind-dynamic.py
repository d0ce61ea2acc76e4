# A malformed bind_dynamic is one located error.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl

T_DYN = pl.dynamic("T_DYN")


@pl.jit
def k(x: pl.Tensor[[T_DYN, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    x.bind_dynamic(2, T_DYN)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy"):
        y[0:8, 0:64] = x[0:8, 0:64]
    return y

# CHECK: {{^[^ ]*}}err-bind-dynamic.py:10:20: error: bind_dynamic(2, ...) of 'x': it has 2 dimensions
# CHECK-NOT: {{T}}raceback
