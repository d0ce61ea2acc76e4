# A kernel file's test-harness imports that this machine does not have (torch, pypto-lib's
# golden helpers, pypto's runtime and distributed modules) do not stop the kernel from
# being read: the names stand in, unused. Using one (calling it at the top level, or
# naming it in a kernel body) is a located error that names the missing module.
# RUN: pto-opt %s | filecheck %s
# RUN: not pto-opt %s --set MODE=1 2>&1 | filecheck %s --check-prefix=CALLED
# RUN: not pto-opt %s --set MODE=2 2>&1 | filecheck %s --check-prefix=ARITH
# RUN: not pto-opt %s --set MODE=3 2>&1 | filecheck %s --check-prefix=INBODY
import ptoc_absent_harness_module as harness
import pypto.language as pl
import pypto.language.distributed as pld
from ptoc_absent_golden_module import TensorSpec, run_jit
from pypto.runtime import RunConfig

MODE = 0
SPECS = [TensorSpec, harness.float32]  # named, not used: fine
if MODE == 1:
    DATA = harness.arange(16)
if MODE == 2:
    N = harness.SIZE * 2


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = x[0:16, 0:64]
        if MODE == 3:
            t = pld.all_reduce(t)
        y[0:16, 0:64] = pl.exp(t)


def golden(tensors):
    return harness.exp(tensors["x"])


if __name__ == "__main__":
    run_jit(k, RunConfig(), golden)

# CHECK: func.func @k(%x: memref<16x64xf32>, %y: memref<16x64xf32>)
# CHECK: math.exp %t : tensor<16x64xf32>
# CALLED: absent-imports.py:18:12: error: the module's top-level code raised AbsentModuleError: No module named 'ptoc_absent_harness_module': ptoc_absent_harness_module.arange is used here
# ARITH: absent-imports.py:20:9: error: the module's top-level code raised AbsentModuleError: No module named 'ptoc_absent_harness_module': ptoc_absent_harness_module.SIZE is used here
# INBODY: absent-imports.py:28:17: error: 'pld' is the module 'pypto.language.distributed', which is not installed here
