"""Numeric semantics of the interpreter: element types, integer arithmetic, casts.

Scalars: `index` values are exact Python ints; `iN` values are Python ints kept in the
signed range of N bits (`i1` as 0/1); float scalars are numpy scalars of their own
precision (`f32` -> `np.float32`, `bf16` -> `ml_dtypes.bfloat16`), so fp32 math stays
fp32. Tiles are numpy arrays of the declared dtype.

Integer division follows MLIR `arith`: `divsi` truncates toward zero, `floordivsi`
floors, `ceildivsi` rounds up, `remsi` has the sign of the dividend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import ml_dtypes
import numpy as np
from xdsl.dialects.builtin import (
    BFloat16Type,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    Signedness,
    TensorType,
)
from xdsl.ir import Attribute

from ptoc.dialects import int_semantics
from ptoc.dialects.float_semantics import F64_ROUTE
from ptoc.dialects.pto import ColSumOp

BF16 = np.dtype(ml_dtypes.bfloat16)

NpArray = np.ndarray[Any, np.dtype[Any]]


class NumericError(ArithmeticError):
    """A value error inside one op (division by zero, bad gather index); the
    interpreter turns it into a located diagnostic."""


# --------------------------------------------------------------------------- types


def np_dtype(t: Attribute) -> np.dtype[Any]:
    """The numpy dtype of an element type; raises ValueError if there is none."""
    if isinstance(t, Float32Type):
        return np.dtype(np.float32)
    if isinstance(t, BFloat16Type):
        return BF16
    if isinstance(t, Float16Type):
        return np.dtype(np.float16)
    if isinstance(t, Float64Type):
        return np.dtype(np.float64)
    if isinstance(t, IndexType):
        return np.dtype(np.int64)
    w = int_width(t)
    if w is not None:
        unsigned = _signedness(t) == Signedness.UNSIGNED
        if w == 1:
            return np.dtype(np.bool_)
        if w in (8, 16, 32, 64):
            return np.dtype(f"{'u' if unsigned else ''}int{w}")
    raise ValueError(f"element type {t} has no numpy equivalent")


def constant_value(attr: Attribute, t: Attribute) -> Any:
    """The value of an `arith.constant` of type `t` with value `attr`: a read-only array
    for a dense tile, an int wrapped to its width, a numpy float; None for anything else."""
    if isinstance(attr, DenseIntOrFPElementsAttr):
        if not isinstance(t, (TensorType, MemRefType)):
            return None
        dt = np_dtype(t.get_element_type())  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
        raw = np.array(attr.get_values())
        if dt == np.bool_:
            raw = raw != 0
        arr = raw.astype(dt).reshape(tuple(int(d) for d in t.get_shape()))  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType, reportUnknownArgumentType]
        arr.flags.writeable = False
        return arr
    if isinstance(attr, IntegerAttr):
        bits = int_semantics.width(t)
        v = int(attr.value.data)  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        return int_semantics.wrap(v, bits) if bits is not None else v
    if isinstance(attr, FloatAttr):
        return np_dtype(t).type(attr.value.data)  # pyright: ignore[reportUnknownMemberType]
    return None


def int_width(t: Attribute) -> int | None:
    """Bit width of an integer type; None for `index` (exact ints)."""
    if isinstance(t, IntegerType):
        it = cast(Any, t)
        return int(it.width.data)
    return None


def _signedness(t: Attribute) -> Signedness | None:
    if isinstance(t, IntegerType):
        it = cast(Any, t)
        return it.signedness.data
    return None


def is_int_type(t: Attribute) -> bool:
    return isinstance(t, (IntegerType, IndexType))


def is_float_type(t: Attribute) -> bool:
    return isinstance(t, (Float32Type, BFloat16Type, Float16Type, Float64Type))


def wrap(v: int, bits: int | None) -> int:
    """`v` in the signed range of `bits` bits (0/1 for i1); exact for index."""
    if bits is None:
        return v
    if bits == 1:
        return v & 1
    m = (1 << bits) - 1
    v &= m
    return v - (1 << bits) if v >> (bits - 1) else v


def signed(v: int, bits: int | None) -> int:
    """The signed value of a stored integer (i1 true is -1)."""
    if bits == 1:
        return -(v & 1)
    return v


def unsigned(v: int, bits: int | None) -> int:
    """The unsigned value of a stored integer (index counts as 64 bits)."""
    return v & ((1 << (64 if bits is None else bits)) - 1)


# --------------------------------------------------------------------------- scalar ints


def _check_div(b: int) -> None:
    if b == 0:
        raise NumericError("division by zero")


def divsi(a: int, b: int) -> int:
    _check_div(b)
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def remsi(a: int, b: int) -> int:
    _check_div(b)
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def floordivsi(a: int, b: int) -> int:
    _check_div(b)
    return a // b


def ceildivsi(a: int, b: int) -> int:
    _check_div(b)
    return -((-a) // b)


def scalar_int_binary(name: str, bits: int | None) -> Callable[[int, int], int] | None:
    """Python function for the `arith` integer binary op `name` on `bits`-bit values."""

    def u(v: int) -> int:
        return unsigned(v, bits)

    def w(v: int) -> int:
        return wrap(v, bits)

    def sg(v: int) -> int:
        return signed(v, bits)

    ub = 64 if bits is None else bits
    table: dict[str, Callable[[int, int], int]] = {
        "addi": lambda a, b: w(a + b),
        "subi": lambda a, b: w(a - b),
        "muli": lambda a, b: w(a * b),
        "divsi": lambda a, b: w(divsi(sg(a), sg(b))),
        "divui": lambda a, b: w(floordivsi(u(a), u(b))),
        "floordivsi": lambda a, b: w(floordivsi(sg(a), sg(b))),
        "ceildivsi": lambda a, b: w(ceildivsi(sg(a), sg(b))),
        "ceildivui": lambda a, b: w(ceildivsi(u(a), u(b))),
        "remsi": lambda a, b: w(remsi(sg(a), sg(b))),
        "remui": lambda a, b: w(remsi(u(a), u(b))),
        "andi": lambda a, b: w(a & b),
        "ori": lambda a, b: w(a | b),
        "xori": lambda a, b: w(a ^ b),
        "shli": lambda a, b: w(u(a) << u(b)) if u(b) < ub else 0,
        "shrsi": lambda a, b: w(sg(a) >> min(u(b), ub)),
        "shrui": lambda a, b: w(u(a) >> u(b)) if u(b) < ub else 0,
        "maxsi": lambda a, b: a if sg(a) >= sg(b) else b,
        "minsi": lambda a, b: a if sg(a) <= sg(b) else b,
        "maxui": lambda a, b: a if u(a) >= u(b) else b,
        "minui": lambda a, b: a if u(a) <= u(b) else b,
    }
    return table.get(name)


# --------------------------------------------------------------------------- tile ints


def _unsigned_view(a: NpArray) -> NpArray:
    if a.dtype == np.bool_:
        return a
    return a.view(np.dtype(f"uint{a.dtype.itemsize * 8}"))


def _check_div_tile(b: NpArray) -> None:
    if not np.all(b):
        raise NumericError("division by zero in a tile")


def _tdivsi(a: NpArray, b: NpArray) -> NpArray:
    _check_div_tile(b)
    q = np.abs(a.astype(np.int64)) // np.abs(b.astype(np.int64))
    return np.where((a < 0) != (b < 0), -q, q).astype(a.dtype)


def _tremsi(a: NpArray, b: NpArray) -> NpArray:
    _check_div_tile(b)
    r = np.abs(a.astype(np.int64)) % np.abs(b.astype(np.int64))
    return np.where(a < 0, -r, r).astype(a.dtype)


def _tfloordiv(a: NpArray, b: NpArray) -> NpArray:
    _check_div_tile(b)
    return np.floor_divide(a, b)


def _tceildiv(a: NpArray, b: NpArray) -> NpArray:
    _check_div_tile(b)
    return -np.floor_divide(-a, b)


def _tunsigned(f: Callable[[NpArray, NpArray], NpArray]) -> Callable[[NpArray, NpArray], NpArray]:
    def g(a: NpArray, b: NpArray) -> NpArray:
        return f(_unsigned_view(a), _unsigned_view(b)).astype(a.dtype, copy=False)

    return g


def _tshift(kind: str) -> Callable[[NpArray, NpArray], NpArray]:
    def g(a: NpArray, b: NpArray) -> NpArray:
        bits = a.dtype.itemsize * 8
        ub = _unsigned_view(b)
        big = ub >= bits
        sh = np.where(big, 0, ub).astype(_unsigned_view(a).dtype)
        if kind == "shli":
            r = np.left_shift(_unsigned_view(a), sh).view(a.dtype)
            return np.where(big, 0, r).astype(a.dtype)
        if kind == "shrui":
            r = np.right_shift(_unsigned_view(a), sh).view(a.dtype)
            return np.where(big, 0, r).astype(a.dtype)
        r = np.right_shift(a, sh.astype(a.dtype))
        return np.where(big, np.where(a < 0, -1, 0), r).astype(a.dtype)

    return g


def tile_int_binary(name: str) -> Callable[[NpArray, NpArray], NpArray] | None:
    table: dict[str, Callable[[NpArray, NpArray], NpArray]] = {
        "addi": np.add,
        "subi": np.subtract,
        "muli": np.multiply,
        "divsi": _tdivsi,
        "divui": _tunsigned(_tfloordiv),
        "floordivsi": _tfloordiv,
        "ceildivsi": _tceildiv,
        "ceildivui": _tunsigned(_tceildiv),
        "remsi": _tremsi,
        "remui": _tunsigned(_tremsi),
        "andi": np.bitwise_and,
        "ori": np.bitwise_or,
        "xori": np.bitwise_xor,
        "shli": _tshift("shli"),
        "shrsi": _tshift("shrsi"),
        "shrui": _tshift("shrui"),
        "maxsi": np.maximum,
        "minsi": np.minimum,
        "maxui": _tunsigned(np.maximum),
        "minui": _tunsigned(np.minimum),
    }
    return table.get(name)


# --------------------------------------------------------------------------- floats


def _rsqrt(x: Any) -> Any:
    one = np.ones((), dtype=np.asarray(x).dtype)[()]
    return one / np.sqrt(x)


def _round_half_away(x: Any) -> Any:
    return np.copysign(np.floor(np.abs(x) + np.asarray(0.5, dtype=np.asarray(x).dtype)), x)


def _via_f64(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`f` computed in double precision and rounded once to f32, then to the input's
    type (f64 inputs: `f` itself)."""

    def g(x: Any) -> Any:
        a = np.asarray(x)
        if a.dtype == np.float64:
            return f(x)
        r = f(a.astype(np.float64)).astype(np.float32)
        if a.dtype != np.float32:
            r = r.astype(a.dtype)
        return r if a.ndim else r[()]

    return g


