# pl.matmul / pl.matmul_acc are pto.matmul / pto.matmul_acc (fp32 accumulation); a scope
# with only cube compute runs on cube cores, with cube and vector compute on mix.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(a: pl.Tensor[[64, 128], pl.BF16], b: pl.Tensor[[128, 64], pl.BF16],
      c: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mm"):
        acc = pl.matmul(a[0:64, 0:64], b[0:64, 0:64], out_dtype=pl.FP32)
        acc = pl.matmul_acc(acc, a[0:64, 64:128], b[64:128, 0:64])
        c[0:64, 0:64] = acc
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="mixed"):
        acc = pl.matmul(a[0:64, 0:64], b[0:64, 0:64], out_dtype=pl.FP32)
        c[0:64, 0:64] = pl.exp(acc)

# CHECK:      pto.spmd %{{.*}} = 0 to 1 name "mm" core cube {
# CHECK:        %acc = pto.matmul %{{.*}}, %{{.*}} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
# CHECK:        %acc_1 = pto.matmul_acc %acc, %{{.*}}, %{{.*}} : tensor<64x64xf32>, tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
# CHECK:        pto.store %acc_1, %c
# CHECK:      pto.spmd %{{.*}} = 0 to 1 name "mixed" core mix {
