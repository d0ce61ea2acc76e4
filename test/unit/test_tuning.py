"""ptoc.tuning: the in-process factor sweep behind pto-tune and pto-auto-coarsen."""

from __future__ import annotations

import dataclasses
import gc
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

import ptoc
from ptoc import tuning
from ptoc.tuning import factor_sweep
from ptoc.diagnostics import op_error
from ptoc.dialects.pto import SpmdOp
from ptoc.tuning import TuneError, TunePoint

# 8 independent row tasks: y[t] = exp(x[t]) + x[t]
ROWS = """
func.func @rows(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 name "rows" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %e = math.exp %a : tensor<1x64xf32>
    %s = arith.addf %e, %a : tensor<1x64xf32>
    pto.store %s, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
"""

# two scopes; the second one races: every task writes y[0]
TWO = """
func.func @two(%x: memref<8x64xf32>, %y: memref<8x64xf32>, %z: memref<1x64xf32>) {
  pto.spmd %t = 0 to 8 name "rows" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %e = math.exp %a : tensor<1x64xf32>
    pto.store %e, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  pto.spmd %t = 0 to 4 name "racy" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %a, %z[%c0, %c0] : tensor<1x64xf32>, memref<1x64xf32>
  }
  func.return
}
"""


def _inputs(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((8, 64)).astype(np.float32),
        "y": np.zeros((8, 64), np.float32),
    }


# --------------------------------------------------------------------------- pure helpers


def test_divisors() -> None:
    assert tuning.divisors(64) == [1, 2, 4, 8, 16, 32, 64]
    assert tuning.divisors(12) == [1, 2, 3, 4, 6, 12]
    assert tuning.divisors(1) == [1]
    assert tuning.divisors(64, limit=16) == [1, 2, 4, 8, 16]
    with pytest.raises(TuneError):
        tuning.divisors(0)


def test_check_factors() -> None:
    assert tuning.check_factors([1, 2, 2, 4]) == [1, 2, 4]
    for bad in ([], [0], [1, -2]):
        with pytest.raises(TuneError):
            tuning.check_factors(bad)


def test_scopes_and_find_scope() -> None:
    m = ptoc.parse(TWO)
    assert tuning.scope_names(m) == ["rows", "racy"]
    assert tuning.find_scope(m, "racy").static_count == 4
    with pytest.raises(TuneError, match=r"unknown scope 'nope' \(scopes: rows, racy\)"):
        tuning.find_scope(m, "nope")
    with pytest.raises(TuneError, match="no function 'g'"):
        tuning.find_scope(m, "rows", "g")


def _pt(factor: int, total: float | None, legal: bool = True, status: str = "ok") -> TunePoint:
    return TunePoint(
        factor,
        status,  # type: ignore[arg-type]
        legal,
        tasks=None if total is None else 64 // factor,
        waves=1,
        span_us=1.0,
        exec_pct=50.0,
        tail_oh_us=2.0,
        total_us=total,
        reasons=() if legal else ("why",),
    )


def test_best_is_fastest_legal() -> None:
    pts = [
        _pt(1, 300.0),
        _pt(2, 250.0),
        _pt(4, 100.0, legal=False, status="illegal"),
        _pt(8, None, legal=False, status="skipped"),
        _pt(16, 250.0),
    ]
    b = tuning.best(pts)
    assert b is not None and b.factor == 2  # tie with 16: the smaller factor wins
    assert b.total_us == min(p.total_us for p in pts if p.legal and p.total_us is not None)
    assert tuning.best([_pt(1, 1.0, legal=False, status="illegal")]) is None
    assert tuning.best([]) is None


