# A pl operation outside the supported subset names itself.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:16, 0:64] = pl.transpose(x[0:16, 0:64], axis1=0, axis2=1)
# CHECK: {{^[^ ]*}}err-unsupported-op.py:9:25: error: pl.transpose is not supported yet (see docs/frontend.md for the supported constructs)
# CHECK-NOT: {{T}}raceback
