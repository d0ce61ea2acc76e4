"""`pto.gather_row`: a window of GM written into a tile (PyPTO's `pl.gather_row`). The
interpreter against numpy on random windows, its load event, its run-time bounds checks,
the race check's view of it as a read, and the MLIR engine against the interpreter."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend import mlir_engine as me
from ptoc.backend.interpreter import compile_module
from ptoc.diagnostics import PtoDiagnostic

KERNEL = """
func.func @k(%m: memref<{rows}x{cols}xf32>, %o: memref<{tr}x{tc}xf32>, %p: memref<6xi32>) {{
  pto.spmd %t = 0 to 1 name "g" core cube {{
    %c0 = arith.constant 0 : index
    %a = arith.constant dense<-1.0> : tensor<{tr}x{tc}xf32>
    %v = [pto.read %p[%i] for %i in 0..5]
    %r = pto.gather_row %a, %m[%v0, %v1] at [%v2, %v3] valid [%v4, %v5] : tensor<{tr}x{tc}xf32>, memref<{rows}x{cols}xf32> -> tensor<{tr}x{tc}xf32>
    pto.store %r, %o[%c0, %c0] : tensor<{tr}x{tc}xf32>, memref<{tr}x{tc}xf32>
  }}
  func.return
}}
"""


def kernel(rows: int, cols: int, tr: int, tc: int) -> str:
    reads = "\n".join(
        f"    %c{i}_i = arith.constant {i} : index\n"
        f"    %w{i} = pto.read %p[%c{i}_i] : memref<6xi32> -> i32\n"
        f"    %v{i} = arith.index_cast %w{i} : i32 to index"
        for i in range(6)
    )
    text = KERNEL.format(rows=rows, cols=cols, tr=tr, tc=tc)
    return text.replace("    %v = [pto.read %p[%i] for %i in 0..5]", reads)


def run(rows: int, cols: int, tr: int, tc: int, params: list[int], seed: int = 0) -> Any:
    prog = compile_module(ptoc.parse(kernel(rows, cols, tr, tc), "g.mlir"))
    m = np.random.default_rng(seed).standard_normal((rows, cols)).astype(np.float32)
    inputs = {"m": m, "o": np.zeros((tr, tc), np.float32), "p": np.array(params, np.int32)}
    return m, prog.run(inputs)


@given(st.data())
@settings(max_examples=80, deadline=None)
def test_matches_numpy(data: Any) -> None:
    rows, cols = data.draw(st.integers(1, 12)), data.draw(st.integers(1, 12))
    tr, tc = data.draw(st.integers(1, 8)), data.draw(st.integers(1, 8))
    vr = data.draw(st.integers(0, min(rows, tr)))
    vc = data.draw(st.integers(0, min(cols, tc)))
    i, j = data.draw(st.integers(0, rows - vr)), data.draw(st.integers(0, cols - vc))
    di, dj = data.draw(st.integers(0, tr - vr)), data.draw(st.integers(0, tc - vc))
    m, res = run(rows, cols, tr, tc, [i, j, di, dj, vr, vc])
    want = np.full((tr, tc), -1.0, np.float32)
    want[di:di + vr, dj:dj + vc] = m[i:i + vr, j:j + vc]
    assert res.outputs["o"].tobytes() == want.tobytes()
    (ev,) = [e for e in res.record.scopes[0].tasks[0].events if e.op == "pto.gather_row"]
    assert ev.kind == "load" and ev.nbytes == 4 * vr * vc  # only the valid window moves
    assert len(ev.reads) == 1  # it waits for the tile it writes into


@pytest.mark.parametrize("params,what", [
    ([5, 0, 0, 0, 4, 4], "out-of-bounds load"),  # rows 5..8 of an 8-row memref
    ([0, 0, 3, 0, 2, 4], "outside the [4, 4] tile"),  # rows 3..4 of a 4-row tile
    ([0, 0, 0, 0, 5, 1], "valid extent 5 of dimension 0 is outside [0, 4]"),
    ([0, 0, 0, 0, -1, 1], "valid extent -1"),
])
def test_bounds_are_checked(params: list[int], what: str) -> None:
    with pytest.raises(PtoDiagnostic, match=what.replace("[", r"\[").replace("]", r"\]")):
        run(8, 4, 4, 4, params)


def test_race_check_sees_a_read() -> None:
    """Task t gathers rows [2t+2, 2t+4) and stores rows [2t, 2t+2) of the same memref:
    task t+1 writes what task t reads, an order-dependent result."""
    text = """
func.func @k(%m: memref<32x16xf32>) {
  pto.spmd %t = 0 to 4 name "g" core vector {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c16 = arith.constant 16 : index
    %z = arith.constant dense<0.0> : tensor<2x16xf32>
    %r0 = arith.muli %t, %c2 : index
    %r1 = arith.addi %r0, %c2 : index
    %q = pto.gather_row %z, %m[%r1, %c0] at [%c0, %c0] valid [%c2, %c16] : tensor<2x16xf32>, memref<32x16xf32> -> tensor<2x16xf32>
    pto.store %q, %m[%r0, %c0] : tensor<2x16xf32>, memref<32x16xf32>
  }
  func.return
}
"""
    from ptoc.passes.check_races import check_scope
    from ptoc.dialects.pto import SpmdOp

    module = ptoc.parse(text, "race.mlir")
    (spmd,) = [o for o in module.walk() if isinstance(o, SpmdOp)]
    findings = check_scope(spmd)
    assert any(f.severity == "error" and "gather_row" in f.message for f in findings), findings


TOOLS, WHY = me.tools_status()


@pytest.mark.skipif(TOOLS is None, reason=WHY)
def test_mlir_engine_matches() -> None:
    m = ptoc.parse(kernel(9, 7, 5, 6), "g.mlir")
    data = np.random.default_rng(1).standard_normal((9, 7)).astype(np.float32)
    inputs = {"m": data, "o": np.zeros((5, 6), np.float32),
              "p": np.array([4, 2, 1, 3, 3, 3], np.int32)}
    ref = compile_module(m).run(inputs, record=False).outputs
    got = me.compile_kernel(m).run(inputs)
    bad = [d for d in me.compare_outputs(ref, got, contract="exact") if not d.identical]
    assert not bad, bad
