# if / elif / else: nested scf.if; a name defined in every branch gets a phi.
# RUN: pto-opt %s | filecheck %s
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[4, 64], pl.FP32], n: pl.Tensor[[4], pl.INT32],
      y: pl.Out[pl.Tensor[[1, 64], pl.FP32]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        v = pl.cast(pl.read(n, [0]), pl.INDEX)
        if v == 0:
            r = x[0:1, 0:64]
        elif v < 3:
            r = x[1:2, 0:64]
        else:
            r = x[2:3, 0:64]
        y[0:1, 0:64] = r

# CHECK:      %[[E:.*]] = arith.cmpi eq, %v, %{{.*}} : index
# CHECK:      %r = scf.if %[[E]] -> (tensor<1x64xf32>) {
# CHECK:        scf.yield %{{.*}} : tensor<1x64xf32>
# CHECK:      } else {
# CHECK:        %[[L:.*]] = arith.cmpi slt, %v, %{{.*}} : index
# CHECK:        %[[R2:r_[0-9]+]] = scf.if %[[L]] -> (tensor<1x64xf32>) {
# CHECK:        } else {
# CHECK:        }
# CHECK:        scf.yield %[[R2]] : tensor<1x64xf32>
# CHECK:      }
# CHECK:      pto.store %r, %y
