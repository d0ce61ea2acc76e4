"""The ops of issue 8 (scalar writes, masks, slices, views, sorts, mixed tasks, ...):
the interpreter against independent numpy references, and the execution record's fields."""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend.interpreter import Program, compile_module, gm_bursts
from ptoc.backend.record import ExecutionRecord, OpEvent

BF16 = np.dtype(ml_dtypes.bfloat16)


def compile_text(text: str) -> Program:
    return compile_module(ptoc.parse(text, "test.mlir"))


def events(rec: ExecutionRecord, scope: int = 0, task: int = 0) -> list[OpEvent]:
    return rec.scopes[scope].tasks[task].events


def kinds(rec: ExecutionRecord, kind: str) -> list[OpEvent]:
    return [e for s in rec.scopes for t in s.tasks for e in t.events if e.kind == kind]


# --------------------------------------------------------------------------- record: bursts


def ref_bursts(tile: tuple[int, ...], shape: tuple[int, ...], isz: int) -> tuple[int, int, int]:
    """Independent reference: enumerate the byte offsets the window covers, group runs."""
    strides = [isz * int(np.prod(shape[d + 1:], dtype=np.int64)) for d in range(len(shape))]
    offs = sorted(
        sum(i * s for i, s in zip(ix, strides)) for ix in np.ndindex(*tile)
    )
    runs: list[tuple[int, int]] = []  # (start, length in bytes)
    for o in offs:
        if runs and runs[-1][0] + runs[-1][1] == o:
            runs[-1] = (runs[-1][0], runs[-1][1] + isz)
        else:
            runs.append((o, isz))
    starts = [r[0] for r in runs]
    stride = starts[1] - starts[0] if len(starts) > 1 else runs[0][1]
    return len(runs), runs[0][1], stride


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_gm_bursts_match_enumeration(data: Any) -> None:
    rank = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.integers(1, 6)) for _ in range(rank))
    tile = tuple(data.draw(st.integers(1, s)) for s in shape)
    isz = data.draw(st.sampled_from([1, 2, 4]))
    rows, rb, sb = gm_bursts(tile, shape, isz)
    want_rows, want_rb, want_sb = ref_bursts(tile, shape, isz)
    assert (rows, rb) == (want_rows, want_rb)
    if rank <= 2 or rows == 1:
        assert sb == want_sb
    assert rows * rb == isz * int(np.prod(tile))


LOAD_STORE = """
func.func @k(%a: memref<8x64xf32>, %b: memref<4x64xbf16>, %o: memref<8x64xf32>, %idx: memref<4xi32>) {
  pto.spmd %t = 0 to 2 {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %r = arith.muli %t, %c4 : index
    %x = pto.load %a[%r, %c0] : memref<8x64xf32> -> tensor<4x16xf32>
    %y = pto.load %a[%r, %c0] : memref<8x64xf32> -> tensor<4x64xf32>
    %z = pto.load %b[%c0, %c0] : memref<4x64xbf16> -> tensor<1x64xbf16>
    %v = pto.read %idx[%t] : memref<4xi32> -> i32
    pto.store %y, %o[%r, %c0] : tensor<4x64xf32>, memref<8x64xf32>
  }
  func.return
}
"""


def test_load_store_read_events_carry_bursts_and_tensor_ids() -> None:
    prog = compile_text(LOAD_STORE)
    a = np.arange(8 * 64, dtype=np.float32).reshape(8, 64)
    rec = prog.run({
        "a": a, "b": np.zeros((4, 64), BF16), "o": np.zeros((8, 64), np.float32),
        "idx": np.arange(4, dtype=np.int32),
    }).record
    ev = {e.op + str(e.shape): e for e in events(rec, task=1)}
    x = ev["pto.load(4, 16)"]
    assert (x.rows, x.row_bytes, x.stride_bytes, x.tensor) == (4, 64, 256, 0)
    y = ev["pto.load(4, 64)"]
    assert (y.rows, y.row_bytes, y.stride_bytes, y.tensor) == (1, 1024, 1024, 0)
    z = ev["pto.load(1, 64)"]
    assert (z.rows, z.row_bytes, z.tensor, z.dtype) == (1, 128, 1, "bfloat16")
    s = ev["pto.store(4, 64)"]
    assert (s.rows, s.row_bytes, s.tensor) == (1, 1024, 2)
    r = ev["pto.read()"]
    assert (r.tensor, r.offset) == (3, 1)
    assert all(e.side == "" for e in events(rec, task=1))


RNG = np.random.default_rng(8)


def run(text: str, inputs: dict[str, Any], **kw: Any) -> Any:
    return compile_text(text).run(inputs, debug=True, **kw)


def one_task(args: str, body: str, core: str = "vector") -> str:
    return f"""
func.func @k({args}) {{
  %c0 = arith.constant 0 : index
  pto.spmd %t = 0 to 1 core {core} {{
{body}
  }}
  func.return
}}
"""


def normal(shape: tuple[int, ...], dt: Any = np.float32) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32).astype(dt)


DTYPES = {"f32": np.dtype(np.float32), "bf16": BF16, "i32": np.dtype(np.int32)}


def sample(shape: tuple[int, ...], ty: str) -> np.ndarray:
    if ty == "i32":
        return RNG.integers(-1000, 1000, shape).astype(np.int32)
    return normal(shape, DTYPES[ty])


# --------------------------------------------------------------------------- scalar write


