# pl.slice of a GM tensor with valid_shape= (pypto-lib HEAD's tail chunks,
# `pl.slice(x_flat, [T_TILE, K], [t0, k0], valid_shape=[t_rows, K])`) is the same load as
# pl.load(..., valid_shape=...): pto.load_valid. clamp=True is a located error, never
# ignored.
# RUN: pto-opt %s | filecheck %s
# RUN: not pto-opt %s --set USE_CLAMP=1 2>&1 | filecheck %s --check-prefix=CLAMP
import pypto.language as pl

USE_CLAMP = 0


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], n: pl.Tensor[[1], pl.INT32],
      y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        rows = pl.cast(pl.read(n, [0]), pl.INDEX)
        if USE_CLAMP:
            t = pl.slice(x, [16, 64], [0, 0], clamp=True)
        else:
            t = pl.slice(x, [16, 64], [16, 0], valid_shape=[rows, 64])
        y[0:16, 0:64] = t

# CHECK: %t = pto.load_valid %x[%{{.*}}, %{{.*}}] valid[%rows, %{{.*}}] : memref<64x64xf32> -> tensor<16x64xf32>
# CLAMP: slice-valid.py:18:53: error: pl.slice clamp= is not supported yet
# The store of that tile writes its valid rows only, as PyPTO's store of a valid-region tile:
# CHECK: pto.store_valid %t, %y[%{{.*}}, %{{.*}}] valid[%rows, %{{.*}}] : tensor<16x64xf32>, memref<64x64xf32>
