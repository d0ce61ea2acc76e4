# pl.tensor.dim's axis must be a constant in range for the tensor's rank.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl

T_DYN = pl.dynamic("T_DYN")


@pl.jit
def k(x: pl.Tensor[[T_DYN, 16], pl.FP32], y: pl.Out[pl.Tensor[[8, 16], pl.FP32]]):
    n = pl.tensor.dim(x, 2)
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="copy"):
        y[0:8, 0:16] = x[0:8, 0:16]
    return y

# CHECK: {{^[^ ]*}}err-tensor-dim.py:10:26: error: pl.tensor.dim's axis must be an int in {{\[}}-2, 2) for a rank-2 tensor
# CHECK-NOT: {{T}}raceback
