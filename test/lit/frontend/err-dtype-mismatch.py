# Tile dtypes are never promoted: bf16 + f32 needs pl.cast.
# RUN: not pto-opt %s 2>&1 | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], h: pl.Tensor[[16, 64], pl.BF16],
      y: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:16, 0:64] = pl.add(x[0:16, 0:64], h[0:16, 0:64])
# CHECK: {{^[^ ]*}}err-dtype-mismatch.py:10:25: error: dtype mismatch: tile {{\[}}16, 64{{\]}} FP32 + tile {{\[}}16, 64{{\]}} BF16; PyPTO does not promote tile dtypes: insert pl.cast
# CHECK-NOT: {{T}}raceback