def test_write_scalars_and_their_events() -> None:
    text = """
func.func @k(%o: memref<4x3xi32>, %f: memref<8xbf16>, %x: bf16) {
  %c3 = arith.constant 3 : index
  pto.spmd %t = 0 to 4 {
    %v = arith.index_cast %t : index to i32
    %w = arith.muli %v, %v : i32
    pto.write %w, %o[%t, %t] : i32, memref<4x3xi32>
    %i = arith.addi %t, %c3 : index
    pto.write %x, %f[%i] : bf16, memref<8xbf16>
  }
  func.return
}
"""
    text = text.replace("%o[%t, %t]", "%o[%t, %c0]").replace(
        "%c3 = arith.constant 3 : index", "%c3 = arith.constant 3 : index\n  %c0 = arith.constant 0 : index"
    )
    o = np.full((4, 3), -1, np.int32)
    res = run(text, {"o": o, "f": np.zeros(8, BF16), "x": np.array(1.5, BF16)})
    want = o.copy()
    for t in range(4):
        want[t, 0] = t * t
    np.testing.assert_array_equal(res.outputs["o"], want)
    assert res.outputs["f"].tolist() == [0, 0, 0, 1.5, 1.5, 1.5, 1.5, 0]
    writes = kinds(res.record, "write")
    assert [(e.tensor, e.offset, e.dtype, e.nbytes) for e in writes] == [
        x for t in range(4) for x in ((0, 3 * t, "int32", 4), (1, t + 3, "bfloat16", 2))
    ]


def test_write_out_of_bounds_is_located() -> None:
    text = one_task("%o: memref<4xi32>, %v: i32", "    %c4 = arith.constant 4 : index\n"
                    "    pto.write %v, %o[%c4] : i32, memref<4xi32>")
    from ptoc.backend.interpreter import InterpreterError

    with pytest.raises(InterpreterError, match=r"test.mlir:6:5: .*out-of-bounds write .*index 4 >= 4"):
        run(text, {"o": np.zeros(4, np.int32), "v": np.array(1, np.int32)})


# --------------------------------------------------------------------------- masks


CMP_REF = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}


@pytest.mark.parametrize("ty", ["f32", "bf16", "i32"])
@pytest.mark.parametrize("mode", sorted(CMP_REF))
def test_cmp_select_on_tiles(mode: str, ty: str) -> None:
    t = f"tensor<4x32x{ty}>"
    m = f"memref<4x32x{ty}>"
    text = one_task(
        f"%a: {m}, %b: {m}, %o: {m}, %mo: memref<4x32xi1>",
        f"""    %x = pto.load %a[%c0, %c0] : {m} -> {t}
    %y = pto.load %b[%c0, %c0] : {m} -> {t}
    %k = pto.cmp {mode} %x, %y : {t} -> tensor<4x32xi1>
    %z = pto.select %k, %x, %y : tensor<4x32xi1>, {t}
    pto.store %z, %o[%c0, %c0] : {t}, {m}
    pto.store %k, %mo[%c0, %c0] : tensor<4x32xi1>, memref<4x32xi1>""",
    )
    a, b = sample((4, 32), ty), sample((4, 32), ty)
    b[0, :8] = a[0, :8]  # ties
    if ty != "i32":
        a[1, 0], b[1, 1], a[1, 2], b[1, 2] = np.nan, np.nan, np.nan, np.nan
    res = run(text, {"a": a, "b": b, "o": np.zeros_like(a), "mo": np.zeros((4, 32), np.bool_)})
    for i in range(4):
        for j in range(32):
            x, y = float(a[i, j]), float(b[i, j])
            want = CMP_REF[mode](x, y)  # Python floats: IEEE (NaN compares false except !=)
            assert res.outputs["mo"][i, j] == want, (i, j, x, y)
            got = res.outputs["o"][i, j]
            pick = a[i, j] if want else b[i, j]
            assert (got == pick) or (np.isnan(float(got)) and np.isnan(float(pick)))
    assert [e.op for e in events(res.record) if e.kind == "vector"] == ["pto.cmp", "pto.select"]


@pytest.mark.parametrize("ty", ["f32", "bf16", "i32"])
@pytest.mark.parametrize("mode", sorted(CMP_REF))
def test_cmps_tile_with_scalar(mode: str, ty: str) -> None:
    t, m = f"tensor<2x32x{ty}>", f"memref<2x32x{ty}>"
    text = one_task(
        f"%a: {m}, %s: {ty}, %mo: memref<2x32xi1>",
        f"""    %x = pto.load %a[%c0, %c0] : {m} -> {t}
    %k = pto.cmps {mode} %x, %s : {t}, {ty} -> tensor<2x32xi1>
    pto.store %k, %mo[%c0, %c0] : tensor<2x32xi1>, memref<2x32xi1>""",
    )
    a = sample((2, 32), ty)
    s = a[0, 5]
    if ty != "i32":
        a[1, 3] = np.nan
    res = run(text, {"a": a, "s": np.array(s, DTYPES[ty]), "mo": np.zeros((2, 32), np.bool_)})
    want = [[CMP_REF[mode](float(v), float(s)) for v in row] for row in a]
    assert res.outputs["mo"].tolist() == want


def test_masks_combine_with_arith_andi() -> None:
    t, m = "tensor<2x64xf32>", "memref<2x64xf32>"
    text = one_task(
        f"%a: {m}, %o: {m}, %lo: f32, %hi: f32",
        f"""    %x = pto.load %a[%c0, %c0] : {m} -> {t}
    %l = tensor.splat %lo : {t}
    %h = tensor.splat %hi : {t}
    %k1 = pto.cmp ge %x, %l : {t} -> tensor<2x64xi1>
    %k2 = pto.cmp lt %x, %h : {t} -> tensor<2x64xi1>
    %k = arith.andi %k1, %k2 : tensor<2x64xi1>
    %zero = arith.constant dense<0.0> : {t}
    %z = pto.select %k, %x, %zero : tensor<2x64xi1>, {t}
    pto.store %z, %o[%c0, %c0] : {t}, {m}""",
    )
    a = normal((2, 64))
    res = run(text, {"a": a, "o": np.zeros_like(a), "lo": np.float32(-0.5), "hi": np.float32(0.5)})
    want = np.array([[v if -0.5 <= v < 0.5 else 0.0 for v in row] for row in a.tolist()], np.float32)
    np.testing.assert_array_equal(res.outputs["o"], want)


