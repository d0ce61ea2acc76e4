# An entry returns only its output tensor parameters (it writes results into them).
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32]):
    return x, 1
# CHECK: {{^[^ ]*}}err-entry-return.py:8:12: error: the entry 'k' returns constant 1: an entry writes its results into its pl.Out / pl.InOut tensor parameters and may return only those