def test_table_and_json_schema() -> None:
    pts = [_pt(1, 300.0), _pt(2, 250.0), _pt(4, 100.0, legal=False, status="illegal")]
    table = tuning.format_table(pts, title="t")
    lines = table.splitlines()
    assert lines[0] == "t"
    assert lines[1].split()[:2] == ["factor", "tasks"]
    best_lines = [ln for ln in lines if "<- best" in ln]
    assert len(best_lines) == 1 and best_lines[0].split()[0] == "2"
    assert "NO" in next(ln for ln in lines if ln.split() and ln.split()[0] == "4")
    assert "factor 4: why" in table

    doc = tuning.to_json(pts, scope="s", tasks=64, machine="a2a3")
    doc = json.loads(json.dumps(doc))
    assert doc["schema"] == tuning.JSON_SCHEMA_VERSION
    assert doc["best"] == 2 and doc["best_total_us"] == 250.0
    assert doc["factors"] == [1, 2, 4]
    keys = {
        "factor", "status", "legal", "tasks", "waves", "span_us", "exec_pct",
        "tail_oh_us", "total_us", "reasons", "checks", "warnings", "wall_s", "guarded",
    }
    for p in doc["points"]:
        assert set(p) == keys
    assert [p["legal"] for p in doc["points"]] == [True, True, False]


def test_inputs_script(tmp_path: Any) -> None:
    script = tmp_path / "inputs.py"
    script.write_text(
        "import numpy as np\n"
        "def make_inputs(seed):\n"
        "    return {'x': np.full((8, 64), seed, np.float32), 'y': np.zeros((8, 64), np.float32)}\n"
    )
    got = tuning.inputs_from_script(str(script), 3)
    assert float(got["x"][0, 0]) == 3.0
    assert tuning.load_inputs(str(script), 2)["x"][0, 0] == 2.0
    script.write_text("def make_inputs(seed):\n    raise RuntimeError('boom')\n")
    with pytest.raises(TuneError, match="boom"):
        tuning.inputs_from_script(str(script), 0)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("raise BaseException('odd')", "BaseException: odd"),
        ("import sys; sys.exit(3)", r"sys.exit\(3\)"),
        ("raise SystemExit", r"sys.exit\(None\)"),
        ("import sys; sys.stdout.close(); return {}", None),
    ],
)
def test_inputs_script_that_misbehaves_is_a_tune_error(tmp_path: Any, body: str, match: str | None) -> None:
    script = tmp_path / "bad_inputs.py"
    script.write_text(f"def make_inputs(seed):\n    {body}\n")
    if match is None:  # closing stdout must not close the tool's stdout
        assert tuning.inputs_from_script(str(script), 0) == {}
        print("stdout still open")
    else:
        with pytest.raises(TuneError, match=match):
            tuning.inputs_from_script(str(script), 0)


def test_no_inputs_script_is_run_implicitly(tmp_path: Any) -> None:
    """A pass never runs the inputs.py next to its kernel (issue 11, point 3)."""
    from ptoc.tuning.auto_coarsen import AutoCoarsenPass

    marker = tmp_path / "ran"
    (tmp_path / "inputs.py").write_text(
        f"open({str(marker)!r}, 'w').write('x')\n"
        "def make_inputs(seed):\n    raise RuntimeError('must not run')\n"
    )
    kernel = tmp_path / "kernel.mlir"
    kernel.write_text(ROWS)
    m = ptoc.parse(kernel.read_text(), str(kernel))
    AutoCoarsenPass(factors=(1, 2)).apply(ptoc.context(), m)
    assert not marker.exists()


def test_npz_inputs(tmp_path: Any) -> None:
    path = tmp_path / "in.npz"
    np.savez(path, **_inputs())
    got = tuning.load_npz_inputs(str(path))
    assert set(got) == {"x", "y"} and got["x"].dtype == np.float32
    with pytest.raises(TuneError):
        tuning.load_npz_inputs(str(tmp_path / "missing.npz"))


# --------------------------------------------------------------------------- sweeps


