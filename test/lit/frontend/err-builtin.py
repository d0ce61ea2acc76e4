# Python builtins are not kernel operations (use pl.min / pl.max).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(n: pl.Tensor[[2], pl.INT32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = pl.cast(pl.read(n, [0]), pl.INDEX)
        b = min(a, 3)
# CHECK: {{^[^ ]*}}err-builtin.py:10:13: error: the Python builtin 'min' is not available in a kernel body; use pl.min / pl.max (scalars) or pl.range
# CHECK-NOT: {{T}}raceback
