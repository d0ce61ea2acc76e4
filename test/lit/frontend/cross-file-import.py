# Kernels import other kernel files by module name (from helpers import kernel), as
# pypto-lib's files do; the imported inline kernel is translated from its own file.
# RUN: env PYTHONPATH=%S/Inputs pto-opt %s | filecheck %s
import pypto.language as pl
from fe_helpers import scale_rows


@pl.jit
def k(x: pl.Tensor[[8, 64], pl.FP32], y: pl.Out[pl.Tensor[[8, 64], pl.FP32]]):
    scale_rows(x, y)

# CHECK: pto.spmd %r = 0 to 8 name "scale" core vector {
# CHECK:   pto.muls
# CHECK:   pto.store %{{.*}}, %y[%r, %{{.*}}] : tensor<1x64xf32>, memref<8x64xf32>
