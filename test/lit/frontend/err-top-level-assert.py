# A failing assert in the module's top-level code is located in the file.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl

GROUP = 3
B = 64
assert B % GROUP == 0, "GROUP must divide B"
# CHECK: {{^[^ ]*}}err-top-level-assert.py:7:8: error: the module's top-level code failed an assert: GROUP must divide B
# CHECK-NOT: {{T}}raceback
