# A pl operation outside the supported subset names itself.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:16, 0:64] = pl.tensor.scatter(x[0:16, 0:32], x[0:16, 32:64])
# CHECK: {{^[^ ]*}}err-unsupported-op.py:9:25: error: pl.tensor.scatter is not supported yet (see docs/frontend.md for the supported constructs)
# CHECK-NOT: {{T}}raceback
