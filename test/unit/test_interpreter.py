"""The numpy interpreter (ptoc.backend.interpreter) against independent numpy references."""

from __future__ import annotations

import decimal
import importlib.util
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend import numerics as nm
from ptoc.backend.interpreter import (
    InterpreterError,
    Program,
    compile_module,
    random_inputs,
)
from ptoc.backend.record import ExecutionRecord, OpEvent
from ptoc.costmodel import simulate
from ptoc.costmodel.machine import load_machine

ROOT = Path(__file__).resolve().parents[2]
BF16 = np.dtype(ml_dtypes.bfloat16)
SEED_DIR = ROOT / "examples" / "dsv4_compressor_ratio4"


def compile_text(text: str, func: str | None = None) -> Program:
    return compile_module(ptoc.parse(text, "test.mlir"), func=func)


def run_text(text: str, inputs: dict[str, Any], **kw: Any) -> Any:
    return compile_text(text).run(inputs, **kw)


def events(rec: ExecutionRecord, scope: int = 0, task: int = 0) -> list[OpEvent]:
    return rec.scopes[scope].tasks[task].events


# --------------------------------------------------------------------------- tile ops


def unary_kernel(op_line: str, in_t: str, out_t: str, in_shape: str, out_shape: str) -> str:
    return f"""
func.func @k(%a: memref<{in_shape}x{in_t}>, %o: memref<{out_shape}x{out_t}>) {{
  pto.spmd %t = 0 to 1 {{
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<{in_shape}x{in_t}> -> tensor<{in_shape}x{in_t}>
    {op_line}
    pto.store %z, %o[%c0, %c0] : tensor<{out_shape}x{out_t}>, memref<{out_shape}x{out_t}>
  }}
  func.return
}}
"""


def binary_kernel(op_line: str, a_t: str, b_t: str, o_t: str) -> str:
    """%x: tensor<a_t>, %y: tensor<b_t> -> %z: tensor<o_t>; types like `4x64xf32`."""
    return f"""
func.func @k(%a: memref<{a_t}>, %b: memref<{b_t}>, %o: memref<{o_t}>) {{
  pto.spmd %t = 0 to 1 {{
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<{a_t}> -> tensor<{a_t}>
    %y = pto.load %b[%c0, %c0] : memref<{b_t}> -> tensor<{b_t}>
    {op_line}
    pto.store %z, %o[%c0, %c0] : tensor<{o_t}>, memref<{o_t}>
  }}
  func.return
}}
"""


RNG = np.random.default_rng(1234)


def f32(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


FLOAT_BINARY: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "arith.addf": lambda a, b: a + b,
    "arith.subf": lambda a, b: a - b,
    "arith.mulf": lambda a, b: a * b,
    "arith.divf": lambda a, b: a / b,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
}


@pytest.mark.parametrize("name", sorted(FLOAT_BINARY))
def test_float_binary(name: str) -> None:
    a, b = f32(4, 64), f32(4, 64)
    t = "4x64xf32"
    text = binary_kernel(f"%z = {name} %x, %y : tensor<{t}>", t, t, t)
    out = run_text(text, {"a": a, "b": b, "o": np.zeros((4, 64), np.float32)}).outputs["o"]
    ref = FLOAT_BINARY[name](a, b)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, ref)


FLOAT_UNARY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "math.exp": lambda x: np.exp(x.astype(np.float64)),
    "math.sqrt": lambda x: np.sqrt(np.abs(x).astype(np.float64)),
    "math.rsqrt": lambda x: 1.0 / np.sqrt(np.abs(x).astype(np.float64)),
    "math.log": lambda x: np.log(np.abs(x).astype(np.float64)),
    "math.tanh": lambda x: np.tanh(x.astype(np.float64)),
    "math.absf": lambda x: np.abs(x.astype(np.float64)),
    "arith.negf": lambda x: -x.astype(np.float64),
}


@pytest.mark.parametrize("name", sorted(FLOAT_UNARY))
def test_float_unary(name: str) -> None:
    x = f32(4, 64)
    if name in ("math.sqrt", "math.rsqrt", "math.log"):
        x = np.abs(x) + np.float32(0.01)
    t = "4x64xf32"
    text = unary_kernel(f"%z = {name} %x : tensor<{t}>", "f32", "f32", "4x64", "4x64")
    out = run_text(text, {"a": x, "o": np.zeros((4, 64), np.float32)}, debug=True).outputs["o"]
    # a float64 reference: fp32 results within a few fp32 ulps
    np.testing.assert_allclose(out, FLOAT_UNARY[name](x), rtol=3e-7 * 4, atol=0)


