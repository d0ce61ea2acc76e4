# Entry parameters need a pl.Tensor annotation.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x):
    pass
# CHECK: {{^[^ ]*}}err-missing-annotation.py:7:7: error: parameter 'x' needs a type: pl.Tensor{{\[}}{{\[}}dims{{\]}}, dtype{{\]}}
# CHECK-NOT: {{T}}raceback