_exp = _via_f64(np.exp)


def exp_via_f64(x: Any) -> Any:
    """exp rounded from double precision: f64 exp, to f32, then to the input's type.

    numpy's own f32 exp (SIMD) is up to 2 ulp from the f64 route; this one is what the
    MLIR engine computes too (docs/numerics.md)."""
    return _exp(x)

FLOAT_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "arith.addf": np.add,
    "arith.subf": np.subtract,
    "arith.mulf": np.multiply,
    "arith.divf": np.divide,
    "arith.remf": np.fmod,
    "arith.maximumf": np.maximum,
    "arith.minimumf": np.minimum,
    "arith.maxnumf": np.fmax,
    "arith.minnumf": np.fmin,
    "math.powf": np.power,
    "math.copysign": np.copysign,
    "math.atan2": np.arctan2,
}

FLOAT_UNARY: dict[str, Callable[[Any], Any]] = {
    "arith.negf": np.negative,
    "math.absf": np.abs,
    "math.exp": np.exp,
    "math.exp2": np.exp2,
    "math.expm1": np.expm1,
    "math.log": np.log,
    "math.log2": np.log2,
    "math.log10": np.log10,
    "math.log1p": np.log1p,
    "math.sqrt": np.sqrt,
    "math.rsqrt": _rsqrt,
    "math.cbrt": np.cbrt,
    "math.tanh": np.tanh,
    "math.sin": np.sin,
    "math.cos": np.cos,
    "math.tan": np.tan,
    "math.sinh": np.sinh,
    "math.cosh": np.cosh,
    "math.asin": np.arcsin,
    "math.acos": np.arccos,
    "math.atan": np.arctan,
    "math.asinh": np.arcsinh,
    "math.acosh": np.arccosh,
    "math.atanh": np.arctanh,
    "math.ceil": np.ceil,
    "math.floor": np.floor,
    "math.trunc": np.trunc,
    "math.roundeven": np.rint,
    "math.round": _round_half_away,
}
# the contract's ops in double precision, rounded once (ptoc.dialects.float_semantics)
FLOAT_UNARY.update({name: _via_f64(FLOAT_UNARY[name]) for name in F64_ROUTE})
FLOAT_UNARY["math.exp"] = exp_via_f64