def test_row_reductions_and_broadcast_muls() -> None:
    x, r, c = f32(16, 64), f32(16, 1), f32(1, 64)
    text = """
func.func @k(%a: memref<16x64xf32>, %r: memref<16x1xf32>, %c: memref<1x64xf32>,
             %sum: memref<16x1xf32>, %max: memref<16x1xf32>, %rm: memref<16x64xf32>,
             %cm: memref<16x64xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<16x64xf32> -> tensor<16x64xf32>
    %rv = pto.load %r[%c0, %c0] : memref<16x1xf32> -> tensor<16x1xf32>
    %cv = pto.load %c[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %s = pto.row_sum %x : tensor<16x64xf32> -> tensor<16x1xf32>
    %m = pto.row_max %x : tensor<16x64xf32> -> tensor<16x1xf32>
    %e = pto.row_expand_mul %x, %rv : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>
    %f = pto.col_expand_mul %x, %cv : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>
    pto.store %s, %sum[%c0, %c0] : tensor<16x1xf32>, memref<16x1xf32>
    pto.store %m, %max[%c0, %c0] : tensor<16x1xf32>, memref<16x1xf32>
    pto.store %e, %rm[%c0, %c0] : tensor<16x64xf32>, memref<16x64xf32>
    pto.store %f, %cm[%c0, %c0] : tensor<16x64xf32>, memref<16x64xf32>
  }
  func.return
}
"""
    z = np.zeros
    out = run_text(text, {
        "a": x, "r": r, "c": c, "sum": z((16, 1), np.float32), "max": z((16, 1), np.float32),
        "rm": z((16, 64), np.float32), "cm": z((16, 64), np.float32),
    }, debug=True).outputs
    np.testing.assert_allclose(out["sum"], x.astype(np.float64).sum(1, keepdims=True), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(out["max"], x.max(1, keepdims=True))
    for i in range(16):
        for j in range(0, 64, 7):
            assert out["rm"][i, j] == np.float32(x[i, j] * r[i, 0])
            assert out["cm"][i, j] == np.float32(x[i, j] * c[0, j])


def test_matmul_bf16_inputs_fp32_accumulate() -> None:
    a = f32(64, 512).astype(BF16)
    b = f32(512, 64).astype(BF16)
    acc = f32(64, 64)
    text = """
func.func @k(%a: memref<64x512xbf16>, %b: memref<512x64xbf16>, %acc: memref<64x64xf32>,
             %o: memref<64x64xf32>, %o2: memref<64x64xf32>) {
  pto.spmd %t = 0 to 1 core cube {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<64x512xbf16> -> tensor<64x512xbf16>
    %y = pto.load %b[%c0, %c0] : memref<512x64xbf16> -> tensor<512x64xbf16>
    %w = pto.load %acc[%c0, %c0] : memref<64x64xf32> -> tensor<64x64xf32>
    %z = pto.matmul %x, %y : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
    %d = pto.matmul_acc %w, %x, %y : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
    pto.store %z, %o[%c0, %c0] : tensor<64x64xf32>, memref<64x64xf32>
    pto.store %d, %o2[%c0, %c0] : tensor<64x64xf32>, memref<64x64xf32>
  }
  func.return
}
"""
    res = run_text(text, {"a": a, "b": b, "acc": acc, "o": np.zeros((64, 64), np.float32),
                          "o2": np.zeros((64, 64), np.float32)}, debug=True)
    ref = a.astype(np.float64) @ b.astype(np.float64)  # exact products of bf16 values
    np.testing.assert_allclose(res.outputs["o"], ref, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(res.outputs["o2"], ref + acc, rtol=1e-5, atol=1e-4)
    mm = [e for e in events(res.record) if e.kind == "matmul"]
    assert [(e.op, e.k, e.shape, e.dtype) for e in mm] == [
        ("pto.matmul", 512, (64, 64), "float32"), ("pto.matmul_acc", 512, (64, 64), "float32")
    ]


def test_tile_reshape_is_a_free_alias() -> None:
    """A tile reshape records no event and lives in its source's buffer (PTO's TRESHAPE
    aliases the tile on A2/A3): the matmul reads the load's buffer, the store the
    matmul's, and a cube task stays free of vector work."""
    w = f32(1, 32, 64)
    x = f32(16, 64)
    text = """
func.func @k(%a: memref<16x64xf32>, %b: memref<1x32x64xf32>, %o: memref<1x16x32xf32>) {
  pto.spmd %t = 0 to 1 core cube {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<16x64xf32> -> tensor<16x64xf32>
    %w3 = pto.load %b[%c0, %c0, %c0] : memref<1x32x64xf32> -> tensor<1x32x64xf32>
    %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x32x64xf32> into tensor<32x64xf32>
    %z = pto.matmul %x, %w b_trans : tensor<16x64xf32>, tensor<32x64xf32> -> tensor<16x32xf32>
    %z3 = tensor.expand_shape %z [[0, 1], [2]] output_shape [1, 16, 32] : tensor<16x32xf32> into tensor<1x16x32xf32>
    pto.store %z3, %o[%c0, %c0, %c0] : tensor<1x16x32xf32>, memref<1x16x32xf32>
  }
  func.return
}
"""
    res = run_text(text, {"a": x, "b": w, "o": np.zeros((1, 16, 32), np.float32)})
    np.testing.assert_array_equal(res.outputs["o"][0], x @ w[0].T)
    evs = events(res.record)
    assert [e.kind for e in evs] == ["load", "load", "matmul", "store"]
    lx, lw, mm, st = evs
    assert mm.reads == (lx.writes, lw.writes)
    assert st.reads == (mm.writes,)
    rep = simulate(res.record, load_machine("a2a3"))
    assert [s.core for s in res.record.scopes] == ["cube"] and rep.total_us > 0


def test_gather_arange_splat_constants() -> None:
    text = """
func.func @k(%a: memref<1x64xf32>, %s: memref<4xf32>, %g: memref<1x64xf32>,
             %ar: memref<2x8xi32>, %sp: memref<1x64xf32>, %cs: memref<2x2xi32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %x = pto.load %a[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %i = pto.arange start 63 step -1 : tensor<1x64xi32>
    %one = arith.constant dense<1> : tensor<1x64xi32>
    %j = arith.xori %i, %one : tensor<1x64xi32>
    %y = pto.gather %x, %j : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x64xf32>
    pto.store %y, %g[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
    %r = pto.arange start 5 step 3 : tensor<2x8xi32>
    pto.store %r, %ar[%c0, %c0] : tensor<2x8xi32>, memref<2x8xi32>
    %v = pto.read %s[%c1] : memref<4xf32> -> f32
    %w = tensor.splat %v : tensor<1x64xf32>
    pto.store %w, %sp[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
    %k = arith.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi32>
    pto.store %k, %cs[%c0, %c0] : tensor<2x2xi32>, memref<2x2xi32>
  }
  func.return
}
"""
    x = f32(1, 64)
    s = np.array([1.5, -2.25, 3.0, 4.0], np.float32)
    out = run_text(text, {
        "a": x, "s": s, "g": np.zeros((1, 64), np.float32), "ar": np.zeros((2, 8), np.int32),
        "sp": np.zeros((1, 64), np.float32), "cs": np.zeros((2, 2), np.int32),
    }, debug=True).outputs
    idx = [(63 - j) ^ 1 for j in range(64)]
    assert out["g"][0].tolist() == [x[0, k] for k in idx]
    assert out["ar"].tolist() == [[5 + 3 * j for j in range(8)]] * 2
    assert (out["sp"] == np.float32(-2.25)).all()
    assert out["cs"].tolist() == [[1, -2], [3, 4]]


def test_gather_out_of_range_index_is_an_error() -> None:
    text = """
func.func @k(%a: memref<1x8xf32>, %i: memref<1x8xi32>, %o: memref<1x8xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<1x8xf32> -> tensor<1x8xf32>
    %j = pto.load %i[%c0, %c0] : memref<1x8xi32> -> tensor<1x8xi32>
    %y = pto.gather %x, %j : tensor<1x8xf32>, tensor<1x8xi32> -> tensor<1x8xf32>
    pto.store %y, %o[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  }
  func.return
}
"""
    idx = np.arange(8, dtype=np.int32)[None, :]
    idx[0, 3] = 8
    with pytest.raises(InterpreterError, match=r"test.mlir:7:\d+: error: 'pto.gather' op gather index 8"):
        run_text(text, {"a": f32(1, 8), "i": idx, "o": np.zeros((1, 8), np.float32)})


CMPF_KERNEL = """
func.func @k(%s: memref<2xf32>, %a: memref<2x64xf32>, %b: memref<2x64xf32>, %o: memref<2x64xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %v = pto.read %s[%c0] : memref<2xf32> -> f32
    %w = pto.read %s[%c1] : memref<2xf32> -> f32
    %x = pto.load %a[%c0, %c0] : memref<2x64xf32> -> tensor<2x64xf32>
    %y = pto.load %b[%c0, %c0] : memref<2x64xf32> -> tensor<2x64xf32>
    %gt = arith.cmpf PRED, %v, %w : f32
    %z = arith.select %gt, %x, %y : tensor<2x64xf32>
    pto.store %z, %o[%c0, %c0] : tensor<2x64xf32>, memref<2x64xf32>
  }
  func.return
}
"""

CMPF_REF: dict[str, Callable[[float, float], bool]] = {
    "oeq": lambda a, b: a == b,
    "ogt": lambda a, b: a > b,
    "olt": lambda a, b: a < b,
    "one": lambda a, b: not (math.isnan(a) or math.isnan(b)) and a != b,
    "ord": lambda a, b: not (math.isnan(a) or math.isnan(b)),
    "ueq": lambda a, b: math.isnan(a) or math.isnan(b) or a == b,
    "ult": lambda a, b: math.isnan(a) or math.isnan(b) or a < b,
    "une": lambda a, b: math.isnan(a) or math.isnan(b) or a != b,
    "uno": lambda a, b: math.isnan(a) or math.isnan(b),
}


@pytest.mark.parametrize("pred", sorted(CMPF_REF))
def test_cmpf_and_select(pred: str) -> None:
    prog = compile_text(CMPF_KERNEL.replace("PRED", pred))
    a, b = f32(2, 64), f32(2, 64)
    for v, w in [(1.0, 2.0), (2.0, 1.0), (1.5, 1.5), (math.nan, 1.0), (1.0, math.nan)]:
        s = np.array([v, w], np.float32)
        out = prog.run({"s": s, "a": a, "b": b, "o": np.zeros((2, 64), np.float32)}).outputs["o"]
        want = a if CMPF_REF[pred](v, w) else b
        np.testing.assert_array_equal(out, want, err_msg=f"{pred}({v}, {w})")


def test_int_tile_ops() -> None:
    ti = "2x8xi32"
    for name, ref in [
        ("arith.divsi", lambda p, q: [[int(x / y) for x, y in zip(r, s, strict=False)] for r, s in zip(p, q, strict=False)]),
        ("arith.remsi", lambda p, q: [[int(math.fmod(x, y)) for x, y in zip(r, s, strict=False)] for r, s in zip(p, q, strict=False)]),
        ("arith.floordivsi", lambda p, q: [[x // y for x, y in zip(r, s, strict=False)] for r, s in zip(p, q, strict=False)]),
        ("arith.shli", lambda p, q: [[(x << (y % 8)) for x, y in zip(r, s, strict=False)] for r, s in zip(p, q, strict=False)]),
    ]:
        a = RNG.integers(-50, 50, (2, 8)).astype(np.int32)
        b = RNG.integers(1, 9, (2, 8)).astype(np.int32) * RNG.choice([-1, 1], (2, 8)).astype(np.int32)
        if name == "arith.shli":
            b = np.abs(b) % 8
        text = binary_kernel(f"%z = {name} %x, %y : tensor<{ti}>", ti, ti, ti)
        out = run_text(text, {"a": a, "b": b, "o": np.zeros((2, 8), np.int32)}, debug=True).outputs["o"]
        assert out.tolist() == ref(a.tolist(), b.tolist()), name


# --------------------------------------------------------------------------- casts


def _bf16_neighbours(x: float) -> tuple[float, float]:
    """The bf16 values just below and above (or equal to) `x`, by walking bf16 bits."""
    near = np.float32(x).astype(BF16)
    bits = int(near.view(np.uint16))

    def from_bits(b: int) -> float:
        return float(np.array([b], np.uint16).view(BF16)[0])

    def step(b: int, up: bool) -> int:
        neg = b & 0x8000
        mag = b & 0x7FFF
        if mag == 0:
            return 0x0001 if up else 0x8001
        if (not neg) == up:
            return b + 1
        return b - 1

    v = from_bits(bits)
    if v == x:
        return v, v
    if v < x:
        return v, from_bits(step(bits, True))
    return from_bits(step(bits, False)), v


def _ref_bf16(x: float, mode: str) -> float:
    lo, hi = _bf16_neighbours(x)
    if lo == hi:
        return lo
    if mode == "trunc":
        return lo if x > 0 else hi
    if mode == "floor":
        return lo
    if mode == "ceil":
        return hi
    dlo, dhi = x - lo, hi - x
    if mode == "round":
        if dlo == dhi:
            return hi if x > 0 else lo
        return lo if dlo < dhi else hi
    if mode == "rint":
        if dlo == dhi:
            lb = int(np.array([lo], np.float32).astype(BF16).view(np.uint16)[0])
            return lo if lb % 2 == 0 else hi
        return lo if dlo < dhi else hi
    raise AssertionError(mode)


CAST_MODES = ["rint", "trunc", "floor", "ceil", "round"]


@pytest.mark.parametrize("mode", CAST_MODES)
def test_cast_f32_to_bf16_rounding(mode: str) -> None:
    x = f32(1, 64) * np.float32(100)
    # exact ties (the 16 dropped bits are 0x8000) and exact values
    x[0, :8] = (np.array([0x3F808000, 0xBF808000, 0x3F818000, 0xBF818000, 0x3F800000,
                          0x40490000, 0x3F80FFFF, 0xBF80FFFF], np.uint32)).view(np.float32)
    text = unary_kernel(f'%z = pto.cast %x round "{mode}" : tensor<1x64xf32> -> tensor<1x64xbf16>',
                        "f32", "bf16", "1x64", "1x64")
    out = run_text(text, {"a": x, "o": np.zeros((1, 64), BF16)}, debug=True).outputs["o"]
    ref = [_ref_bf16(float(v), mode) for v in x[0]]
    assert [float(v) for v in out[0]] == ref


def _ref_int(x: float, mode: str) -> int:
    d = decimal.Decimal(x)
    rounding = {
        "rint": decimal.ROUND_HALF_EVEN, "trunc": decimal.ROUND_DOWN,
        "floor": decimal.ROUND_FLOOR, "ceil": decimal.ROUND_CEILING,
        "round": decimal.ROUND_HALF_UP,
    }[mode]
    return int(d.quantize(decimal.Decimal(1), rounding=rounding))


@pytest.mark.parametrize("mode", CAST_MODES)
def test_cast_f32_to_i32_rounding(mode: str) -> None:
    x = f32(1, 64) * np.float32(10)
    x[0, :10] = [0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 2.0, -3.0, 0.49999997, -7.5]
    text = unary_kernel(f'%z = pto.cast %x round "{mode}" : tensor<1x64xf32> -> tensor<1x64xi32>',
                        "f32", "i32", "1x64", "1x64")
    out = run_text(text, {"a": x, "o": np.zeros((1, 64), np.int32)}, debug=True).outputs["o"]
    assert out[0].tolist() == [_ref_int(float(v), mode) for v in x[0]]


def test_cast_int_to_float_and_bf16_widen() -> None:
    text = unary_kernel('%z = pto.cast %x : tensor<1x8xi32> -> tensor<1x8xf32>', "i32", "f32", "1x8", "1x8")
    x = np.array([[0, 1, -1, 7, -300, 2**24, 2**24 + 1, -(2**31)]], np.int32)
    out = run_text(text, {"a": x, "o": np.zeros((1, 8), np.float32)}).outputs["o"]
    assert out[0].tolist() == [float(np.float32(v)) for v in x[0].tolist()]


# --------------------------------------------------------------------------- scalars


SCALAR_REF: dict[str, Callable[[int, int], int]] = {
    "addi": lambda a, b: a + b,
    "subi": lambda a, b: a - b,
    "muli": lambda a, b: a * b,
    "divsi": lambda a, b: int(decimal.Decimal(a) / decimal.Decimal(b)),
    "floordivsi": lambda a, b: math.floor(decimal.Decimal(a) / decimal.Decimal(b)),
    "ceildivsi": lambda a, b: math.ceil(decimal.Decimal(a) / decimal.Decimal(b)),
    "remsi": lambda a, b: a - b * int(decimal.Decimal(a) / decimal.Decimal(b)),
    "maxsi": max,
    "minsi": min,
    "andi": lambda a, b: a & b,
    "ori": lambda a, b: a | b,
    "xori": lambda a, b: a ^ b,
}


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(SCALAR_REF)),
    a=st.integers(-(10**12), 10**12),
    b=st.integers(-1000, 1000).filter(lambda v: v != 0),
)
def test_scalar_index_math_is_exact(name: str, a: int, b: int) -> None:
    fn = nm.scalar_int_binary(name, None)
    assert fn is not None
    assert fn(a, b) == SCALAR_REF[name](a, b)


@settings(max_examples=100, deadline=None)
@given(a=st.integers(-(2**31), 2**31 - 1), b=st.integers(-(2**31), 2**31 - 1))
def test_i32_scalars_wrap(a: int, b: int) -> None:
    add = nm.scalar_int_binary("addi", 32)
    mul = nm.scalar_int_binary("muli", 32)
    assert add is not None and mul is not None

    def i32(v: int) -> int:
        return (v + 2**31) % 2**32 - 2**31

    assert add(a, b) == i32(a + b)
    assert mul(a, b) == i32(a * b)
    assert nm.wrap(2**31, 32) == -(2**31) and nm.wrap(-1, 1) == 1


SCALAR_KERNEL = """
func.func @k(%v: memref<2xi32>, %o: memref<1x8xi32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %ai = pto.read %v[%c0] : memref<2xi32> -> i32
    %bi = pto.read %v[%c1] : memref<2xi32> -> i32
    %a = arith.index_cast %ai : i32 to index
    %b = arith.index_cast %bi : i32 to index
    %q = arith.divsi %a, %b : index
    %r = arith.remsi %a, %b : index
    %f = arith.floordivsi %a, %b : index
    %c = arith.ceildivsi %a, %b : index
    %lt = arith.cmpi slt, %a, %b : index
    %m = arith.select %lt, %a, %b : index
    %af = arith.sitofp %ai : i32 to f32
    %bf = arith.sitofp %bi : i32 to f32
    %df = arith.divf %af, %bf : f32
    %di = arith.fptosi %df : f32 to i32
    %sh = arith.shrsi %ai, %bi : i32
    %vals = arith.constant dense<0> : tensor<1x8xi32>
    pto.store %vals, %o[%c0, %c0] : tensor<1x8xi32>, memref<1x8xi32>
    %t0 = arith.index_cast %q : index to i32
    %s0 = tensor.splat %t0 : tensor<1x1xi32>
    pto.store %s0, %o[%c0, %c0] : tensor<1x1xi32>, memref<1x8xi32>
    %t1 = arith.index_cast %r : index to i32
    %s1 = tensor.splat %t1 : tensor<1x1xi32>
    %c2 = arith.constant 2 : index
    pto.store %s1, %o[%c0, %c1] : tensor<1x1xi32>, memref<1x8xi32>
    %t2 = arith.index_cast %f : index to i32
    %s2 = tensor.splat %t2 : tensor<1x1xi32>
    pto.store %s2, %o[%c0, %c2] : tensor<1x1xi32>, memref<1x8xi32>
    %c3 = arith.constant 3 : index
    %t3 = arith.index_cast %c : index to i32
    %s3 = tensor.splat %t3 : tensor<1x1xi32>
    pto.store %s3, %o[%c0, %c3] : tensor<1x1xi32>, memref<1x8xi32>
    %c4 = arith.constant 4 : index
    %t4 = arith.index_cast %m : index to i32
    %s4 = tensor.splat %t4 : tensor<1x1xi32>
    pto.store %s4, %o[%c0, %c4] : tensor<1x1xi32>, memref<1x8xi32>
    %c5 = arith.constant 5 : index
    %s5 = tensor.splat %di : tensor<1x1xi32>
    pto.store %s5, %o[%c0, %c5] : tensor<1x1xi32>, memref<1x8xi32>
    %c6 = arith.constant 6 : index
    %s6 = tensor.splat %sh : tensor<1x1xi32>
    pto.store %s6, %o[%c0, %c6] : tensor<1x1xi32>, memref<1x8xi32>
  }
  func.return
}
"""


@pytest.mark.parametrize("a,b", [(7, 2), (-7, 2), (7, -2), (-7, -2), (-8, 4), (3, 5), (-1, 3)])
def test_scalar_ops_in_a_kernel(a: int, b: int) -> None:
    res = run_text(SCALAR_KERNEL, {"v": np.array([a, b], np.int32), "o": np.zeros((1, 8), np.int32)},
                   debug=True)
    trunc_q = int(a / b)
    expect = [trunc_q, a - b * trunc_q, math.floor(a / b), math.ceil(a / b), min(a, b),
              int(np.float32(a) / np.float32(b)), a >> b if b >= 0 else (-1 if a < 0 else 0), 0]
    assert res.outputs["o"][0].tolist() == expect
    kinds = {e.kind for e in events(res.record)}
    assert {"read", "scalar", "vector", "store"} <= kinds
    assert all(e.writes is None and e.shape == () for e in events(res.record) if e.kind in ("read", "scalar"))


def test_scalar_division_by_zero_is_named() -> None:
    with pytest.raises(InterpreterError, match=r"'arith.divsi' op division by zero"):
        run_text(SCALAR_KERNEL, {"v": np.array([3, 0], np.int32), "o": np.zeros((1, 8), np.int32)})


# --------------------------------------------------------------------------- bounds


ACCESS_KERNEL = """
func.func @k(%m: memref<8x128xf32>, %o: memref<8x128xf32>, %idx: memref<4xi32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %r0 = pto.read %idx[%c0] : memref<4xi32> -> i32
    %c0i = pto.read %idx[%c1] : memref<4xi32> -> i32
    %r = arith.index_cast %r0 : i32 to index
    %c = arith.index_cast %c0i : i32 to index
    %s0 = pto.read %idx[%c2] : memref<4xi32> -> i32
    %s = arith.index_cast %s0 : i32 to index
    %x = pto.load %m[%r, %c] : memref<8x128xf32> -> tensor<2x64xf32>
    pto.store %x, %o[%s, %c] : tensor<2x64xf32>, memref<8x128xf32>
    %q0 = pto.read %idx[%c3] : memref<4xi32> -> i32
    %q = arith.index_cast %q0 : i32 to index
    %v = pto.read %m[%q, %c0] : memref<8x128xf32> -> f32
  }
  func.return
}
"""


def _access(r: int, c: int, s: int, q: int) -> Any:
    return run_text(ACCESS_KERNEL, {
        "m": f32(8, 128), "o": np.zeros((8, 128), np.float32),
        "idx": np.array([r, c, s, q], np.int32),
    })


def test_in_bounds_access_runs() -> None:
    res = _access(6, 64, 6, 7)
    assert res.outputs["o"][6:8, 64:].any()


@pytest.mark.parametrize("r,c,s,q,what,line,msg", [
    (7, 0, 0, 0, "pto.load", 14, r"out-of-bounds load of a \[2, 64\] tile at indices \[7, 0\] in a memref of shape \[8, 128\] \(dimension 0: 7 \+ 2 > 8\)"),
    (0, 65, 0, 0, "pto.load", 14, r"indices \[0, 65\] .*\(dimension 1: 65 \+ 64 > 128\)"),
    (-1, 0, 0, 0, "pto.load", 14, r"indices \[-1, 0\] .*\(dimension 0: index -1 < 0\)"),
    (0, 0, 7, 0, "pto.store", 15, r"out-of-bounds store of a \[2, 64\] tile at indices \[7, 0\] in a memref of shape \[8, 128\]"),
    (0, 0, -2, 0, "pto.store", 15, r"indices \[-2, 0\] .*index -2 < 0"),
    (0, 0, 0, 8, "pto.read", 18, r"out-of-bounds read at indices \[8, 0\] in a memref of shape \[8, 128\] \(dimension 0: index 8 >= 8\)"),
    (0, 0, 0, -1, "pto.read", 18, r"out-of-bounds read at indices \[-1, 0\]"),
])
def test_out_of_bounds_is_a_located_error(r: int, c: int, s: int, q: int, what: str, line: int, msg: str) -> None:
    with pytest.raises(InterpreterError, match=rf"^test.mlir:{line}:\d+: error: '{what}' op .*{msg}"):
        _access(r, c, s, q)


# --------------------------------------------------------------------------- loops


def loop_kernel(kind: str) -> str:
    """Sum of 4 row tiles with an iter_arg: pto.range, pto.unroll or straight-line."""
    head = """
func.func @k(%m: memref<4x64xf32>, %o: memref<1x64xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %z = arith.constant dense<0.0> : tensor<1x64xf32>
"""
    tail = """    pto.store %acc, %o[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
  }
  func.return
}
"""
    body = """      %x = pto.load %m[%i, %c0] : memref<4x64xf32> -> tensor<1x64xf32>
      %e = math.exp %x : tensor<1x64xf32>
      %n = arith.addf %a, %e : tensor<1x64xf32>
      pto.yield %n : tensor<1x64xf32>
    }
"""
    if kind == "range":
        return head + "    %acc = pto.range %i = %c0 to %c4 step %c1 iter_args(%a = %z) -> (tensor<1x64xf32>) {\n" + body + tail
    if kind == "pipelined":
        return head + "    %acc = pto.range %i = %c0 to %c4 step %c1 pipeline 2 iter_args(%a = %z) -> (tensor<1x64xf32>) {\n" + body + tail
    if kind == "unroll":
        return head + "    %acc = pto.unroll %i = 0 to 4 iter_args(%a = %z) -> (tensor<1x64xf32>) {\n" + body + tail
    lines = []
    prev = "%z"
    for i in range(4):
        lines.append(f"    %i{i} = arith.constant {i} : index")
        lines.append(f"    %x{i} = pto.load %m[%i{i}, %c0] : memref<4x64xf32> -> tensor<1x64xf32>")
        lines.append(f"    %e{i} = math.exp %x{i} : tensor<1x64xf32>")
        lines.append(f"    %n{i} = arith.addf {prev}, %e{i} : tensor<1x64xf32>")
        prev = f"%n{i}"
    lines.append(f"    %acc = arith.addf {prev}, %z : tensor<1x64xf32>")
    return head + "\n".join(lines) + "\n" + tail


def test_range_reduction_matches_unrolled_bit_for_bit() -> None:
    m = f32(4, 64)
    outs = {}
    for kind in ("range", "pipelined", "unroll", "straight"):
        outs[kind] = run_text(loop_kernel(kind), {"m": m, "o": np.zeros((1, 64), np.float32)}).outputs["o"]
    ref = np.zeros((1, 64), np.float32)
    for i in range(4):
        ref = ref + np.exp(m[i:i + 1].astype(np.float64)).astype(np.float32)  # the contract exp
    for kind, out in outs.items():
        assert out.tobytes() == outs["range"].tobytes(), kind
    np.testing.assert_array_equal(outs["range"], ref)


def test_unroll_expand_pass_keeps_results_bit_identical() -> None:
    from ptoc.passes import available_passes

    if "pto-unroll-expand" not in available_passes():
        pytest.skip("pto-unroll-expand is not available yet")
    m = f32(4, 64)
    mod = ptoc.parse(loop_kernel("unroll"), "test.mlir")
    before = compile_module(mod).run({"m": m, "o": np.zeros((1, 64), np.float32)}).outputs["o"]
    ptoc.run_pipeline(mod, "pto-unroll-expand")
    after = compile_module(mod).run({"m": m, "o": np.zeros((1, 64), np.float32)}).outputs["o"]
    assert before.tobytes() == after.tobytes()


def _writes(rec: ExecutionRecord, op: str) -> list[int | None]:
    return [e.writes for e in events(rec) if e.op == op]


def test_record_buffer_reuse_range_vs_unroll() -> None:
    m = f32(4, 64)
    inputs = {"m": m, "o": np.zeros((1, 64), np.float32)}
    rng = run_text(loop_kernel("range"), inputs).record
    unr = run_text(loop_kernel("unroll"), inputs).record
    pip = run_text(loop_kernel("pipelined"), inputs).record
    straight = run_text(loop_kernel("straight"), inputs).record
    # a runtime loop: one buffer per body value, reused by every iteration
    for op in ("pto.load", "math.exp", "arith.addf"):
        w = _writes(rng, op)
        assert len(w) == 4 and len(set(w)) == 1, (op, w)
    # trace-time unroll: every iteration its own buffer, like straight-line code
    for op in ("pto.load", "math.exp", "arith.addf"):
        w = _writes(unr, op)
        assert len(w) == 4 and len(set(w)) == 4, (op, w)
        assert len(set(_writes(straight, op)[:4])) == 4
    # pipeline 2: two buffers, alternating
    w = _writes(pip, "pto.load")
    assert w[0] == w[2] and w[1] == w[3] and w[0] != w[1]
    # buffers of different values differ; the carried value reads the previous write
    ev = events(rng)
    loads = [e for e in ev if e.op == "pto.load"]
    exps = [e for e in ev if e.op == "math.exp"]
    adds = [e for e in ev if e.op == "arith.addf"]
    assert exps[0].reads == (loads[0].writes,)
    assert adds[1].reads == (adds[0].writes, exps[1].writes)
    assert loads[0].writes != exps[0].writes != adds[0].writes
    # the final store reads the buffer of the last add
    store = [e for e in ev if e.kind == "store"]
    assert store[0].reads == (adds[-1].writes,) and store[0].writes is None
    assert store[0].shape == (1, 64) and store[0].nbytes == 256 and store[0].dtype == "float32"


def test_record_off() -> None:
    res = run_text(loop_kernel("range"), {"m": f32(4, 64), "o": np.zeros((1, 64), np.float32)}, record=False)
    assert res.record.scopes == []


# --------------------------------------------------------------------------- spmd order


RACY = """
func.func @k(%m: memref<4x64xf32>, %o: memref<1x64xf32>) {
  pto.spmd %t = 0 to 4 name "racy" {
    %c0 = arith.constant 0 : index
    %x = pto.load %m[%t, %c0] : memref<4x64xf32> -> tensor<1x64xf32>
    pto.store %x, %o[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
  }
  func.return
}
"""


def test_task_order_exposes_a_race() -> None:
    m = f32(4, 64)
    prog = compile_text(RACY)
    fwd = prog.run({"m": m, "o": np.zeros((1, 64), np.float32)}).outputs["o"]
    rev = prog.run({"m": m, "o": np.zeros((1, 64), np.float32)}, task_order="reverse").outputs["o"]
    np.testing.assert_array_equal(fwd, m[3:4])
    np.testing.assert_array_equal(rev, m[0:1])
    res = prog.run({"m": m, "o": np.zeros((1, 64), np.float32)}, task_order="random:7")
    assert [t.task_id for t in res.record.scopes[0].tasks] == [0, 1, 2, 3]


def test_bad_task_order() -> None:
    with pytest.raises(InterpreterError, match="unknown task order 'sideways'"):
        compile_text(RACY).run({"m": f32(4, 64), "o": np.zeros((1, 64), np.float32)},
                               task_order="sideways")


# --------------------------------------------------------------------------- check_nan


def test_check_nan_names_the_op() -> None:
    text = binary_kernel(
        """%d = arith.subf %x, %x : tensor<1x8xf32>
    %z = arith.divf %d, %y : tensor<1x8xf32>""", "1x8xf32", "1x8xf32", "1x8xf32")
    a, b = f32(1, 8), f32(1, 8)
    b[0, 5] = 0.0
    inputs = {"a": a, "b": b, "o": np.zeros((1, 8), np.float32)}
    out = run_text(text, inputs).outputs["o"]
    assert np.isnan(out[0, 5])
    with pytest.raises(InterpreterError, match=r"test.mlir:8:\d+: error: 'arith.divf' op produced NaN .*first at \[0, 5\]"):
        run_text(text, inputs, check_nan=True)
    # NaN that comes in through the inputs is not "made" by an op
    a[0, 2] = np.nan
    run_text(text, {"a": a, "b": f32(1, 8), "o": np.zeros((1, 8), np.float32)}, check_nan=True)


# --------------------------------------------------------------------------- inputs, errors


def test_input_checks() -> None:
    prog = compile_text(RACY)
    ok = {"m": f32(4, 64), "o": np.zeros((1, 64), np.float32)}
    with pytest.raises(InterpreterError, match="missing input 'o'"):
        prog.run({"m": ok["m"]})
    with pytest.raises(InterpreterError, match="unexpected input 'extra'"):
        prog.run({**ok, "extra": np.zeros(1)})
    with pytest.raises(InterpreterError, match=r"input 'm' has dtype float64, but %m is memref<4x64xf32>"):
        prog.run({**ok, "m": ok["m"].astype(np.float64)})
    with pytest.raises(InterpreterError, match=r"input 'm' has shape \[4, 63\]"):
        prog.run({**ok, "m": ok["m"][:, :63]})
    before = ok["o"].copy()
    prog.run(ok)
    np.testing.assert_array_equal(ok["o"], before)  # the caller's arrays are not modified


def test_bf16_inputs_may_come_as_raw_void() -> None:
    text = unary_kernel("%z = pto.cast %x : tensor<1x8xbf16> -> tensor<1x8xf32>", "bf16", "f32", "1x8", "1x8")
    x = f32(1, 8).astype(BF16)
    out = run_text(text, {"a": x.view("V2"), "o": np.zeros((1, 8), np.float32)}).outputs["o"]
    np.testing.assert_array_equal(out, x.astype(np.float32))


def test_unknown_op_is_named() -> None:
    text = """
func.func @k(%m: memref<4xf32>) {
  pto.spmd %t = 0 to 1 {
    %a = arith.constant 1.0 : f32
    %b = math.erf %a : f32
  }
  func.return
}
"""
    with pytest.raises(InterpreterError, match=r"test.mlir:5:\d+: error: 'math.erf' op the interpreter does not implement"):
        compile_text(text)


def test_function_selection() -> None:
    two = RACY + RACY.replace("@k", "@other")
    with pytest.raises(InterpreterError, match="several functions"):
        compile_text(two)
    assert compile_text(two, func="other").name == "other"
    with pytest.raises(InterpreterError, match=r"no function @nope .*@k, @other"):
        compile_text(two, func="nope")
    assert compile_text(RACY).arg_names == ["m", "o"]


def test_random_inputs_match_the_signature() -> None:
    prog = compile_text((ROOT / "examples" / "softmax_pool.mlir").read_text())
    inp = random_inputs(prog, 0)
    assert inp["state"].shape == (64, 2048) and inp["state"].dtype == np.float32
    assert inp["block_table"].dtype == np.int32
    prog.run(inp)


# --------------------------------------------------------------------------- softmax_pool


def make_softmax_pool_inputs(seed: int, gate: bool | None) -> dict[str, np.ndarray]:
    """Valid inputs: every batch's previous and current window blocks get their own page
    (a random permutation of a pool with spares); untouched block-table entries are -1."""
    rng = np.random.default_rng(seed)
    B = 64
    start = rng.integers(0, 200, B)
    if gate is not None:
        pos = rng.integers(2, 4, B) if gate else rng.integers(0, 2, B)
        start = start - start % 4 + pos
    pages = rng.permutation(2 * B + 6)
    bt = np.full((B, 65), -1, np.int32)
    for b in range(B):
        cur_blk = (start[b] - start[b] % 4) // 4
        bt[b, cur_blk] = pages[2 * b]
        if cur_blk > 0:
            bt[b, cur_blk - 1] = pages[2 * b + 1]
    rows = (2 * B + 6) * 4
    return {
        "state": rng.standard_normal((rows, 2048)).astype(np.float32) * np.float32(2),
        "block_table": bt,
        "start_pos": start.astype(np.int32),
        "pooled": rng.standard_normal((B, 512)).astype(np.float32),
    }


def softmax_pool_reference(inp: dict[str, np.ndarray]) -> np.ndarray:
    """seed-kernel.md, scope 3, in plain numpy over whole 512-wide rows."""
    state, bt, sp = inp["state"], inp["block_table"], inp["start_pos"]
    out = inp["pooled"].copy()
    for b in range(out.shape[0]):
        start = int(sp[b])
        pos = start % 4
        cur = start + (4 - pos) - 1 - 3
        prev = cur - 4
        if pos + 2 < 4:
            continue

        def row(p: int, b: int = b) -> int:
            return int(bt[b, p // 4]) * 4 + p % 4

        last = row(cur + 3)
        mi = state[last, 1536:2048]
        li = np.exp(mi - mi)
        oi = state[last, 512:1024]
        steps = [(row(prev + s), 0) for s in range(4) if prev + s >= 0]
        steps += [(row(cur + s), 512) for s in range(3)]
        for r, half in steps:
            sc = state[r, 1024 + half:1536 + half]
            kv = state[r, half:half + 512]
            m2 = np.maximum(mi, sc)
            a = np.exp(mi - m2)
            e = np.exp(sc - m2)
            li = a * li + e
            oi = oi * a + kv * e
            mi = m2
        out[b] = oi / li
    return out


@pytest.mark.parametrize("gate", [True, False, None])
def test_softmax_pool_matches_reference(gate: bool | None) -> None:
    prog = compile_text((ROOT / "examples" / "softmax_pool.mlir").read_text())
    for seed in (0, 1):
        inp = make_softmax_pool_inputs(seed, gate)
        res = prog.run(inp, debug=True, check_nan=True)
        ref = softmax_pool_reference(inp)
        np.testing.assert_allclose(res.outputs["pooled"], ref, rtol=2e-6, atol=1e-6)
        if gate is False:
            np.testing.assert_array_equal(res.outputs["pooled"], inp["pooled"])
        for order in ("reverse", "random:3"):
            other = prog.run(inp, task_order=order).outputs["pooled"]
            assert other.tobytes() == res.outputs["pooled"].tobytes()  # race-free: order is irrelevant
        scope = res.record.scopes[0]
        assert scope.name == "softmax_pool" and scope.core == "vector" and len(scope.tasks) == 64
        gated = [(int(s) % 4) >= 2 for s in inp["start_pos"]]
        for t, g in zip(scope.tasks, gated, strict=False):
            n_store = sum(e.kind == "store" for e in t.events)
            assert n_store == (8 if g else 0)


def test_softmax_pool_is_fast() -> None:
    prog = compile_text((ROOT / "examples" / "softmax_pool.mlir").read_text())
    inp = make_softmax_pool_inputs(0, True)
    prog.run(inp)
    best = min(_timed(lambda: prog.run(inp)) for _ in range(3))
    assert best < 0.5, f"softmax_pool took {best:.3f} s"


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# --------------------------------------------------------------------------- the seed kernel


def _load_example(name: str) -> Any:
    path = SEED_DIR / f"{name}.py"
    if not path.exists():
        pytest.skip(f"{path} is not there yet")
    spec = importlib.util.spec_from_file_location(f"_seed_{name}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("gate", ["mixed", "all_true", "all_false"])
def test_seed_kernel_matches_golden(gate: str) -> None:
    inputs_mod = _load_example("inputs")
    golden_mod = _load_example("golden")
    prog = compile_text((SEED_DIR / "kernel.mlir").read_text())
    inp = inputs_mod.make_inputs(0, gate=gate)
    res = prog.run(inp, debug=True, check_nan=True)
    gold = golden_mod.golden(inp)
    for name, want in gold.items():
        got = res.outputs[name]
        assert got.dtype == want.dtype, name
        assert got.tobytes() == np.ascontiguousarray(want).tobytes(), name
    assert [s.name for s in res.record.scopes] == [
        "kv_score_proj", "state_scatter_paged", "softmax_pool", "rmsnorm_rope", "kv_and_cache_write"]
    # fp32 stays fp32: every recorded tile of an fp32 computation is float32
    dtypes = {e.dtype for s in res.record.scopes for t in s.tasks for e in t.events if e.shape}
    assert "float64" not in dtypes


def test_seed_kernel_speed() -> None:
    inputs_mod = _load_example("inputs")
    prog = compile_text((SEED_DIR / "kernel.mlir").read_text())
    inp = inputs_mod.make_inputs(0)
    prog.run(inp)
    best = min(_timed(lambda: prog.run(inp)) for _ in range(2))
    assert best < 2.0, f"the seed kernel took {best:.3f} s"


@pytest.mark.parametrize("pipeline", [
    "pto-spmd-coarsen{scope=softmax_pool factor=2}",
    "pto-spmd-coarsen{scope=softmax_pool factor=2},pto-unroll-expand",
    "pto-spmd-coarsen{scope=softmax_pool factor=4 inner=range}",
])
def test_seed_kernel_after_passes_matches_golden(pipeline: str) -> None:
    from ptoc.passes import available_passes

    have = available_passes()
    if any(p.split("{")[0] not in have for p in pipeline.split(",")):
        pytest.skip(f"{pipeline} is not available yet")
    inputs_mod = _load_example("inputs")
    golden_mod = _load_example("golden")
    module = ptoc.parse((SEED_DIR / "kernel.mlir").read_text(), "kernel.mlir")
    ptoc.run_pipeline(module, pipeline)
    inp = inputs_mod.make_inputs(1)
    res = compile_module(module).run(inp, task_order="reverse")
    for name, want in golden_mod.golden(inp).items():
        assert res.outputs[name].tobytes() == np.ascontiguousarray(want).tobytes(), name
    pool = next(s for s in res.record.scopes if s.name == "softmax_pool")
    assert len(pool.tasks) == 64 // int(pipeline.split("factor=")[1][0])


SCF_FOR_KERNEL = """
func.func @k(%a: memref<4x8xf32>, %s: memref<2xf32>, %o: memref<1x8xf32>, %h: memref<1x8xbf16>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %z = arith.constant dense<0.0> : tensor<1x8xf32>
    %v = pto.read %s[%c0] : memref<2xf32> -> f32
    %w = pto.read %s[%c1] : memref<2xf32> -> f32
    %d = arith.extf %v : f32 to f64
    %back = arith.truncf %d : f64 to f32
    %q = arith.divf %back, %w : f32
    %r = math.rsqrt %q : f32
    %acc = scf.for %i = %c0 to %c4 step %c1 iter_args(%x = %z) -> (tensor<1x8xf32>) {
      %row = pto.load %a[%i, %c0] : memref<4x8xf32> -> tensor<1x8xf32>
      %sp = tensor.splat %r : tensor<1x8xf32>
      %m = arith.mulf %row, %sp : tensor<1x8xf32>
      %n = arith.addf %x, %m : tensor<1x8xf32>
      scf.yield %n : tensor<1x8xf32>
    }
    pto.store %acc, %o[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
    %hb = arith.truncf %acc : tensor<1x8xf32> to tensor<1x8xbf16>
    pto.store %hb, %h[%c0, %c0] : tensor<1x8xbf16>, memref<1x8xbf16>
  }
  func.return
}
"""


def test_scf_for_scalar_float_math_and_float_casts() -> None:
    a = f32(4, 8)
    s = np.array([3.0, 7.0], np.float32)
    res = run_text(SCF_FOR_KERNEL, {"a": a, "s": s, "o": np.zeros((1, 8), np.float32),
                                    "h": np.zeros((1, 8), BF16)}, debug=True)
    r = np.float32(1) / np.sqrt(np.float32(3.0) / np.float32(7.0))
    ref = np.zeros((1, 8), np.float32)
    for i in range(4):
        ref = ref + a[i:i + 1] * r
    np.testing.assert_allclose(res.outputs["o"], ref, rtol=1e-6)
    assert res.outputs["h"].tolist() == res.outputs["o"].astype(BF16).tolist()
    # scf.for reuses one buffer per body value, like pto.range
    loads = [e.writes for e in events(res.record) if e.op == "pto.load"]
    assert len(loads) == 4 and len(set(loads)) == 1


def test_tile_made_outside_the_tasks_keeps_a_distinct_buffer() -> None:
    text = """
func.func @k(%a: memref<2x8xf32>, %o: memref<2x8xf32>) {
  %z = arith.constant dense<1.0> : tensor<1x8xf32>
  pto.spmd %t = 0 to 2 {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%t, %c0] : memref<2x8xf32> -> tensor<1x8xf32>
    %y = arith.addf %x, %z : tensor<1x8xf32>
    pto.store %y, %o[%t, %c0] : tensor<1x8xf32>, memref<2x8xf32>
  }
  func.return
}
"""
    a = f32(2, 8)
    res = run_text(text, {"a": a, "o": np.zeros((2, 8), np.float32)})
    np.testing.assert_array_equal(res.outputs["o"], a + np.float32(1))
    for task in res.record.scopes[0].tasks:
        load, add, store = task.events
        assert load.writes is not None and add.writes is not None
        assert len({load.writes, add.writes, *add.reads}) == 3  # x, y and the constant differ
        assert store.reads == (add.writes,)


def test_bf16_widening_by_bits_is_the_exact_conversion() -> None:
    """`numerics.widen` moves a bf16's bits up by 16: the same fp32 as ml_dtypes' conversion
    for every one of the 65536 bf16 bit patterns (NaN payloads and signed zeros included),
    and for strided views (a matmul operand is a window of a larger tensor)."""
    every = np.arange(1 << 16, dtype=np.uint16).view(ml_dtypes.bfloat16)
    want = every.astype(np.float32)
    got = nm.widen(every, np.dtype(np.float32))
    assert got.dtype == np.float32
    assert got.view(np.uint32).tobytes() == want.view(np.uint32).tobytes()
    grid = every.reshape(256, 256)[3:200:2, 17:81]
    assert nm.widen(grid, np.dtype(np.float32)).tobytes() == grid.astype(np.float32).tobytes()
    # other conversions are numpy's
    h = np.array([1.5, -2.0], dtype=np.float16)
    assert nm.widen(h, np.dtype(np.float32)).tobytes() == h.astype(np.float32).tobytes()
