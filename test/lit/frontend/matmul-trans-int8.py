# pl.matmul(a, b, b_trans=True) (b stored [N, K]) and a_trans; int8 x int8 accumulates in
# int32 (out_dtype=pl.INT32, the default for int8).
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(a: pl.Tensor[[64, 128], pl.BF16], w: pl.Tensor[[32, 128], pl.BF16],
      q: pl.Tensor[[16, 64], pl.INT8], r: pl.Tensor[[64, 32], pl.INT8],
      c: pl.Out[pl.Tensor[[64, 32], pl.FP32]], d: pl.Out[pl.Tensor[[16, 32], pl.INT32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mm"):
        acc = pl.matmul(a[0:64, 0:128], w[0:32, 0:128], out_dtype=pl.FP32, b_trans=True)
        acc = pl.matmul_acc(acc, a[0:64, 0:128], w[0:32, 0:128], b_trans=True)
        c[0:64, 0:32] = acc
        d[0:16, 0:32] = pl.matmul(q[0:16, 0:64], r[0:64, 0:32], out_dtype=pl.INT32)

# CHECK: %acc = pto.matmul %{{.*}}, %{{.*}} b_trans : tensor<64x128xbf16>, tensor<32x128xbf16> -> tensor<64x32xf32>
# CHECK: pto.matmul_acc %acc, %{{.*}}, %{{.*}} b_trans
# CHECK: pto.matmul %{{.*}}, %{{.*}} : tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