CMPF_ON_TILES = """
func.func @k(%a: memref<2x64xf32>, %b: memref<2x64xf32>, %o: memref<2x64xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<2x64xf32> -> tensor<2x64xf32>
    %y = pto.load %b[%c0, %c0] : memref<2x64xf32> -> tensor<2x64xf32>
    %gt = arith.cmpf ogt, %x, %y : tensor<2x64xf32>
    %z = arith.select %gt, %x, %y : tensor<2x64xf32>
    pto.store %z, %o[%c0, %c0] : tensor<2x64xf32>, memref<2x64xf32>
  }
  func.return
}
"""


def test_regression_cmpf_select_on_tiles_is_a_located_error_not_a_crash() -> None:
    """pto-run used to fail inside numpy ("truth value of an array is ambiguous")."""
    from ptoc.diagnostics import PtoDiagnostic

    with pytest.raises(PtoDiagnostic, match=r"test.mlir:7:5: .*arith.cmpf on tiles .*pto.cmp"):
        ptoc.parse(CMPF_ON_TILES, "test.mlir")
    fixed = CMPF_ON_TILES.replace(
        "arith.cmpf ogt, %x, %y : tensor<2x64xf32>", "pto.cmp gt %x, %y : tensor<2x64xf32> -> tensor<2x64xi1>"
    ).replace("arith.select %gt, %x, %y : tensor<2x64xf32>",
              "pto.select %gt, %x, %y : tensor<2x64xi1>, tensor<2x64xf32>")
    a, b = normal((2, 64)), normal((2, 64))
    out = run(fixed, {"a": a, "b": b, "o": np.zeros_like(a)}).outputs["o"]
    np.testing.assert_array_equal(out, np.where(a > b, a, b))


# --------------------------------------------------------------------------- broadcasts


def _ref_binary(fn: str, x: Any, y: Any, ty: str) -> Any:
    """Python-number reference of one element, rounded once to the tile's dtype."""
    if ty == "i32":
        a, b = int(x), int(y)
        r = {"add": a + b, "sub": a - b, "mul": a * b, "max": max(a, b), "min": min(a, b)}.get(fn)
        if fn == "div":
            q = abs(a) // abs(b)
            r = q if (a >= 0) == (b >= 0) else -q  # C division truncates
        assert r is not None
        return np.int32(((r + 2**31) % 2**32) - 2**31)
    a, b = float(x), float(y)
    r = {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "max": max(a, b),
         "min": min(a, b)}[fn]
    return np.array(r, np.float64).astype(np.float32).astype(DTYPES[ty])[()]


@pytest.mark.parametrize("ty", ["f32", "bf16", "i32"])
@pytest.mark.parametrize("fn", ["add", "sub", "div", "max", "min"])
@pytest.mark.parametrize("axis", ["row", "col"])
def test_expand_ops(axis: str, fn: str, ty: str) -> None:
    r, c = 8, 32
    vshape = (r, 1) if axis == "row" else (1, c)
    vt = f"tensor<{vshape[0]}x{vshape[1]}x{ty}>"
    vm = f"memref<{vshape[0]}x{vshape[1]}x{ty}>"
    t, m = f"tensor<{r}x{c}x{ty}>", f"memref<{r}x{c}x{ty}>"
    text = one_task(
        f"%a: {m}, %b: {vm}, %o: {m}",
        f"""    %x = pto.load %a[%c0, %c0] : {m} -> {t}
    %v = pto.load %b[%c0, %c0] : {vm} -> {vt}
    %z = pto.{axis}_expand_{fn} %x, %v : {t}, {vt} -> {t}
    pto.store %z, %o[%c0, %c0] : {t}, {m}""",
    )
    a, b = sample((r, c), ty), sample(vshape, ty)
    if ty == "i32" and fn == "div":
        b[b == 0] = 7
    out = run(text, {"a": a, "b": b, "o": np.zeros_like(a)}).outputs["o"]
    for i in range(r):
        for j in range(c):
            y = b[i, 0] if axis == "row" else b[0, j]
            assert out[i, j] == _ref_binary(fn, a[i, j], y, ty), (i, j)


@pytest.mark.parametrize("ty", ["f32", "bf16", "i32"])
@pytest.mark.parametrize("fn", ["add", "sub", "mul", "div", "max", "min"])
def test_tile_scalar_ops(fn: str, ty: str) -> None:
    t, m = f"tensor<4x32x{ty}>", f"memref<4x32x{ty}>"
    name = {"add": "adds", "sub": "subs", "mul": "muls", "div": "divs", "max": "maxs",
            "min": "mins"}[fn]
    text = one_task(
        f"%a: {m}, %s: {ty}, %o: {m}",
        f"""    %x = pto.load %a[%c0, %c0] : {m} -> {t}
    %z = pto.{name} %x, %s : {t}, {ty}
    pto.store %z, %o[%c0, %c0] : {t}, {m}""",
    )
    a = sample((4, 32), ty)
    s = np.array(-3 if ty == "i32" else 0.7, DTYPES[ty])
    res = run(text, {"a": a, "s": s, "o": np.zeros_like(a)})
    for i in range(4):
        for j in range(32):
            assert res.outputs["o"][i, j] == _ref_binary(fn, a[i, j], s, ty)
    (ev,) = [e for e in events(res.record) if e.op == f"pto.{name}"]
    assert (ev.kind, ev.shape, len(ev.reads)) == ("vector", (4, 32), 1)


def test_integer_division_by_zero_is_located() -> None:
    from ptoc.backend.interpreter import InterpreterError

    t, m = "tensor<1x8xi32>", "memref<1x8xi32>"
    text = one_task(f"%a: {m}, %s: i32, %o: {m}", f"""    %x = pto.load %a[%c0, %c0] : {m} -> {t}
    %z = pto.divs %x, %s : {t}, i32
    pto.store %z, %o[%c0, %c0] : {t}, {m}""")
    with pytest.raises(InterpreterError, match=r"test.mlir:6:5: .*division by zero"):
        run(text, {"a": np.ones((1, 8), np.int32), "s": np.array(0, np.int32),
                   "o": np.zeros((1, 8), np.int32)})


# --------------------------------------------------------------------------- matmul


