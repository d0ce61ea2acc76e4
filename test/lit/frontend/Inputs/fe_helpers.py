"""An inline kernel imported by another kernel file (cross-file kernel import)."""

import pypto.language as pl

from fe_config import HIDDEN


@pl.jit.inline
def scale_rows(x: pl.Tensor[[8, HIDDEN], pl.FP32], out: pl.Out[pl.Tensor[[8, HIDDEN], pl.FP32]]):
    for r in pl.spmd(8, name_hint="scale"):
        out[r:r + 1, 0:HIDDEN] = pl.mul(x[r:r + 1, 0:HIDDEN], 2.0)