def test_sweep_structure_and_clone_leaves_module_unchanged() -> None:
    m = ptoc.parse(ROWS)
    before = str(m)
    pts = tuning.sweep(m, "rows", [1, 2, 3, 4, 8, 16], inputs=_inputs(), machine="a2a3")
    assert str(m) == before  # every variant was a clone
    assert [p.factor for p in pts] == [1, 2, 3, 4, 8, 16]
    by = {p.factor: p for p in pts}
    for g in (1, 2, 4, 8):
        p = by[g]
        assert p.status == "ok" and p.legal, p.reasons
        assert p.tasks == 8 // g
        assert p.waves is not None and p.waves >= 1
        assert p.total_us is not None and p.total_us > 0
        assert p.span_us is not None and 0 < p.span_us <= p.total_us
        assert p.exec_pct is not None and 0 < p.exec_pct <= 100
        assert p.tail_oh_us is not None and p.tail_oh_us >= 0
    assert by[3].status == "skipped" and "does not divide" in by[3].reasons[0]
    assert by[16].status == "skipped" and by[16].total_us is None
    b = tuning.best(pts)
    assert b is not None
    legal_totals = [p.total_us for p in pts if p.legal and p.total_us is not None]
    assert b.total_us == min(legal_totals)


def test_sweep_inputs_not_modified() -> None:
    m = ptoc.parse(ROWS)
    ins = _inputs()
    copy = {k: v.copy() for k, v in ins.items()}
    tuning.sweep(m, "rows", [1, 2], inputs=ins, machine="a2a3")
    for k in ins:
        assert np.array_equal(ins[k], copy[k])


def test_sweep_puts_the_garbage_collector_back() -> None:
    """The sweep freezes the heap it starts with and collects the young generation less
    often (`_sweep_gc`); afterwards, and after a sweep that fails, the collector is as
    it was: nothing stays frozen (a long-lived process would never free it), and the
    thresholds are the caller's; a caller's own frozen objects stay frozen."""
    m = ptoc.parse(ROWS)
    saved = gc.get_threshold()
    try:
        gc.set_threshold(123, 7, 9)
        seen: list[tuple[int, tuple[int, int, int]]] = []

        def progress(*_: Any) -> None:
            seen.append((gc.get_freeze_count(), gc.get_threshold()))

        tuning.sweep(m, "rows", [1, 2], inputs=_inputs(), machine="a2a3", progress=progress)
        assert seen and all(n > 0 and t[0] >= 50_000 for n, t in seen)  # tuned during
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == (123, 7, 9)

        def interrupt(*_: Any) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):  # from inside the sweep
            tuning.sweep(m, "rows", [1, 2], inputs=_inputs(), machine="a2a3", progress=interrupt)
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == (123, 7, 9)
        # a caller's own frozen objects stay frozen: the sweep freezes nothing then
        gc.freeze()
        mine = gc.get_freeze_count()
        seen.clear()
        tuning.sweep(m, "rows", [1, 2], inputs=_inputs(), machine="a2a3", progress=progress)
        # (the count can only fall: a frozen object whose last reference goes is freed)
        assert seen and all(0 < n <= mine for n, _ in seen)
        assert 0 < gc.get_freeze_count() <= mine and gc.get_threshold() == (123, 7, 9)
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)


@dataclass(frozen=True)
class _RejectSmallLaunches(ModulePass):
    """A stand-in legality check: rejects a `rows` scope of fewer than 4 tasks."""

    name = "test-reject-small"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for o in op.walk():
            if isinstance(o, SpmdOp) and o.scope_name == "rows" and (o.static_count or 0) < 4:
                raise op_error(o, "too few tasks for this test")


def test_failing_check_marks_the_variant_illegal() -> None:
    m = ptoc.parse(ROWS)
    pts = tuning.sweep(
        m, "rows", [1, 2, 4, 8], inputs=_inputs(), machine="a2a3", checks=[_RejectSmallLaunches()]
    )
    by = {p.factor: p for p in pts}
    assert [p.factor for p in pts] == [1, 2, 4, 8]  # nothing dropped
    assert by[1].legal and by[2].legal
    for g in (4, 8):
        assert not by[g].legal and by[g].status == "illegal"
        assert "too few tasks" in by[g].reasons[0]
        assert by[g].total_us is not None  # still timed, for the curve
        assert dict(by[g].checks)["test-reject-small"] == "fail"
    b = tuning.best(pts)
    assert b is not None and b.factor in (1, 2)
    assert b.total_us == min(by[1].total_us or 0, by[2].total_us or 0)