def grid(shape: tuple[int, ...], scale: int, dt: Any) -> np.ndarray:
    """Values on a coarse grid: every partial sum of a product is exact in f32."""
    return (RNG.integers(-8, 9, shape) / scale).astype(np.float32).astype(dt)


@pytest.mark.parametrize("ta,tb", [(False, True), (True, False), (True, True)])
@pytest.mark.parametrize("ty", ["bf16", "f32"])
def test_matmul_transposed_operands(ta: bool, tb: bool, ty: str) -> None:
    m_, k_, n_ = 16, 64, 32
    ash = (k_, m_) if ta else (m_, k_)
    bsh = (n_, k_) if tb else (k_, n_)
    flags = (" a_trans" if ta else "") + (" b_trans" if tb else "")
    at, bt = f"tensor<{ash[0]}x{ash[1]}x{ty}>", f"tensor<{bsh[0]}x{bsh[1]}x{ty}>"
    am, bm = f"memref<{ash[0]}x{ash[1]}x{ty}>", f"memref<{bsh[0]}x{bsh[1]}x{ty}>"
    ot, om = f"tensor<{m_}x{n_}xf32>", f"memref<{m_}x{n_}xf32>"
    text = one_task(
        f"%a: {am}, %b: {bm}, %acc: {om}, %o: {om}, %o2: {om}",
        f"""    %x = pto.load %a[%c0, %c0] : {am} -> {at}
    %y = pto.load %b[%c0, %c0] : {bm} -> {bt}
    %w = pto.load %acc[%c0, %c0] : {om} -> {ot}
    %z = pto.matmul %x, %y{flags} : {at}, {bt} -> {ot}
    %d = pto.matmul_acc %w, %x, %y{flags} : {ot}, {at}, {bt} -> {ot}
    pto.store %z, %o[%c0, %c0] : {ot}, {om}
    pto.store %d, %o2[%c0, %c0] : {ot}, {om}""",
        core="cube",
    )
    a, b, acc = grid(ash, 16, DTYPES[ty]), grid(bsh, 16, DTYPES[ty]), grid((m_, n_), 4, np.float32)
    res = run(text, {"a": a, "b": b, "acc": acc, "o": np.zeros((m_, n_), np.float32),
                     "o2": np.zeros((m_, n_), np.float32)})
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    ref = (a64.T if ta else a64) @ (b64.T if tb else b64)  # exact on the grid
    np.testing.assert_array_equal(res.outputs["o"], ref.astype(np.float32))
    np.testing.assert_array_equal(res.outputs["o2"], (ref + acc).astype(np.float32))
    assert {e.k for e in events(res.record) if e.kind == "matmul"} == {k_}


def test_matmul_int8_to_int32_exact_and_wrapping() -> None:
    text = one_task(
        "%a: memref<8x64xi8>, %b: memref<64x16xi8>, %acc: memref<8x16xi32>, %o: memref<8x16xi32>, "
        "%o2: memref<8x16xi32>",
        """    %x = pto.load %a[%c0, %c0] : memref<8x64xi8> -> tensor<8x64xi8>
    %y = pto.load %b[%c0, %c0] : memref<64x16xi8> -> tensor<64x16xi8>
    %w = pto.load %acc[%c0, %c0] : memref<8x16xi32> -> tensor<8x16xi32>
    %z = pto.matmul %x, %y : tensor<8x64xi8>, tensor<64x16xi8> -> tensor<8x16xi32>
    %d = pto.matmul_acc %w, %x, %y : tensor<8x16xi32>, tensor<8x64xi8>, tensor<64x16xi8> -> tensor<8x16xi32>
    pto.store %z, %o[%c0, %c0] : tensor<8x16xi32>, memref<8x16xi32>
    pto.store %d, %o2[%c0, %c0] : tensor<8x16xi32>, memref<8x16xi32>""",
        core="cube",
    )
    a = RNG.integers(-128, 128, (8, 64)).astype(np.int8)
    b = RNG.integers(-128, 128, (64, 16)).astype(np.int8)
    a[0, :], b[:, 0] = -128, -128  # the largest products
    acc = np.full((8, 16), 2**31 - 100, np.int32)  # overflows: wraps like int32 hardware
    res = run(text, {"a": a, "b": b, "acc": acc, "o": np.zeros((8, 16), np.int32),
                     "o2": np.zeros((8, 16), np.int32)})
    for i in range(8):
        for j in range(16):
            s = sum(int(a[i, k]) * int(b[k, j]) for k in range(64))
            assert res.outputs["o"][i, j] == s
            w = (s + int(acc[i, j]) + 2**31) % 2**32 - 2**31
            assert res.outputs["o2"][i, j] == w
    mm = [e for e in events(res.record) if e.kind == "matmul"]
    assert [(e.dtype, e.k) for e in mm] == [("int32", 64), ("int32", 64)]


# --------------------------------------------------------------------------- sorts


def ref_sort_pairs(vals: list[float], idx: list[int]) -> list[tuple[float, int]]:
    """Stable descending sort of (value, index) by value (NaN last): the reference."""
    keyed = sorted(range(len(vals)), key=lambda p: (1, 0.0) if vals[p] != vals[p] else (0, -vals[p]))
    return [(vals[p], idx[p]) for p in keyed]


def pairs_of(row: np.ndarray) -> list[tuple[float, int]]:
    v = row[0::2].tolist()
    i = row[1::2].copy().view(np.uint32).tolist()
    return list(zip(v, i))


