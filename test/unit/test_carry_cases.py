"""Carry cases with known answers (issue 12, finding 2), the findings as data, and
pto-tune's verdict on a task whose loop runs over its own rows.

Each case is a small kernel labelled *leak* (one batch can observe another's state:
in values or in memory) or *legal*. The check must reject every leak (recall) and
pass every legal kernel (precision); the old structural check scored 0.90 / 0.78 on
the issue's 42 cases and fails several of these.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc import tuning
from ptoc.diagnostics import PtoDiagnostic
from ptoc.passes.carried_analysis import (
    BATCH_MEMORY,
    BATCH_VALUE,
    LEAK_SHAPE,
    CarryFinding,
    analyze_loop,
    memory_carries,
)
from ptoc.passes.check_carried import render

HEAD = """
func.func @k(%x: memref<8x4xf32>, %flags: memref<8xi32>, %table: memref<4x2xi32>,
             %scratch: memref<1x4xf32>, %y: memref<8x4xf32>) {
  pto.spmd %g = 0 to 4 {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %base = arith.muli %g, %c2 : index
"""
TAIL = """
  }
  func.return
}
"""

GATED = """
      %f = pto.read %flags[%b] : memref<8xi32> -> i32
      %on = arith.cmpi ne, %f, %c0_i32 : i32
      %next = scf.if %on -> (tensor<1x4xf32>) {
        %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        scf.yield %v : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
"""
SUM = """
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %next = arith.addf %m, %v : tensor<1x4xf32>
      pto.store %next, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
"""
OWN = """
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %e = math.exp %v : tensor<1x4xf32>
      pto.store %e, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
"""
IDX = "      %b = arith.addi %base, %j : index\n"
READ_IDX = (
    "      %bi = pto.read %table[%g, %j] : memref<4x2xi32> -> i32\n"
    "      %b = arith.index_cast %bi : i32 to index\n"
)


def range_loop(body: str, attrs: str = " {pto.batch}", idx: str = IDX, carry: bool = True) -> str:
    if carry:
        return (
            "    %r = pto.range %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {\n"
            + idx + body + "      pto.yield %next : tensor<1x4xf32>\n    }" + attrs
        )
    return "    pto.range %j = %c0 to %c2 step %c1 {\n" + idx + body + "    }" + attrs


def for_loop(body: str, attrs: str = " {pto.batch}") -> str:
    return (
        "    %r = scf.for %j = %c0 to %c2 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {\n"
        + IDX + body + "      scf.yield %next : tensor<1x4xf32>\n    }" + attrs
    )


def nested(inner: str) -> str:
    return "    pto.range %once = %c0 to %c1 step %c1 {\n" + inner + "\n    }"


MEM_PREV = """
      %prev = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %s = arith.addf %prev, %v : tensor<1x4xf32>
      pto.store %s, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.store %v, %scratch[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
"""
MEM_OWN = """
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %scratch[%c0, %c0] : tensor<1x4xf32>, memref<1x4xf32>
      %t = pto.load %scratch[%c0, %c0] : memref<1x4xf32> -> tensor<1x4xf32>
      pto.store %t, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
"""
MEM_ROW = """
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %v, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      %w = pto.load %y[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %e = math.exp %w : tensor<1x4xf32>
      pto.store %e, %y[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
"""
MEM_NEXT_ROW = """
      %v = pto.load %x[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      %b1 = arith.addi %b, %c1 : index
      pto.store %v, %y[%b1, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      %w = pto.load %y[%b, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
      pto.store %w, %x[%b, %c0] : tensor<1x4xf32>, memref<8x4xf32>
"""
# the task's own rows, uncoarsened: %b = 2g + j is the task's row j
OWN_SUM = range_loop(SUM, attrs="")
OWN_RUNNING_MAX = range_loop(SUM.replace("arith.addf", "arith.maximumf"), attrs="")

CASES: dict[str, tuple[str, bool]] = {
    # name: (loop text, is a leak)
    "range gated leak": (range_loop(GATED), True),
    "range reduction across batches": (range_loop(SUM), True),
    "scf.for reduction across batches": (for_loop(SUM), True),
    "scf.for gated leak": (for_loop(GATED), True),
    "read batch index": (range_loop(SUM, idx=READ_IDX), True),
    "nested in a one-trip range": (nested(range_loop(SUM)), True),
    "memory: scratch of the previous batch": (range_loop(MEM_PREV, carry=False), True),
    "memory: the next batch's row": (range_loop(MEM_NEXT_ROW, carry=False), True),
    "intended reduction": (range_loop(SUM, attrs=" {pto.batch, pto.intended_carry = [0]}"), False),
    "batch loop, own rows only": (range_loop(OWN, carry=False), False),
    "memory: scratch overwritten first": (range_loop(MEM_OWN, carry=False), False),
    "memory: own row read back": (range_loop(MEM_ROW, carry=False), False),
    "plain reduction over own rows": (OWN_SUM, False),
    "running max stored each step": (OWN_RUNNING_MAX, False),
    "unmarked gated carry (a warning)": (range_loop(GATED, attrs=""), False),
}


def _errors(loop_text: str) -> bool:
    m = ptoc.parse(HEAD + loop_text + TAIL)
    try:
        ptoc.run_pipeline(m, "pto-check-carried")
    except PtoDiagnostic:
        return True
    return False


@pytest.mark.parametrize("name", sorted(CASES))
def test_carry_case(name: str) -> None:
    text, leak = CASES[name]
    assert _errors(text) == leak


def test_precision_and_recall_are_one() -> None:
    got = {name: _errors(text) for name, (text, _) in CASES.items()}
    tp = sum(1 for n, (_, leak) in CASES.items() if leak and got[n])
    fp = sum(1 for n, (_, leak) in CASES.items() if not leak and got[n])
    fn = sum(1 for n, (_, leak) in CASES.items() if leak and not got[n])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    assert (precision, recall) == (1.0, 1.0), got


def _loop(text: str):  # type: ignore[no-untyped-def]
    m = ptoc.parse(HEAD + text + TAIL)
    return next(o for o in m.walk() if o.name in ("pto.range", "scf.for") and o.regions[0].block.args[0].name_hint == "j")


def test_findings_are_data() -> None:
    loop = _loop(range_loop(GATED))
    [f] = analyze_loop(loop)
    assert isinstance(f, CarryFinding)
    assert (f.kind, f.severity, f.value.name_hint) == (BATCH_VALUE, "error", "m")
    assert f.loop is loop and f.gate is not None and f.gate.name == "scf.if"
    assert f.paths == ("when %on is false", "when true")
    assert f.carry is not None and f.carry.passed_unchanged
    unmarked = _loop(range_loop(GATED, attrs=""))
    [w] = analyze_loop(unmarked)
    assert (w.kind, w.severity) == (LEAK_SHAPE, "warning")
    msg = render(w)
    for part in ("%m", "the scf.if at", "on %on", "when %on is false", "when true", "{pto.batch}"):
        assert part in msg


def test_memory_carry_witness() -> None:
    loop = _loop(range_loop(MEM_PREV, carry=False))
    [mc] = memory_carries(loop)
    assert mc.certain and mc.memref.name_hint == "scratch"
    assert mc.store.name == "pto.store" and mc.read.name == "pto.load"
    assert mc.verdict.witness is not None and mc.verdict.witness.tasks == (0, 1)
    [f] = analyze_loop(loop)
    assert f.kind == BATCH_MEMORY and f.memory == mc
    assert "batch 0 stores %scratch[0, 0:4]" in render(f)


OWN_ROWS_KERNEL = """
func.func @k(%x: memref<16x4xf32>, %runmax: memref<16x4xf32>) {
  pto.spmd %t = 0 to 4 name "rows" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %lowest = arith.constant dense<-1.000000e+30> : tensor<1x4xf32>
    %base = arith.muli %t, %c4 : index
    %m = pto.range %r = %c0 to %c4 step %c1 iter_args(%mx = %lowest) -> (tensor<1x4xf32>) {
      %row = arith.addi %base, %r : index
      %v = pto.load %x[%row, %c0] : memref<16x4xf32> -> tensor<1x4xf32>
      %n = arith.maximumf %mx, %v : tensor<1x4xf32>
      pto.store %n, %runmax[%row, %c0] : tensor<1x4xf32>, memref<16x4xf32>
      pto.yield %n : tensor<1x4xf32>
    }
  }
  func.return
}
"""


def test_tune_calls_factor_1_legal_for_a_loop_over_own_rows() -> None:
    """The old structural check called factor 1 illegal (and factor 2 legal)."""
    m = ptoc.parse(OWN_ROWS_KERNEL)
    rng = np.random.default_rng(0)
    inputs = {
        "x": rng.standard_normal((16, 4), dtype=np.float32),
        "runmax": np.zeros((16, 4), np.float32),
    }
    pts = tuning.sweep(m, "rows", [1, 2], inputs=inputs, machine="a2a3", inner="range")
    assert [p.legal for p in pts] == [True, True], [p.reasons for p in pts]


# --------------------------------------------------------------------------- memory vs brute force

MEM_KERNEL = """
func.func @k(%buf: memref<64x4xf32>, %x: memref<64x4xf32>) {{
  pto.spmd %g = 0 to 2 {{
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %trip = arith.constant {trip} : index
    %ca = arith.constant {a} : index
    %cb = arith.constant {b} : index
    %cc = arith.constant {c} : index
    %cd = arith.constant {d} : index
    %cm = arith.constant {m} : index
    pto.range %j = %c0 to %trip step %c1 {{
      %hj = arith.muli %j, %cc : index
      %hs = arith.addi %hj, %cd : index
      %h = arith.remui %hs, %cm : index
      %v = pto.load %buf[%h, %c0] : memref<64x4xf32> -> tensor<1x4xf32>
      pto.store %v, %x[%g, %c0] : tensor<1x4xf32>, memref<64x4xf32>
      %fj = arith.muli %j, %ca : index
      %fs = arith.addi %fj, %cb : index
      %f = arith.remui %fs, %cm : index
      %w = math.exp %v : tensor<1x4xf32>
      pto.store %w, %buf[%f, %c0] : tensor<1x4xf32>, memref<64x4xf32>
    }} {{pto.batch}}
  }}
  func.return
}}
"""


@settings(max_examples=150, deadline=None)
@given(
    trip=st.integers(1, 12),
    a=st.integers(0, 9),
    b=st.integers(0, 20),
    c=st.integers(0, 9),
    d=st.integers(0, 20),
    m=st.integers(1, 64),
)
def test_memory_carries_agree_with_brute_force(
    trip: int, a: int, b: int, c: int, d: int, m: int
) -> None:
    """Batch j reads buf[(c j + d) mod m] and then stores buf[(a j + b) mod m]: a carry
    exactly when some batch j1 stores a row that a later batch j2 > j1 reads."""
    loop = _loop_in(MEM_KERNEL.format(trip=trip, a=a, b=b, c=c, d=d, m=m))
    found = memory_carries(loop)
    truth = any(
        (a * j1 + b) % m == (c * j2 + d) % m for j1 in range(trip) for j2 in range(j1 + 1, trip)
    )
    if not found:
        assert not truth, "no carry reported, but a later batch reads an earlier store"
    for mc in found:
        if mc.certain:
            assert truth
            assert mc.verdict.witness is not None
            k1, k2 = mc.verdict.witness.tasks
            assert k1 < k2 and (a * k1 + b) % m == (c * k2 + d) % m
    if truth:
        assert found


def _loop_in(text: str):  # type: ignore[no-untyped-def]
    m = ptoc.parse(text)
    return next(o for o in m.walk() if o.name == "pto.range")
