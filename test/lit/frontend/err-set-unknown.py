# --set of a name that is not a module constant.
# RUN: not pto-opt %s --set GRUOP=4 2>&1 | filecheck %s
import pypto.language as pl

GROUP = 2
# CHECK: {{^[^ ]*}}err-set-unknown.py: error: --set GRUOP: the file has no module-level constant 'GRUOP' (its literal constants: GROUP)
# CHECK-NOT: {{T}}raceback