SORT_KERNEL = """
func.func @k(%v: memref<2x256xf32>, %o32: memref<2x512xf32>, %o64: memref<2x512xf32>, %oall: memref<2x512xf32>, %o2: memref<1x512xf32>, %top: memref<1x8xi32>, %topv: memref<1x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  pto.spmd %t = 0 to 1 {
    %x = pto.load %v[%c0, %c0] : memref<2x256xf32> -> tensor<2x256xf32>
    %ix = pto.arange start 0 step 1 : tensor<2x256xi32>
    %p = pto.sort32 %x, %ix : tensor<2x256xf32>, tensor<2x256xi32> -> tensor<2x512xf32>
    %q = pto.mrgsort %p block_len 64 : tensor<2x512xf32> -> tensor<2x512xf32>
    %r = pto.mrgsort %q block_len 256 : tensor<2x512xf32> -> tensor<2x512xf32>
    pto.store %p, %o32[%c0, %c0] : tensor<2x512xf32>, memref<2x512xf32>
    pto.store %q, %o64[%c0, %c0] : tensor<2x512xf32>, memref<2x512xf32>
    pto.store %r, %oall[%c0, %c0] : tensor<2x512xf32>, memref<2x512xf32>
    %h0 = tensor.extract_slice %q[0, 0] [1, 256] [1, 1] : tensor<2x512xf32> to tensor<1x256xf32>
    %h1 = tensor.extract_slice %q[0, 256] [1, 256] [1, 1] : tensor<2x512xf32> to tensor<1x256xf32>
    %m = pto.mrgsort %h0, %h1 : tensor<1x256xf32>, tensor<1x256xf32> -> tensor<1x512xf32>
    pto.store %m, %o2[%c0, %c0] : tensor<1x512xf32>, memref<1x512xf32>
    %best = tensor.extract_slice %m[0, 0] [1, 16] [1, 1] : tensor<1x512xf32> to tensor<1x16xf32>
    %bi = pto.gather_mask %best pattern P1010 : tensor<1x16xf32> -> tensor<1x8xi32>
    %bv = pto.gather_mask %best pattern P0101 : tensor<1x16xf32> -> tensor<1x8xf32>
    pto.store %bi, %top[%c0, %c0] : tensor<1x8xi32>, memref<1x8xi32>
    pto.store %bv, %topv[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  }
  func.return
}
"""


def test_sort32_mrgsort_topk_against_python_sort() -> None:
    v = normal((2, 256))
    v[0, 10:20] = v[0, 3]  # ties across groups and inside one
    v[1, 40] = -np.inf
    z = lambda *s: np.zeros(s, np.float32)  # noqa: E731
    res = run(SORT_KERNEL, {"v": v, "o32": z(2, 512), "o64": z(2, 512), "oall": z(2, 512),
                            "o2": z(1, 512), "top": np.zeros((1, 8), np.int32), "topv": z(1, 8)})
    out = res.outputs
    for r in range(2):
        vals, idx = v[r].tolist(), list(range(256))
        for g in range(8):  # sort32: each 32-group on its own
            s = slice(32 * g, 32 * g + 32)
            assert pairs_of(out["o32"][r])[s] == ref_sort_pairs(vals[s], idx[s])
        for g in range(2):  # mrgsort 64: runs of 4 groups = 128 values
            s = slice(128 * g, 128 * g + 128)
            assert pairs_of(out["o64"][r])[s] == ref_sort_pairs(vals[s], idx[s])
        assert pairs_of(out["oall"][r]) == ref_sort_pairs(vals, idx)
    assert pairs_of(out["o2"][0]) == ref_sort_pairs(v[0].tolist(), list(range(256)))
    want = ref_sort_pairs(v[0].tolist(), list(range(256)))[:8]
    assert out["top"][0].tolist() == [i for _, i in want]
    assert out["topv"][0].tolist() == [x for x, _ in want]
    assert [e.kind for e in events(res.record) if e.op.startswith("pto.")
            and "sort" in e.op] == ["sort"] * 4


@given(st.lists(st.sampled_from([-1.0, 0.0, 0.5, 2.0, float("inf"), -float("inf")]),
                min_size=64, max_size=64))
@settings(max_examples=40, deadline=None)
def test_sort_is_a_stable_descending_permutation(vals: list[float]) -> None:
    text = one_task(
        "%v: memref<1x64xf32>, %o: memref<1x128xf32>",
        """    %x = pto.load %v[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %ix = pto.arange start 100 step 3 : tensor<1x64xi32>
    %p = pto.sort32 %x, %ix : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x128xf32>
    %q = pto.mrgsort %p block_len 64 : tensor<1x128xf32> -> tensor<1x128xf32>
    pto.store %q, %o[%c0, %c0] : tensor<1x128xf32>, memref<1x128xf32>""",
    )
    v = np.array([vals], np.float32)
    out = compile_text(text).run({"v": v, "o": np.zeros((1, 128), np.float32)}).outputs["o"]
    assert pairs_of(out[0]) == ref_sort_pairs(vals, [100 + 3 * i for i in range(64)])


# --------------------------------------------------------------------------- mask patterns


PATTERNS = {"P0101": (0, 2), "P1010": (1, 3), "P0001": (0,), "P0010": (1,), "P0100": (2,),
            "P1000": (3,), "P1111": (0, 1, 2, 3)}


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
@pytest.mark.parametrize("ty,out_ty", [("f32", "f32"), ("f32", "i32"), ("bf16", "bf16"),
                                       ("i8", "i8")])
def test_gather_scatter_mask(pattern: str, ty: str, out_ty: str) -> None:
    n = 32
    w = n // 4 * len(PATTERNS[pattern])
    text = one_task(
        f"%a: memref<2x{n}x{ty}>, %g: memref<2x{w}x{out_ty}>, %s: memref<2x{n}x{ty}>",
        f"""    %x = pto.load %a[%c0, %c0] : memref<2x{n}x{ty}> -> tensor<2x{n}x{ty}>
    %y = pto.gather_mask %x pattern {pattern} : tensor<2x{n}x{ty}> -> tensor<2x{w}x{out_ty}>
    %z = arith.constant dense<0> : tensor<2x{w}x{out_ty}>
    %b = pto.scatter_mask %z into %x pattern {pattern} : tensor<2x{w}x{out_ty}>, tensor<2x{n}x{ty}>
    pto.store %y, %g[%c0, %c0] : tensor<2x{w}x{out_ty}>, memref<2x{w}x{out_ty}>
    pto.store %b, %s[%c0, %c0] : tensor<2x{n}x{ty}>, memref<2x{n}x{ty}>""",
    ).replace("dense<0> : tensor<2x" + str(w) + "xf32>", "dense<0.0> : tensor<2x" + str(w) + "xf32>"
              ).replace("dense<0> : tensor<2x" + str(w) + "xbf16>", "dense<0.0> : tensor<2x" + str(w) + "xbf16>")
    dts = {"f32": np.dtype(np.float32), "i32": np.dtype(np.int32), "bf16": BF16, "i8": np.dtype(np.int8)}
    a = (RNG.integers(-100, 100, (2, n)).astype(dts[ty]) if ty == "i8" else normal((2, n), dts[ty]))
    res = run(text, {"a": a, "g": np.zeros((2, w), dts[out_ty]), "s": np.zeros_like(a)})
    keep = [j for j in range(n) if j % 4 in PATTERNS[pattern]]
    for r in range(2):
        got_bits = res.outputs["g"][r].tobytes()
        want_bits = b"".join(a[r, j].tobytes() for j in keep)
        assert got_bits == want_bits
        for j in range(n):
            want = 0 if j in keep else a[r, j]
            assert res.outputs["s"][r, j].tobytes() == np.array(want, dts[ty]).tobytes()


