"""The numerics contract (docs/numerics.md), checked on the interpreter alone.

These tests pin down what the interpreter computes with references written out element by
element, independent of numpy's internals: the MLIR lowering (pto-to-upstream) emits the
same order, and the MLIR-engine tests check that it does.
"""

from __future__ import annotations

import ctypes
import ctypes.util

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ptoc
from ptoc.backend import numerics as nm
from ptoc.backend.interpreter import compile_module

F32 = np.float32


def tree_sum(row: np.ndarray) -> np.float32:
    """The vector unit's row sum, one element at a time (CANN Ascend C ReduceSum):
    each repeat of 64 fp32 elements is a binary tree of adjacent pairs (the tail repeat
    padded with +0.0), and the repeats' sums are added in order."""
    n = len(row)
    total = None
    for start in range(0, max(n, 1), 64):
        vals = [F32(v) for v in row[start : start + 64]]
        vals += [F32(0.0)] * (64 - len(vals))
        while len(vals) > 1:
            vals = [F32(vals[i] + vals[i + 1]) for i in range(0, len(vals), 2)]
        total = vals[0] if total is None else F32(total + vals[0])
    assert total is not None
    return total


def row_sum_reference(x: np.ndarray) -> np.ndarray:
    return np.array([[tree_sum(row)] for row in x], dtype=F32)


def bits(a: np.ndarray) -> np.ndarray:
    return np.asarray(a).view(f"u{np.asarray(a).itemsize}")


def run_row_sum(x: np.ndarray) -> np.ndarray:
    r, c = x.shape
    et = "bf16" if x.dtype == ml_dtypes.bfloat16 else "f32"
    text = f"""
    func.func @k(%x: memref<{r}x{c}x{et}>, %o: memref<{r}x1x{et}>) {{
      %c0 = arith.constant 0 : index
      %t = pto.load %x[%c0, %c0] : memref<{r}x{c}x{et}> -> tensor<{r}x{c}x{et}>
      %s = pto.row_sum %t : tensor<{r}x{c}x{et}> -> tensor<{r}x1x{et}>
      pto.store %s, %o[%c0, %c0] : tensor<{r}x1x{et}>, memref<{r}x1x{et}>
      func.return
    }}"""
    prog = compile_module(ptoc.parse(text))
    out = np.zeros((r, 1), x.dtype)
    return prog.run({"x": x, "o": out}, record=False).outputs["o"]


@pytest.mark.parametrize("c", [1, 3, 7, 8, 9, 16, 17, 64, 100, 128, 129, 200, 512, 1000, 2048])
def test_row_sum_is_the_vector_unit_order(c: int) -> None:
    rng = np.random.default_rng(c)
    # magnitudes over many binades, so that the order matters
    x = (rng.standard_normal((4, c)) * np.exp(rng.standard_normal((4, c)) * 4)).astype(F32)
    got = run_row_sum(x)
    want = row_sum_reference(x)
    assert (bits(got) == bits(want)).all()
    if c >= 16:  # and the order is neither left-to-right nor numpy's pairwise sum
        seq = np.cumsum(x, axis=-1, dtype=F32)[:, -1:]
        assert not (bits(seq) == bits(want)).all()
    if c >= 128:
        assert not (bits(np.sum(x, axis=-1, keepdims=True)) == bits(want)).all()


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(F32, st.tuples(st.integers(1, 3), st.integers(1, 300)),
                  elements=st.floats(-1e6, 1e6, width=32)))
def test_row_sum_order_property(x: np.ndarray) -> None:
    assert (bits(run_row_sum(x)) == bits(row_sum_reference(x))).all()


def test_bf16_row_sum_accumulates_in_f32() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 300)).astype(ml_dtypes.bfloat16)
    want = row_sum_reference(x.astype(F32)).astype(ml_dtypes.bfloat16)
    assert (bits(run_row_sum(x)) == bits(want)).all()


def _libm_exp() -> ctypes._CFuncPtr:
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    f = libm.exp
    f.restype = ctypes.c_double
    f.argtypes = [ctypes.c_double]
    return f


def test_exp_is_rounded_from_f64() -> None:
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(20000) * 10).astype(F32)
    got = nm.FLOAT_UNARY["math.exp"](x)
    assert got.dtype == F32
    # the C library's double exp, rounded once to f32: what the MLIR engine calls
    exp = _libm_exp()
    want = np.array([exp(float(v)) for v in x]).astype(F32)
    assert (bits(got) == bits(want)).all()
    # scalars keep their type
    s = nm.FLOAT_UNARY["math.exp"](F32(1.5))
    assert isinstance(s, np.float32) and s == F32(np.exp(1.5))


def test_exp_bf16_rounds_through_f32() -> None:
    x = np.linspace(-8, 8, 1001).astype(ml_dtypes.bfloat16)
    got = nm.FLOAT_UNARY["math.exp"](x)
    assert got.dtype == ml_dtypes.bfloat16
    want = np.exp(x.astype(np.float64)).astype(F32).astype(ml_dtypes.bfloat16)
    assert (bits(got) == bits(want)).all()


def test_bf16_matmul_products_are_exact_in_f32() -> None:
    # 8-bit significands: a bf16 x bf16 product has at most 16 significant bits
    rng = np.random.default_rng(2)
    a = rng.standard_normal(10000).astype(ml_dtypes.bfloat16).astype(np.float64)
    b = rng.standard_normal(10000).astype(ml_dtypes.bfloat16).astype(np.float64)
    p = a * b
    assert (p.astype(F32).astype(np.float64) == p).all()


@pytest.mark.parametrize("mode", ["rint", "trunc", "floor", "ceil", "round", "odd"])
def test_f32_to_bf16_modes_bracket_the_value(mode: str) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(5000).astype(F32)
    y = nm.cast_tile(x, np.dtype(ml_dtypes.bfloat16), mode).astype(F32)
    lo = np.minimum(x, y)
    hi = np.maximum(x, y)
    # one bf16 step at most
    step = np.abs(x) * 2.0**-7
    assert ((hi - lo) <= step).all()
    if mode == "trunc":
        assert (np.abs(y) <= np.abs(x)).all()
    if mode == "floor":
        assert (y <= x).all()
    if mode == "ceil":
        assert (y >= x).all()