CMPF: dict[int, Callable[[Any, Any], Any]] = {
    0: lambda a, b: np.zeros_like(np.asarray(a) == np.asarray(b)),
    1: np.equal,
    2: np.greater,
    3: np.greater_equal,
    4: np.less,
    5: np.less_equal,
    6: lambda a, b: np.not_equal(a, b) & ~(np.isnan(a) | np.isnan(b)),
    7: lambda a, b: ~(np.isnan(a) | np.isnan(b)),
    8: lambda a, b: np.equal(a, b) | np.isnan(a) | np.isnan(b),
    9: lambda a, b: ~np.less_equal(a, b),
    10: lambda a, b: ~np.less(a, b),
    11: lambda a, b: ~np.greater_equal(a, b),
    12: lambda a, b: ~np.greater(a, b),
    13: np.not_equal,
    14: lambda a, b: np.isnan(a) | np.isnan(b),
    15: lambda a, b: np.ones_like(np.asarray(a) == np.asarray(b)),
}


# --------------------------------------------------------------------------- casts


def _round_to_integral(x: NpArray, mode: str) -> NpArray:
    if mode in ("rint", "none", "odd"):
        return np.rint(x)
    if mode == "trunc":
        return np.trunc(x)
    if mode == "floor":
        return np.floor(x)
    if mode == "ceil":
        return np.ceil(x)
    if mode == "round":
        return _round_half_away(x)
    raise ValueError(f"unknown rounding mode '{mode}'")


