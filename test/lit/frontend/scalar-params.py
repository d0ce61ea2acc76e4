# Scalar parameters of the entry are specialized, as PyPTO's @pl.jit does at call time:
# the value (from --set NAME=VALUE, else the signature's default) becomes a literal of
# the body and the parameter leaves the signature.
# RUN: pto-opt %s --set num_tokens=40 | filecheck %s
# RUN: pto-opt %s --set num_tokens=16 --set scale=0.5 | filecheck %s --check-prefix=SET
# RUN: not pto-opt %s 2>&1 | filecheck %s --check-prefix=NONE
# RUN: not pto-opt %s --set num_token=40 2>&1 | filecheck %s --check-prefix=TYPO
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[64, 16], pl.FP32], y: pl.Out[pl.Tensor[[64, 16], pl.FP32]],
      num_tokens: pl.Scalar[pl.INT32], scale: pl.FP32 = 2.0):
    for r0 in pl.spmd(num_tokens // 8, name_hint="rows"):
        r = r0 * 8
        y[r:r + 8, 0:16] = pl.mul(x[r:r + 8, 0:16], scale)
    return y

# CHECK: func.func @k(%x: memref<64x16xf32>, %y: memref<64x16xf32>)
# CHECK: pto.spmd %r0 = 0 to 5 name "rows"
# CHECK: arith.constant 2.000000e+00 : f32
# SET: pto.spmd %r0 = 0 to 2 name "rows"
# SET: arith.constant 5.000000e-01 : f32
# NONE: {{^[^ ]*}}scalar-params.py:13:7: error: scalar parameter 'num_tokens' needs a value: PyPTO specializes a scalar argument at call time (its value becomes a literal); give it with --set num_tokens=VALUE
# NONE-NOT: {{T}}raceback
# TYPO: error: --set num_token: the file has no module-level constant 'num_token' (its literal constants: none; its entry's scalar parameters: num_tokens, scale)
