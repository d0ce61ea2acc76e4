"""PyPTO tile ops the frontend lowers to compositions, run and checked against numpy:
`pl.tile.gather(src, indices, tmp)` (PTO's tgather, index form: `dst[i, j] =
src[indices[i, j]]`, an index counting `src`'s elements in row-major order) against a flat
take, and `pl.concat(a, b)` against a column concatenation, on random shapes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptoc.backend.interpreter import compile_module
from ptoc.frontend import FrontendError, load_kernel

KERNEL = """\
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[{r}, {c}], pl.{dt}], ix: pl.Tensor[[{ir}, {ic}], pl.INT32],
      y: pl.Out[pl.Tensor[[{ir}, {ic}], pl.{dt}]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        src = x[0:{r}, 0:{c}]
        idx = ix[0:{ir}, 0:{ic}]
        tmp = pl.create_tile([{ir}, {ic}], dtype=pl.INT32, target_memory=pl.MemorySpace.Vec)
        y[0:{ir}, 0:{ic}] = pl.tile.gather(src, idx, tmp)
"""


def _load(tmp_path: Path, name: str, **kw: object) -> object:
    p = tmp_path / name
    p.write_text(textwrap.dedent(KERNEL.format(**kw)))
    return load_kernel(str(p))


_NP = {"FP32": np.float32, "INT32": np.int32}


@settings(max_examples=12, deadline=None)
@given(
    r=st.sampled_from([1, 2, 4]),
    c=st.sampled_from([8, 16, 64]),
    ir=st.sampled_from([1, 2, 3]),
    ic=st.sampled_from([8, 16]),
    dt=st.sampled_from(["FP32", "INT32"]),
    seed=st.integers(0, 2**16),
)
def test_gathers_by_row_major_element_index(
    tmp_path_factory: pytest.TempPathFactory, r: int, c: int, ir: int, ic: int, dt: str, seed: int
) -> None:
    tmp_path = tmp_path_factory.mktemp("g")
    m = _load(tmp_path, "k.py", r=r, c=c, ir=ir, ic=ic, dt=dt)
    rng = np.random.default_rng(seed)
    x = (rng.random((r, c)) * 1000).astype(_NP[dt])
    ix = rng.integers(0, r * c, (ir, ic)).astype(np.int32)
    out = compile_module(m).run({"x": x, "ix": ix, "y": np.zeros((ir, ic), _NP[dt])}).outputs
    assert out["y"].tobytes() == x.reshape(-1)[ix].tobytes()


def test_an_index_past_the_tile_is_an_error(tmp_path: Path) -> None:
    m = _load(tmp_path, "k.py", r=2, c=8, ir=1, ic=8, dt="FP32")
    ix = np.arange(8, dtype=np.int32).reshape(1, 8)
    ix[0, 3] = 16  # the tile has 16 elements
    with pytest.raises(Exception, match="out of bounds"):
        compile_module(m).run({"x": np.ones((2, 8), np.float32), "ix": ix,
                               "y": np.zeros((1, 8), np.float32)})


def test_indices_must_be_int32(tmp_path: Path) -> None:
    p = tmp_path / "bad.py"
    p.write_text(KERNEL.format(r=2, c=8, ir=1, ic=8, dt="FP32").replace(
        "ix: pl.Tensor[[1, 8], pl.INT32]", "ix: pl.Tensor[[1, 8], pl.FP32]"))
    with pytest.raises(FrontendError, match="indices must be an INT32 tile"):
        load_kernel(str(p))


CONCAT = """\
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[{r}, {c0}], pl.BF16], z: pl.Tensor[[{r}, {c1}], pl.BF16],
      y: pl.Out[pl.Tensor[[{r}, {c}], pl.BF16]]):
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
        y[0:{r}, 0:{c}] = pl.concat(x[0:{r}, 0:{c0}], z[0:{r}, 0:{c1}])
"""


@settings(max_examples=8, deadline=None)
@given(r=st.sampled_from([1, 4, 8]), c0=st.sampled_from([16, 32, 64]),
       c1=st.sampled_from([16, 48]), seed=st.integers(0, 2**16))
def test_concat_is_a_column_concatenation(
    tmp_path_factory: pytest.TempPathFactory, r: int, c0: int, c1: int, seed: int
) -> None:
    import ml_dtypes

    p = tmp_path_factory.mktemp("c") / "k.py"
    p.write_text(CONCAT.format(r=r, c0=c0, c1=c1, c=c0 + c1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((r, c0)).astype(ml_dtypes.bfloat16)
    z = rng.standard_normal((r, c1)).astype(ml_dtypes.bfloat16)
    y = np.zeros((r, c0 + c1), ml_dtypes.bfloat16)
    out = compile_module(load_kernel(str(p))).run({"x": x, "z": z, "y": y}).outputs
    assert out["y"].tobytes() == np.concatenate([x, z], axis=1).tobytes()


WHOLE = """\
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[32, 64], pl.BF16], h: pl.Tensor[[64, 64], pl.BF16],
      y: pl.Out[pl.Tensor[[32, 64], pl.FP32]]):
    for i in pl.spmd(2, name_hint="mm"):
        r0 = i * 16
        y[r0:r0 + 16, :] = pl.matmul(x[r0:r0 + 16, :], h, out_dtype=pl.FP32)
"""


def test_a_whole_global_tensor_operand_is_loaded_at_the_task_entry(tmp_path: Path) -> None:
    import ml_dtypes

    p = tmp_path / "k.py"
    p.write_text(WHOLE)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((32, 64)).astype(ml_dtypes.bfloat16)
    h = rng.standard_normal((64, 64)).astype(ml_dtypes.bfloat16)
    out = compile_module(load_kernel(str(p))).run(
        {"x": x, "h": h, "y": np.zeros((32, 64), np.float32)}).outputs
    want = np.concatenate(
        [x[r:r + 16].astype(np.float32) @ h.astype(np.float32) for r in (0, 16)])
    assert out["y"].tobytes() == want.tobytes()
