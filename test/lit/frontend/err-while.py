# while loops are not supported yet (one located error).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32]):
    i = 0
    while i < 4:
        i = i + 1
# CHECK: {{^[^ ]*}}err-while.py:9:5: error: while loops are not supported yet (no DeepSeek-V4 kernel uses them); use pl.range
# CHECK-NOT: {{T}}raceback