# --------------------------------------------------------------------------- valid shapes


@pytest.mark.parametrize("pad", ["zero", "min", "max"])
@pytest.mark.parametrize("ty", ["f32", "bf16", "i8"])
def test_load_store_valid(pad: str, ty: str) -> None:
    dts = {"f32": np.dtype(np.float32), "bf16": BF16, "i8": np.dtype(np.int8)}
    dt = dts[ty]
    text = f"""
func.func @k(%a: memref<?x64x{ty}>, %o: memref<8x64x{ty}>, %p: memref<8x64x{ty}>, %n: index, %m: index) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  pto.spmd %t = 0 to 1 {{
    %x = pto.load_valid %a[%c1, %c0] valid [%n, %m] pad {pad} : memref<?x64x{ty}> -> tensor<8x64x{ty}>
    pto.store %x, %p[%c0, %c0] : tensor<8x64x{ty}>, memref<8x64x{ty}>
    pto.store_valid %x, %o[%c0, %c0] valid [%m, %n] : tensor<8x64x{ty}>, memref<8x64x{ty}>
  }}
  func.return
}}
"""
    a = (RNG.integers(-100, 100, (6, 64)).astype(dt) if ty == "i8" else normal((6, 64), dt))
    o = np.full((8, 64), 7, dt)
    n, m = 5, 3  # rows 1..5 of a exist; a 6th row would be out of bounds
    res = run(text, {"a": a, "o": o, "p": np.zeros((8, 64), dt), "n": np.array(n), "m": np.array(m)})
    fill = {"zero": 0, "min": -np.inf, "max": np.inf}[pad]
    if ty == "i8":
        fill = {"zero": 0, "min": -128, "max": 127}[pad]
    for i in range(8):
        for j in range(64):
            want = a[1 + i, j] if i < n and j < m else fill
            assert res.outputs["p"][i, j] == np.array(want).astype(dt), (i, j)
            want_o = res.outputs["p"][i, j] if i < m and j < n else 7
            assert res.outputs["o"][i, j] == np.array(want_o).astype(dt), (i, j)
    ld = next(e for e in events(res.record) if e.op == "pto.load_valid")
    isz = dt.itemsize
    assert (ld.kind, ld.shape, ld.nbytes, ld.rows, ld.row_bytes, ld.stride_bytes, ld.tensor) == (
        "load", (8, 64), n * m * isz, n, m * isz, 64 * isz, 0
    )
    st_ = next(e for e in events(res.record) if e.op == "pto.store_valid")
    assert (st_.kind, st_.nbytes, st_.rows, st_.row_bytes, st_.tensor) == (
        "store", m * n * isz, m, n * isz, 1
    )


def test_valid_extent_errors_are_located() -> None:
    from ptoc.backend.interpreter import InterpreterError

    text = """
func.func @k(%a: memref<4x64xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  pto.spmd %t = 0 to 1 {
    %x = pto.load_valid %a[%c0, %c0] valid [%n, %n] : memref<4x64xf32> -> tensor<8x64xf32>
  }
  func.return
}
"""
    prog = compile_text(text)
    with pytest.raises(InterpreterError, match=r"test.mlir:5:5: .*out-of-bounds load of a \[5, 5\]"):
        prog.run({"a": np.zeros((4, 64), np.float32), "n": np.array(5)})
    with pytest.raises(InterpreterError, match=r"test.mlir:5:5: .*valid extent 9 of dimension 0"):
        prog.run({"a": np.zeros((4, 64), np.float32), "n": np.array(9)})
    # a short valid window of a tile that would not fit the memref is fine
    prog.run({"a": np.zeros((4, 64), np.float32), "n": np.array(4)})


# --------------------------------------------------------------------------- slices


def test_extract_insert_slice_static_and_dynamic() -> None:
    text = one_task(
        "%a: memref<8x64xf32>, %o: memref<8x64xf32>, %rows: memref<2x64xf32>, %r: index",
        """    %x = pto.load %a[%c0, %c0] : memref<8x64xf32> -> tensor<8x64xf32>
    %s = tensor.extract_slice %x[%r, 0] [2, 64] [1, 1] : tensor<8x64xf32> to tensor<2x64xf32>
    %q = tensor.extract_slice %x[6, 32] [1, 32] [1, 1] : tensor<8x64xf32> to tensor<1x32xf32>
    %y = tensor.insert_slice %q into %x[%r, 0] [1, 32] [1, 1] : tensor<1x32xf32> into tensor<8x64xf32>
    pto.store %y, %o[%c0, %c0] : tensor<8x64xf32>, memref<8x64xf32>
    pto.store %s, %rows[%c0, %c0] : tensor<2x64xf32>, memref<2x64xf32>""",
    )
    a = normal((8, 64))
    prog = compile_text(text)
    res = prog.run({"a": a, "o": np.zeros_like(a), "rows": np.zeros((2, 64), np.float32),
                    "r": np.array(3)})
    np.testing.assert_array_equal(res.outputs["rows"], a[3:5])
    want = a.copy()
    want[3, 0:32] = a[6, 32:64]
    np.testing.assert_array_equal(res.outputs["o"], want)
    from ptoc.backend.interpreter import InterpreterError

    with pytest.raises(InterpreterError, match=r"test.mlir:6:5: .*slice of \[2, 64\] at offsets \[7, 0\]"):
        prog.run({"a": a, "o": np.zeros_like(a), "rows": np.zeros((2, 64), np.float32),
                  "r": np.array(7)})