def float_to_int(x: NpArray, dtype: np.dtype[Any], mode: str) -> NpArray:
    """Round `x` to integers by `mode`, saturating to `dtype`'s range; NaN -> 0."""
    if dtype == np.bool_:
        return np.asarray(x != 0)
    r = _round_to_integral(np.asarray(x, dtype=np.float64), mode)
    info = np.iinfo(dtype)
    r = np.where(np.isnan(r), 0.0, np.clip(r, float(info.min), float(info.max)))
    return r.astype(dtype)


def f32_to_bf16(x: NpArray, mode: str) -> NpArray:
    """f32 -> bf16 with a rounding mode, on the f32 bit pattern."""
    x = np.asarray(x, dtype=np.float32)
    if mode in ("rint", "none"):
        return x.astype(BF16)
    u = x.view(np.uint32).astype(np.uint64)
    hi = u >> 16
    low = u & 0xFFFF
    neg = (u >> 31) != 0
    inexact = low != 0
    if mode == "trunc":
        r = hi
    elif mode == "floor":
        r = hi + (neg & inexact)
    elif mode == "ceil":
        r = hi + (~neg & inexact)
    elif mode == "round":
        r = hi + (low >= 0x8000)
    elif mode == "odd":
        r = hi | inexact
    else:
        raise ValueError(f"unknown rounding mode '{mode}'")
    nan = np.isnan(x)
    r = np.where(nan, hi | 0x40, r)
    return r.astype(np.uint16).view(BF16)


def float_narrow(x: NpArray, dtype: np.dtype[Any], mode: str) -> NpArray:
    """Narrowing float conversion (f64 -> f32, f32 -> f16, ...) with a rounding mode."""
    if dtype == BF16:
        return f32_to_bf16(np.asarray(x, dtype=np.float32), mode)
    near = np.asarray(x).astype(dtype)
    if mode in ("rint", "none"):
        return near
    wide = np.asarray(x)
    back = near.astype(wide.dtype)
    inf = np.asarray(np.inf, dtype=dtype)
    zero = np.asarray(0, dtype=dtype)
    finite = np.isfinite(wide)
    if mode == "trunc":
        fix = finite & (np.abs(back) > np.abs(wide))
        return np.where(fix, np.nextafter(near, zero), near).astype(dtype)
    if mode == "floor":
        fix = finite & (back > wide)
        return np.where(fix, np.nextafter(near, -inf), near).astype(dtype)
    if mode == "ceil":
        fix = finite & (back < wide)
        return np.where(fix, np.nextafter(near, inf), near).astype(dtype)
    if mode == "round":
        # nearest, ties away from zero: only ties that went to the smaller magnitude change
        away = np.nextafter(near, np.copysign(inf, near))
        tie = finite & (np.abs(back) < np.abs(wide)) & (
            (away.astype(wide.dtype) - wide) == (wide - back)
        )
        return np.where(tie, away, near).astype(dtype)
    if mode == "odd":
        lo = np.where(back > wide, np.nextafter(near, -inf), near)
        hi = np.where(back < wide, np.nextafter(near, inf), near)
        exact = back == wide
        lo_bits = lo.view(np.dtype(f"uint{dtype.itemsize * 8}"))
        odd = np.where((lo_bits & 1) == 1, lo, hi)
        return np.where(exact | ~finite, near, odd).astype(dtype)
    raise ValueError(f"unknown rounding mode '{mode}'")