def test_real_race_check_marks_racy_factor_illegal() -> None:
    # every task of "racy" stores to z[0]: a race unless one task does all the work
    m = ptoc.parse(TWO)
    ins = _inputs() | {"z": np.zeros((1, 64), np.float32)}
    pts = tuning.sweep(m, "racy", [1, 2, 4], inputs=ins, machine="a2a3")
    by = {p.factor: p for p in pts}
    assert not by[1].legal and dict(by[1].checks)["pto-check-races"] == "fail"
    assert by[4].legal, by[4].reasons
    b = tuning.best(pts)
    assert b is not None and b.factor == 4


def test_sweep_errors() -> None:
    m = ptoc.parse(ROWS)
    with pytest.raises(TuneError, match="unknown scope 'x'"):
        tuning.sweep(m, "x", [1], inputs=_inputs(), machine="a2a3")
    with pytest.raises(TuneError, match="must be >= 1"):
        tuning.sweep(m, "rows", [0, 2], inputs=_inputs(), machine="a2a3")


def test_progress_callback() -> None:
    calls: list[tuple[int, int, int]] = []
    m = ptoc.parse(ROWS)
    tuning.sweep(
        m, "rows", [1, 2], inputs=_inputs(), machine="a2a3",
        progress=lambda d, t, f: calls.append((d, t, f)),
    )
    assert calls[0] == (0, 2, 1) and calls[-1][0] == 2