# --------------------------------------------------------------------------- GM scratch and views


VIEWS = """
func.func @k(%x: memref<?x4x64xbf16>, %o: memref<?x64xbf16>, %b: index) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %flat = memref.collapse_shape %x [[0, 1], [2]] : memref<?x4x64xbf16> into memref<?x64xbf16>
  %rows = arith.muli %b, %c4 : index
  %scr = memref.alloc(%rows) : memref<?x64xbf16>
  pto.spmd %t = 0 to %rows name "copy" {
    %v = pto.load %flat[%t, %c0] : memref<?x64xbf16> -> tensor<1x64xbf16>
    %d = arith.addf %v, %v : tensor<1x64xbf16>
    pto.store %d, %scr[%t, %c0] : tensor<1x64xbf16>, memref<?x64xbf16>
  }
  %s3 = memref.expand_shape %scr [[0, 1], [2]] output_shape [%b, 4, 64] : memref<?x64xbf16> into memref<?x4x64xbf16>
  %o3 = memref.expand_shape %o [[0, 1], [2]] output_shape [%b, 4, 64] : memref<?x64xbf16> into memref<?x4x64xbf16>
  pto.spmd %t = 0 to %b name "back" {
    %w = pto.load %s3[%t, %c0, %c0] : memref<?x4x64xbf16> -> tensor<1x4x64xbf16>
    pto.store %w, %o3[%t, %c0, %c0] : tensor<1x4x64xbf16>, memref<?x4x64xbf16>
  }
  func.return
}
"""


def test_scratch_tensor_and_views() -> None:
    b = 3
    x = normal((b, 4, 64), BF16)
    res = run(VIEWS, {"x": x, "o": np.zeros((b * 4, 64), BF16), "b": np.array(b)})
    doubled = np.array([[float(v) * 2 for v in row] for row in x.reshape(b * 4, 64).tolist()])
    np.testing.assert_array_equal(res.outputs["o"], doubled.astype(BF16))
    assert set(res.outputs) == {"x", "o"}  # the scratch tensor is no output
    copy, back = res.record.scopes
    ld = next(e for e in copy.tasks[5].events if e.kind == "load")
    stv = next(e for e in copy.tasks[5].events if e.kind == "store")
    assert (ld.tensor, ld.rows, ld.row_bytes) == (0, 1, 128)  # the view's base: argument 0
    assert stv.tensor == 3  # the scratch tensor: 3 arguments, then allocation 0
    ld3, st3 = [e for e in back.tasks[1].events if e.kind in ("load", "store")]
    assert (ld3.tensor, ld3.rows, ld3.row_bytes, ld3.shape) == (3, 1, 512, (1, 4, 64))
    assert (st3.tensor, st3.rows, st3.row_bytes) == (1, 1, 512)  # a view of argument 1


def test_view_size_mismatch_at_run_time_is_located() -> None:
    from ptoc.backend.interpreter import InterpreterError

    prog = compile_text(VIEWS)
    with pytest.raises(InterpreterError, match=r"test.mlir:14:3: .*expand_shape of a \[5, 64\] memref"):
        prog.run({"x": normal((3, 4, 64), BF16), "o": np.zeros((5, 64), BF16), "b": np.array(3)})


# --------------------------------------------------------------------------- mixed tasks


MIXED = """
func.func @k(%a: memref<32x64xbf16>, %b: memref<64x32xbf16>, %o: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  pto.spmd %t = 0 to 2 name "mm_exp" core mix {
    %row = arith.muli %t, %c16 : index
    %mm = pto.section cube -> (tensor<16x32xf32>) {
      %x = pto.load %a[%row, %c0] : memref<32x64xbf16> -> tensor<16x64xbf16>
      %y = pto.load %b[%c0, %c0] : memref<64x32xbf16> -> tensor<64x32xbf16>
      %p = pto.matmul %x, %y : tensor<16x64xbf16>, tensor<64x32xbf16> -> tensor<16x32xf32>
      pto.yield %p : tensor<16x32xf32>
    }
    %v = pto.handoff %mm from cube to vector : tensor<16x32xf32>
    pto.section vector {
      %e = pto.muls %v, %two : tensor<16x32xf32>, f32
      pto.store %e, %o[%row, %c0] : tensor<16x32xf32>, memref<64x32xf32>
    }
  }
  func.return
}
""".replace("%c16 = arith.constant 16 : index", "%c16 = arith.constant 16 : index\n  %two = arith.constant 2.0 : f32")


def test_mixed_task_sections_and_handoff() -> None:
    a, b = grid((32, 64), 16, BF16), grid((64, 32), 16, BF16)
    res = run(MIXED, {"a": a, "b": b, "o": np.zeros((64, 32), np.float32)})
    ref = (a.astype(np.float64) @ b.astype(np.float64)) * 2
    np.testing.assert_array_equal(res.outputs["o"][:32], ref.astype(np.float32))
    scope = res.record.scopes[0]
    assert scope.core == "mix" and len(scope.tasks) == 2
    evs = scope.tasks[1].events
    assert [(e.kind, e.op, e.side) for e in evs] == [
        ("scalar", "arith.muli", ""),
        ("load", "pto.load", "cube"),
        ("load", "pto.load", "cube"),
        ("matmul", "pto.matmul", "cube"),
        ("handoff", "pto.handoff", "cube"),
        ("vector", "pto.muls", "vector"),
        ("store", "pto.store", "vector"),
    ]
    mm, ho, mu = evs[3], evs[4], evs[5]
    assert ho.reads == (mm.writes,) and mu.reads == (ho.writes,) and ho.writes != mm.writes
    assert (ho.shape, ho.nbytes, ho.dtype) == ((16, 32), 16 * 32 * 4, "float32")