def widen(x: NpArray, dtype: np.dtype[Any]) -> NpArray:
    """`x.astype(dtype)` for a widening float conversion. bf16 -> fp32 is exact: a bf16 is
    the upper half of the fp32 of the same value (NaN payloads and signs included), so
    it is the bits moved up by 16, about twice as fast as ml_dtypes' element loop."""
    if x.dtype == BF16 and dtype == np.float32:
        out = np.empty(x.shape, np.uint32)
        np.left_shift(x.view(np.uint16), 16, out=out, dtype=np.uint32)
        return out.view(np.float32)
    return x.astype(dtype)


def cast_tile(x: NpArray, dtype: np.dtype[Any], mode: str | None) -> NpArray:
    """`pto.cast`: convert `x` to `dtype` rounding by `mode` (None: nearest-even)."""
    m = mode or "none"
    src = x.dtype
    src_float = src.kind == "f" or src == BF16
    dst_float = dtype.kind == "f" or dtype == BF16
    if src_float and not dst_float:
        return float_to_int(x, dtype, m)
    if src_float and dst_float:
        if src == dtype:
            return x.copy() if m == "none" else _round_to_integral(x, m).astype(dtype)
        if dtype.itemsize < src.itemsize or (dtype == BF16 and src == np.float16):
            return float_narrow(x.astype(np.float32) if src == np.float64 and dtype == BF16 else x, dtype, m)
        return widen(x, dtype)
    # integer sources: exact when representable, else nearest-even
    return x.astype(dtype)


def is_float_dtype(d: np.dtype[Any]) -> bool:
    return d.kind == "f" or d == BF16


# --------------------------------------------------------------------------- reductions

REPEAT_ELEMENTS = 64
"""fp32 elements of one vector repeat (256 B; CANN Ascend C, "ReduceSum")."""


def col_sum(x: NpArray, binary: bool = False) -> NpArray:
    """`pto.col_sum` as the a2a3 vector unit's TCOLSUM adds, shape [..., R, C] -> [..., 1, C]
    (pto-isa, include/pto/npu/a2a3/TColSum.hpp), in the order of `ColSumOp.order`:
    rows in order, or (`binary`) pairwise, an odd one out added to the first sum of its
    round. Every add rounds in the tile's own type (the unit's vadd); one row is copied."""
    a = np.asarray(x)
    tree = ColSumOp.order(a.shape[-2], binary)
    if isinstance(tree, int):  # one row: a copy (every add below makes a new array)
        return a[..., 0:1, :].copy()
    return ColSumOp.evaluate(tree, lambda i: a[..., i:i + 1, :], lambda p, q: p + q)


def row_sum_tree(x: NpArray) -> NpArray:
    """`pto.row_sum` in the a2a3 vector unit's order, shape [..., C] -> [..., 1].

    CANN's Ascend C ReduceSum (API reference, "ReduceSum", method 2, the one A2 uses for
    its first-n-elements form): inside one repeat of 256 B (64 fp32) a binary tree of
    adjacent pairs ((x0 + x1) + (x2 + x3)) + ..., then the repeats' results in order.
    A partial last repeat is padded with +0.0. Narrow floats are summed in f32, f64 in
    f64 (same shape of tree)."""
    a = np.asarray(x)
    acc = np.float64 if a.dtype == np.float64 else np.float32
    a = a.astype(acc, copy=False)
    n = a.shape[-1]
    reps = max(1, -(-n // REPEAT_ELEMENTS))
    pad = reps * REPEAT_ELEMENTS - n
    if pad:
        a = np.concatenate([a, np.zeros((*a.shape[:-1], pad), acc)], axis=-1)
    y = a.reshape(*a.shape[:-1], reps, REPEAT_ELEMENTS)
    while y.shape[-1] > 1:
        y = y[..., 0::2] + y[..., 1::2]
    total = y[..., 0, :]
    for r in range(1, reps):
        total = total + y[..., r, :]
    return total