def test_point_is_frozen() -> None:
    p = _pt(1, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.factor = 2  # type: ignore[misc]


# --------------------------------------------------------------------------- pto-auto-coarsen


def test_auto_coarsen_picks_the_predicted_minimum() -> None:
    from xdsl.dialects.builtin import DenseArrayBase, DictionaryAttr, IntegerAttr

    from ptoc.tuning.auto_coarsen import ATTR, AutoCoarsenPass

    m = ptoc.parse(ROWS)
    AutoCoarsenPass(factors=(1, 2, 4, 8)).apply(ptoc.context(), m)
    spmd = tuning.find_scope(m, "rows")
    attr = spmd.attributes[ATTR]
    assert isinstance(attr, DictionaryAttr)
    d = attr.data
    factor = d["factor"]
    factors = d["factors"]
    predicted = d["predicted_us"]
    assert isinstance(factor, IntegerAttr)
    assert isinstance(factors, DenseArrayBase) and isinstance(predicted, DenseArrayBase)
    fs = list(factors.iter_values())
    us = list(predicted.iter_values())
    assert fs == [1, 2, 4, 8] and len(us) == 4
    g = factor.value.data
    assert us[fs.index(g)] == min(us)
    # the choice was applied: N / G tasks, each a pto.unroll of G (not expanded)
    assert spmd.static_count == 8 // g
    # and agrees with a sweep of the original module on the same (random, seed 0) inputs
    from ptoc.backend.interpreter import compile_module, random_inputs

    orig = ptoc.parse(ROWS)
    ins = random_inputs(compile_module(orig), 0)
    pts = tuning.sweep(orig, "rows", [1, 2, 4, 8], inputs=ins, machine="a2a3")
    b = tuning.best(pts)
    assert b is not None and b.factor == g


def test_auto_coarsen_skips_illegal_factors() -> None:
    from ptoc.tuning.auto_coarsen import AutoCoarsenPass

    m = ptoc.parse(ROWS)
    pass_ = AutoCoarsenPass(scope="rows", factors=(1, 2, 4, 8))
    # a stand-in check that rejects launches of fewer than 4 tasks: only 1 and 2 remain
    from ptoc.tuning import factor_sweep

    orig_sweep = factor_sweep.sweep

    def sweep(*a: Any, **kw: Any) -> list[TunePoint]:
        return orig_sweep(*a, **kw, checks=[_RejectSmallLaunches()])

    mp = pytest.MonkeyPatch()
    mp.setattr(factor_sweep, "sweep", sweep)
    try:
        pass_.apply(ptoc.context(), m)
    finally:
        mp.undo()
    text = str(m)
    assert "rejected = array<i64: 4, 8>" in text
    assert "factors = array<i64: 1, 2>" in text


@dataclass(frozen=True)
class _Sabotage(ModulePass):
    """Not a check: miscompiles coarsened `rows` scopes (addf -> subf), to test that a
    variant whose outputs differ from the unchanged kernel's is marked illegal."""

    name = "test-sabotage"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from xdsl.dialects import arith
        from xdsl.rewriter import Rewriter

        for o in list(op.walk()):
            if isinstance(o, arith.AddfOp):
                parent = o.parent_op()
                while parent is not None and not isinstance(parent, SpmdOp):
                    parent = parent.parent_op()
                if isinstance(parent, SpmdOp) and (parent.static_count or 0) < 8:
                    Rewriter.replace_op(o, arith.SubfOp(o.lhs, o.rhs))


@pytest.mark.parametrize("jobs", [1, 2])
def test_outputs_that_differ_make_a_variant_illegal(jobs: int) -> None:
    m = ptoc.parse(ROWS)
    pts = tuning.sweep(m, "rows", [1, 2], inputs=_inputs(), machine="a2a3", checks=[_Sabotage()],
                       jobs=jobs)
    by = {p.factor: p for p in pts}
    assert by[1].legal
    assert not by[2].legal and by[2].status == "illegal"
    assert by[2].reasons == ("outputs differ from the unchanged kernel: y",)
    # without the comparison the miscompiled variant would have looked legal
    pts = tuning.sweep(m, "rows", [2], inputs=_inputs(), machine="a2a3", checks=[_Sabotage()],
                       compare_outputs=False)
    assert pts[0].legal


def test_remainder_guard_tunes_non_divisors() -> None:
    m = ptoc.parse(ROWS)
    pts = tuning.sweep(m, "rows", [3, 5], inputs=_inputs(), machine="a2a3", remainder="guard")
    by = {p.factor: p for p in pts}
    assert by[3].legal and by[3].tasks == 3, by[3].reasons  # ceil(8 / 3), outputs match
    assert by[5].legal and by[5].tasks == 2, by[5].reasons
    assert by[3].guarded and by[5].guarded
    assert by[3].to_json()["guarded"] is True
    table = tuning.format_table(pts)
    assert "   3*" in table and "   5*" in table and "* guarded" in table
    (one,) = tuning.sweep(m, "rows", [2], inputs=_inputs(), machine="a2a3", remainder="guard")
    assert not one.guarded and "guarded" not in tuning.format_table([one])


def test_sweep_matches_a_direct_simulation() -> None:
    from ptoc.backend.interpreter import compile_module
    from ptoc.costmodel import load_machine, simulate

    m = ptoc.parse(ROWS)
    ins = _inputs()
    (p,) = tuning.sweep(m, "rows", [1], inputs=ins, machine="a2a3")
    rep = simulate(compile_module(m).run(ins).record, load_machine("a2a3"))
    assert p.total_us == rep.total_us
    s = next(s for s in rep.scopes if s.name == "rows")
    assert (p.tasks, p.waves, p.span_us, p.exec_pct, p.tail_oh_us) == (
        s.tasks, s.waves, s.span_us, s.exec_pct, s.tail_oh_us
    )


def test_scope_in_two_functions_needs_func() -> None:
    text = ROWS + ROWS.replace("@rows", "@rows2")
    m = ptoc.parse(text)
    with pytest.raises(TuneError, match=r"2 pto.spmd ops are named 'rows'; choose a function with --func \(rows, rows2\)"):
        tuning.find_scope(m, "rows")
    assert tuning.function_of(tuning.find_scope(m, "rows", "rows2")) == "rows2"


def test_dynamic_count_cannot_be_tuned() -> None:
    text = ROWS.replace("%y: memref<8x64xf32>)", "%y: memref<8x64xf32>, %n: index)").replace(
        "0 to 8", "0 to %n"
    )
    m = ptoc.parse(text)
    with pytest.raises(TuneError, match="dynamic task count"):
        tuning.sweep(m, "rows", [1], inputs={}, machine="a2a3")


def test_jobs_give_the_same_points() -> None:
    m = ptoc.parse(ROWS)
    kw: dict[str, Any] = dict(inputs=_inputs(), machine="a2a3", remainder="guard")
    one = tuning.sweep(m, "rows", [1, 2, 3, 4], **kw)
    two = tuning.sweep(m, "rows", [1, 2, 3, 4], jobs=2, **kw)
    import dataclasses

    def stable(p: tuning.TunePoint) -> tuning.TunePoint:
        return dataclasses.replace(p, wall_s=0.0)  # equality leaves out `timings` already

    assert [stable(p) for p in one] == [stable(p) for p in two]
    auto = tuning.sweep(m, "rows", [1, 2, 3, 4], jobs="auto", **kw)
    assert [stable(p) for p in one] == [stable(p) for p in auto]
    for bad in (0, "two", True):
        with pytest.raises(tuning.TuneError, match="jobs"):
            tuning.sweep(m, "rows", [1, 2], jobs=bad, **kw)  # type: ignore[arg-type]


def test_auto_jobs_are_the_idle_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    for load, want in ((0.2, 4), (1.7, 3), (3.9, 1), (9.0, 1)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, 0.0, 0.0))
        assert tuning.idle_cores() == want
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert tuning.idle_cores(2) == 2 and tuning.idle_cores(0) == 1

    def unavailable() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(os, "getloadavg", unavailable)
    assert tuning.idle_cores() == 4


