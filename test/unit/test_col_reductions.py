"""`pto.col_sum` (sequential and `binary`), `pto.row_min` and `pto.col_min`: the
interpreter, per task and batched, against references written here element by element;
the MLIR engine against the interpreter when upstream MLIR is installed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend import mlir_engine as me
from ptoc.backend.batched import per_task_only
from ptoc.backend.interpreter import compile_module

DTYPES = {"f32": np.float32, "f16": np.float16, "i32": np.int32, "i16": np.int16}


def ref_col_sum(m: np.ndarray, binary: bool) -> np.ndarray:
    """Column by column, one scalar add at a time in the tile's type (TCOLSUM's orders:
    rows in order, or pairwise with the odd one out added to the first sum)."""
    rows, cols = m.shape
    out = np.empty((1, cols), m.dtype)
    with np.errstate(over="ignore"):
        for c in range(cols):
            col = [m.dtype.type(v) for v in m[:, c]]
            if not binary or rows == 1:
                s = col[0]
                for v in col[1:]:
                    s = m.dtype.type(s + v)
            else:
                level = [m.dtype.type(col[2 * i] + col[2 * i + 1]) for i in range(rows // 2)]
                if rows % 2:
                    level[0] = m.dtype.type(level[0] + col[-1])
                while len(level) > 1:
                    n = len(level)
                    nxt = [m.dtype.type(level[2 * i] + level[2 * i + 1]) for i in range(n // 2)]
                    if n % 2:
                        nxt[0] = m.dtype.type(nxt[0] + level[-1])
                    level = nxt
                s = level[0]
            out[0, c] = s
    return out


def kernel(tasks: int, rows: int, cols: int, dt: str, binary: bool) -> str:
    b = " binary" if binary else ""
    t = f"tensor<{rows}x{cols}x{dt}>"
    return f"""
func.func @k(%x: memref<{tasks * rows}x{cols}x{dt}>, %s: memref<{tasks}x{cols}x{dt}>,
             %lo: memref<{tasks * rows}x1x{dt}>, %clo: memref<{tasks}x{cols}x{dt}>) {{
  pto.spmd %t = 0 to {tasks} name "r" core vector {{
    %c0 = arith.constant 0 : index
    %cr = arith.constant {rows} : index
    %r0 = arith.muli %t, %cr : index
    %v = pto.load %x[%r0, %c0] : memref<{tasks * rows}x{cols}x{dt}> -> {t}
    %cs = pto.col_sum %v{b} : {t} -> tensor<1x{cols}x{dt}>
    %rm = pto.row_min %v : {t} -> tensor<{rows}x1x{dt}>
    %cm = pto.col_min %v : {t} -> tensor<1x{cols}x{dt}>
    pto.store %cs, %s[%t, %c0] : tensor<1x{cols}x{dt}>, memref<{tasks}x{cols}x{dt}>
    pto.store %rm, %lo[%r0, %c0] : tensor<{rows}x1x{dt}>, memref<{tasks * rows}x1x{dt}>
    pto.store %cm, %clo[%t, %c0] : tensor<1x{cols}x{dt}>, memref<{tasks}x{cols}x{dt}>
  }}
  func.return
}}
"""


def inputs(tasks: int, rows: int, cols: int, dt: str, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    np_dt = np.dtype(DTYPES[dt])
    shape = (tasks * rows, cols)
    if np_dt.kind == "f":
        # values across binades, so that the two orders round differently
        x = rng.standard_normal(shape) * np.exp2(rng.integers(-8, 9, shape))
    else:
        info = np.iinfo(np_dt)
        x = rng.integers(info.min, info.max, shape, endpoint=True)  # sums wrap
    return {
        "x": x.astype(np_dt),
        "s": np.zeros((tasks, cols), np_dt),
        "lo": np.zeros((tasks * rows, 1), np_dt),
        "clo": np.zeros((tasks, cols), np_dt),
    }


def expected(inp: dict[str, np.ndarray], tasks: int, rows: int, binary: bool) -> dict[str, Any]:
    x = inp["x"]
    blocks = [x[t * rows:(t + 1) * rows] for t in range(tasks)]
    return {
        "s": np.concatenate([ref_col_sum(b, binary) for b in blocks]),
        "lo": np.concatenate([b.min(axis=1, keepdims=True) for b in blocks]),
        "clo": np.concatenate([b.min(axis=0, keepdims=True) for b in blocks]),
    }


@given(
    rows=st.integers(1, 13), cols=st.integers(1, 40), dt=st.sampled_from(sorted(DTYPES)),
    binary=st.booleans(), tasks=st.sampled_from([1, 16]), seed=st.integers(0, 2**16),
)
@settings(max_examples=60, deadline=None)
def test_interpreter_matches_reference(
    rows: int, cols: int, dt: str, binary: bool, tasks: int, seed: int
) -> None:
    prog = compile_module(ptoc.parse(kernel(tasks, rows, cols, dt, binary), "k.mlir"))
    inp = inputs(tasks, rows, cols, dt, seed)
    want = expected(inp, tasks, rows, binary)
    res = prog.run(inp)  # 16 tasks of small tiles run batched
    with per_task_only():
        res_pt = prog.run(inp)
    assert res.record == res_pt.record
    for name, w in want.items():
        assert res.outputs[name].tobytes() == w.tobytes(), name
        assert res_pt.outputs[name].tobytes() == w.tobytes(), name


def test_the_two_orders_differ() -> None:
    """The reference is not vacuous: on spread-out f32 values the orders round apart."""
    x = inputs(1, 7, 64, "f32", 0)["x"]
    assert ref_col_sum(x, False).tobytes() != ref_col_sum(x, True).tobytes()


def test_col_sum_events_are_vector_ops() -> None:
    prog = compile_module(ptoc.parse(kernel(1, 4, 8, "f32", True), "k.mlir"))
    rec = prog.run(inputs(1, 4, 8, "f32", 0)).record
    ops = [(e.kind, e.op) for e in rec.scopes[0].tasks[0].events]
    assert ("vector", "pto.col_sum") in ops and ("vector", "pto.col_min") in ops


TOOLS, WHY = me.tools_status()


@pytest.mark.skipif(TOOLS is None, reason=WHY)
@pytest.mark.parametrize("dt,binary", [("f32", False), ("f32", True), ("f16", True), ("i32", False)])
def test_mlir_engine_matches(dt: str, binary: bool) -> None:
    m = ptoc.parse(kernel(2, 7, 24, dt, binary), "k.mlir")
    inp = inputs(2, 7, 24, dt, 1)
    ref = compile_module(m).run(inp, record=False).outputs
    got = me.compile_kernel(m).run(inp)
    bad = [d for d in me.compare_outputs(ref, got, contract="exact") if not d.identical]
    assert not bad, bad
