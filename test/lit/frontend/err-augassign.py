# x += ... is not PyPTO (an unsupported statement).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        a += a
# CHECK: {{^[^ ]*}}err-augassign.py:10:9: error: augmented assignment ('x += ...') is not supported by PyPTO; write 'x = x + ...'
# CHECK-NOT: {{T}}raceback
