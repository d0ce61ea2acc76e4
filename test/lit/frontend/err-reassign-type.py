# Reassigning a name with a different type where @pl.jit keeps the name (a rebinding
# deeper than the first binding: a loop-carried update) is PyPTO's "Cannot reassign".
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        a = x[0:16, 0:64]
        for i in pl.range(2):
            a = pl.row_sum(a)
# CHECK: {{^[^ ]*}}err-reassign-type.py:12:13: error: cannot reassign 'a' with a different type: it was tile {{\[}}16, 64{{\]}} FP32, now tile {{\[}}16, 1{{\]}} FP32
# CHECK-NOT: {{T}}raceback
