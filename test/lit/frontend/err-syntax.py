# A Python syntax error is a located error.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl

def k(:
    pass
# CHECK: {{^[^ ]*}}err-syntax.py:5:7: error: invalid Python syntax: invalid syntax
# CHECK-NOT: {{T}}raceback
