# An annotated local `t: pl.Tensor[[...], dtype] = e` is checked against the value.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        ok: pl.Tensor[[16, 64], pl.FP32] = x[0:16, 0:64]
        bad: pl.Tensor[[16, 32], pl.FP32] = pl.exp(ok)
# CHECK: {{^[^ ]*}}annotated-locals.py:10:14: error: the annotation says [16, 32] FP32 but the value is tile [16, 64] FP32
