# A constant slice beyond the tensor: out of bounds.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:1, 0:32] = x[15:16, 48:80]
# CHECK: {{^[^ ]*}}err-slice-bounds.py:9:33: error: the slice {{\[}}48:80{{\]}} is out of bounds for dimension 1 of extent 64
# CHECK-NOT: {{T}}raceback
