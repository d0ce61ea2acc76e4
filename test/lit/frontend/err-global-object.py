# A non-scalar module global used in a kernel body is an error naming it.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl

SIZES = [16, 64]


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:16, 0:64] = pl.mul(x[0:16, 0:64], SIZES)
# CHECK: {{^[^ ]*}}err-global-object.py:11:47: error: global 'SIZES' is list, not an int, float or bool: only those module constants are inlined in a kernel body (PyPTO's specializer); precompute the scalar at module level
# CHECK-NOT: {{T}}raceback
