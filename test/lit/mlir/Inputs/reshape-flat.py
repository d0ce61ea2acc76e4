# pl.reshape of a GM tensor that groups no dimensions ([16, 8] -> [4, 32]): the same
# row-major elements through one dimension (memref.collapse_shape, then expand_shape),
# for a tensor read and for one written through the view.
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 8], pl.FP32], y: pl.Out[pl.Tensor[[16, 8], pl.FP32]]):
    xr = pl.reshape(x, [4, 32])
    yr = pl.reshape(y, [4, 32])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        t = xr[0:4, 0:32]
        yr[0:4, 0:32] = pl.add(t, t)