# the tuned scope reads what the scope before it wrote, and a constant made between them
CHAIN = """
func.func @chain(%x: memref<8x64xf32>, %y: memref<8x64xf32>, %z: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 name "first" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %e = math.exp %a : tensor<1x64xf32>
    pto.store %e, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  %two = arith.constant 2 : index
  pto.spmd %t = 0 to 8 name "second" core vector {
    %c0 = arith.constant 0 : index
    %r = arith.remsi %t, %two : index
    %a = pto.load %y[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %b = pto.load %x[%r, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %s = arith.addf %a, %b : tensor<1x64xf32>
    pto.store %s, %z[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
"""


def test_prefix_sharing_gives_the_same_points() -> None:
    import dataclasses

    m = ptoc.parse(CHAIN)
    ins = {**_inputs(), "z": np.zeros((8, 64), np.float32)}
    kw: dict[str, Any] = dict(inputs=ins, machine="a2a3", remainder="guard")
    shared = tuning.sweep(m, "second", [1, 2, 3, 4], **kw)
    alone = tuning.sweep(m, "second", [1, 2, 3, 4], share_prefix=False, **kw)
    # workers start from the prefix too, and send back only the outputs their variant
    # writes: `y` (written by the prefix alone) comes back as the prefix's memory
    workers = tuning.sweep(m, "second", [1, 2, 3, 4], jobs=2, **kw)
    assert all(p.legal for p in shared), [p.reasons for p in shared]
    assert [dataclasses.replace(p, wall_s=0.0) for p in shared] == [
        dataclasses.replace(p, wall_s=0.0) for p in alone
    ] == [dataclasses.replace(p, wall_s=0.0) for p in workers]
    share = factor_sweep._PrefixShare.build(m, None, "second", ins)  # pyright: ignore[reportPrivateUsage]
    assert share is not None and [s.name for s in share.records] == ["first"]
    # a variant whose IR before the scope differs is not trimmed (it runs whole)
    other = ptoc.parse(CHAIN.replace("math.exp", "math.sqrt"))
    assert not share.trim(other, None)
    assert share.trim(m.clone(), None)