# --------------------------------------------------------------------------- analyses


def test_checks_do_not_crash_on_the_new_ops() -> None:
    """pto-check-races and pto-check-carried run (and decide) on kernels with every op."""
    from ptoc.api import run_pipeline

    from pathlib import Path

    every = (Path(__file__).parents[1] / "lit" / "dialect" / "run" / "issue8-ops.mlir").read_text()
    for text in (MIXED, SORT_KERNEL, LOAD_STORE, VIEWS, every):
        for p in ("pto-check-races", "pto-check-carried"):
            module = ptoc.parse(text, "test.mlir")
            run_pipeline(module, p)


# --------------------------------------------------------------------------- UB limit


def test_ub_limit_comes_from_the_target_machine_file(tmp_path: Any, monkeypatch: Any) -> None:
    from ptoc.diagnostics import PtoDiagnostic
    from ptoc.dialects import target

    (tmp_path / "tiny.toml").write_text('name = "tiny"\n[memory]\nub_bytes = 4096\n')
    (tmp_path / "tiny_child.toml").write_text('extends = "tiny"\nname = "tiny_child"\n')
    monkeypatch.setattr(target, "MACHINE_DIRS", [tmp_path, *target.MACHINE_DIRS])
    target.ub_bytes.cache_clear()
    try:
        kernel = """
module ATTRS {
  func.func @k(%a: memref<64x64xf32>) {
    %c0 = arith.constant 0 : index
    pto.spmd %t = 0 to 1 {
      %x = pto.load %a[%c0, %c0] : memref<64x64xf32> -> tensor<32x64xf32>
    }
    func.return
  }
}
"""
        ptoc.parse(kernel.replace(" ATTRS", ""), "k.mlir")  # a2a3: 8 KiB fits 192 KiB
        ptoc.parse(kernel.replace("ATTRS", 'attributes {pto.target = "a2a3"}'), "k.mlir")
        assert target.ub_bytes("a2a3") == 196608
        for name in ("tiny", "tiny_child"):
            with pytest.raises(PtoDiagnostic, match=r"8192 bytes and does not fit the 4096-byte "
                               f"unified buffer of one vector core of {name}"):
                ptoc.parse(kernel.replace("ATTRS", f'attributes {{pto.target = "{name}"}}'), "k.mlir")
        with pytest.raises(PtoDiagnostic, match="unknown target 'nowhere'"):
            ptoc.parse(kernel.replace("ATTRS", 'attributes {pto.target = "nowhere"}'), "k.mlir")
        (tmp_path / "nokey.toml").write_text('name = "nokey"\n')
        with pytest.raises(PtoDiagnostic, match=r"nokey\.toml has no memory\.ub_bytes"):
            ptoc.parse(kernel.replace("ATTRS", 'attributes {pto.target = "nokey"}'), "k.mlir")
    finally:
        target.ub_bytes.cache_clear()


def test_enum_properties_keep_the_custom_syntax_and_are_typed() -> None:
    from ptoc.dialects import pto

    text = """
func.func @k(%x: tensor<1x64xf32>) {
  pto.spmd %t = 0 to 2 name "s" core cube {
    %h = pto.cast %x round "rint" : tensor<1x64xf32> -> tensor<1x64xbf16>
  }
  func.return
}
"""
    module = ptoc.parse(text, "k.mlir")
    spmd = next(op for op in module.walk() if isinstance(op, pto.SpmdOp))
    cast_op = next(op for op in module.walk() if isinstance(op, pto.CastOp))
    assert isinstance(spmd.core, pto.CoreKindAttr) and spmd.core.data is pto.CoreKind.CUBE
    assert isinstance(cast_op.round, pto.RoundingModeAttr) and cast_op.mode == "rint"
    assert spmd.count is not None and str(spmd.count.type) == "index"
    from io import StringIO

    from xdsl.printer import Printer

    out = StringIO()
    Printer(stream=out).print_op(module)
    assert 'core cube {' in out.getvalue() and 'round "rint"' in out.getvalue()
    gen = StringIO()
    Printer(stream=gen, print_generic_format=True).print_op(module)
    assert "core = #pto<core cube>" in gen.getvalue()
    assert "round = #pto<round rint>" in gen.getvalue()


def test_a_cube_tile_fits_the_l1_not_the_ub() -> None:
    """A [128, 512] f32 tile (256 KiB) is too big for a vector core's 192 KiB UB but fits
    a cube core's 512 KiB L1: it loads in a cube task and in the cube section of a mixed
    one, not in a vector task or a vector section. The verifier's memo of loads keeps the
    two apart (the same load verified in a cube task first)."""
    from ptoc.diagnostics import PtoDiagnostic

    def kernel(core: str, side: str | None) -> str:
        load = "%x = pto.load %a[%c0, %c0] : memref<256x512xf32> -> tensor<128x512xf32>"
        body = f"pto.section {side} {{\n      {load}\n    }}" if side else load
        return f"""
func.func @k(%a: memref<256x512xf32>) {{
  %c0 = arith.constant 0 : index
  pto.spmd %t = 0 to 1 core {core} {{
    {body}
  }}
  func.return
}}
"""

    ptoc.parse(kernel("cube", None), "cube.mlir")
    ptoc.parse(kernel("mix", "cube"), "mix.mlir")
    for core, side, buffer in (("vector", None, "unified buffer of one vector core"),
                               ("mix", "vector", "unified buffer of one vector core")):
        with pytest.raises(PtoDiagnostic, match=f"262144 bytes and does not fit the 196608-byte {buffer}"):
            ptoc.parse(kernel(core, side), f"{core}.mlir")
    big = kernel("cube", None).replace("256x512", "512x512").replace("128x512", "512x512")
    with pytest.raises(PtoDiagnostic, match="1048576 bytes and does not fit the 524288-byte "
                       "L1 buffer of one cube core of a2a3"):
        ptoc.parse(big, "big.mlir")
