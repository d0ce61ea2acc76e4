"""The batched SPMD executor (ptoc.backend.batched) gives exactly the per-task run.

For the seed kernel (coarsened by 1, 2, 4 and a guarded 3), for every example kernel
under examples/ (the calibration cases too, on their own inputs) and for random kernels
(the generator of test_coarsen_property.py): outputs bit for bit, and the execution
record (every scope, every task, every event with all its fields: buffer ids, bursts,
tensor ids, read offsets) equal to the per-task run's. Kernels where tasks depend on
each other through memory fall back to the per-task run.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ptoc
from ptoc.backend import batched
from ptoc.backend.interpreter import Program, RunResult, compile_module, random_inputs

from example_inputs import inputs_script

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_coarsen_property import SETTINGS, Kernel, cases  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dsv4_compressor_ratio4"
EXAMPLES = sorted((ROOT / "examples").rglob("*.mlir"))


def _script_inputs(script: Path) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location(f"_inputs_batched_{script.parent.name}", script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.make_inputs(0)


def _seed_inputs() -> dict[str, Any]:
    return _script_inputs(SEED / "inputs.py")


class _Count:
    """Counts batched scope runs that were exact (not fallen back)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.batched = 0
        self.fallbacks = 0
        orig = batched.ScopePlan.run

        def run(plan: batched.ScopePlan, *a: Any) -> Any:
            got = orig(plan, *a)
            if not batched._enabled[-1]:  # pyright: ignore[reportPrivateUsage]
                return got  # inside per_task_only(): not a fallback
            if got is None:
                self.fallbacks += 1
            else:
                self.batched += 1
            return got

        monkeypatch.setattr(batched.ScopePlan, "run", run)


def _both(prog: Program, inputs: dict[str, Any], **kw: Any) -> tuple[RunResult, RunResult]:
    got = prog.run(inputs, **kw)
    with batched.per_task_only():
        want = prog.run(inputs, **kw)
    return got, want


def _assert_same(got: RunResult, want: RunResult) -> None:
    assert got.record == want.record  # the whole record, every field (details below)
    assert got.outputs.keys() == want.outputs.keys()
    for name, w in want.outputs.items():
        g = got.outputs[name]
        assert g.dtype == w.dtype and g.shape == w.shape, name
        assert g.tobytes() == w.tobytes(), name
    assert len(got.record.scopes) == len(want.record.scopes)
    for gs, ws in zip(got.record.scopes, want.record.scopes, strict=True):
        assert (gs.name, gs.core) == (ws.name, ws.core)
        assert [t.task_id for t in gs.tasks] == [t.task_id for t in ws.tasks]
        for gt, wt in zip(gs.tasks, ws.tasks, strict=True):
            assert gt.events == wt.events, (gs.name, gt.task_id)


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict[str, Any]]:
    return (SEED / "kernel.mlir").read_text(), _seed_inputs()


@pytest.fixture
def small_scopes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batched, "MIN_TASKS", 2)


@pytest.mark.parametrize("min_tasks", [batched.MIN_TASKS, 2])
@pytest.mark.parametrize("g", [1, 2, 4, 3])
def test_seed_kernel_records_and_outputs(
    seed: tuple[str, dict[str, Any]], g: int, min_tasks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batched, "MIN_TASKS", min_tasks)
    text, inputs = seed
    module = ptoc.parse(text, "kernel.mlir")
    if g > 1:
        rem = "guard" if 64 % g else "error"
        module = ptoc.run_pipeline(
            module,
            f"pto-spmd-coarsen{{scope=softmax_pool factor={g} remainder={rem}}},pto-unroll-expand",
        )
    prog = compile_module(module)
    count = _Count(monkeypatch)
    got, want = _both(prog, inputs)
    _assert_same(got, want)
    # softmax_pool (64 / g tasks) really ran batched; with MIN_TASKS 2 also rmsnorm_rope
    # and kv_and_cache_write (kv_score_proj has big tiles, state_scatter_paged one task)
    many = 1 if 64 // g >= min_tasks else 0
    assert count.batched == (many if min_tasks > 4 else many + 2), (count.batched, count.fallbacks)
    got_nr, want_nr = _both(prog, inputs, record=False)
    _assert_same(got_nr, want_nr)


@SETTINGS
@given(case=cases(), seed=st.integers(0, 2**31 - 1))
def test_random_kernels_records_and_outputs(case: tuple[Kernel, str, int], seed: int) -> None:
    kernel, pipeline, _ = case
    for module in (
        ptoc.parse(kernel.text(), "rand.mlir"),
        ptoc.run_pipeline(ptoc.parse(kernel.text(), "rand.mlir"), pipeline),
    ):
        prog = compile_module(module)
        inputs = random_inputs(prog, seed)
        if kernel.dynamic:
            inputs["n"] = np.array(kernel.n, dtype=np.int64)
        saved = batched.MIN_TASKS
        batched.MIN_TASKS = 2  # batch every scope of several tasks
        try:
            for order in ("forward", "reverse"):
                got, want = _both(prog, inputs, task_order=order)
                _assert_same(got, want)
        finally:
            batched.MIN_TASKS = saved


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_examples_records_and_outputs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example kernel, on its own inputs (inputs.py next to it) or random ones;
    every scope of two or more tasks batched (MIN_TASKS 2: more scopes batched than by
    default, so more of the batched code compared)."""
    monkeypatch.setattr(batched, "MIN_TASKS", 2)
    prog = compile_module(ptoc.parse(path.read_text(), str(path)))
    script = inputs_script(path)
    inputs = _script_inputs(script) if script is not None else random_inputs(prog, 0)
    got, want = _both(prog, inputs)
    _assert_same(got, want)
    # debug=True runs per task through the interpreter's general recording path (no
    # fast paths): the same record again
    _assert_same(got, prog.run(inputs, debug=True))


def test_off_switch_runs_per_task(
    seed: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run(batched=False)` and `per_task_only()` turn batching off; the default is on."""
    text, inputs = seed
    prog = compile_module(ptoc.parse(text, "kernel.mlir"))
    count = _Count(monkeypatch)
    with batched.per_task_only():
        prog.run(inputs)
    off = prog.run(inputs, batched=False)
    assert count.batched == 0
    on = prog.run(inputs)
    assert count.batched == 1
    _assert_same(on, off)


RACY = """
func.func @k(%a: memref<8x4xf32>) {
  pto.spmd %t = 0 to 8 name "shift" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c7 = arith.constant 7 : index
    %nx = arith.addi %t, %c1 : index
    %n = arith.minsi %nx, %c7 : index
    %v = pto.load %a[%n, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %w = arith.addf %v, %v : tensor<1x4xf32>
    pto.store %w, %a[%t, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}
"""


@pytest.mark.parametrize("order", ["forward", "reverse", "random:3"])
def test_cross_task_dependence_falls_back(
    order: str, monkeypatch: pytest.MonkeyPatch, small_scopes: None
) -> None:
    """Task t reads row t+1, which task t+1 writes: the result depends on the task order,
    so the batched run must not be used (and memory is restored before the rerun)."""
    prog = compile_module(ptoc.parse(RACY, "racy.mlir"))
    inputs = {"a": np.arange(32, dtype=np.float32).reshape(8, 4)}
    count = _Count(monkeypatch)
    got, want = _both(prog, inputs, task_order=order)
    _assert_same(got, want)
    assert count.batched == 0 and count.fallbacks == 1


OOB = """
func.func @k(%a: memref<8x4xf32>, %o: memref<8x4xf32>) {
  pto.spmd %t = 0 to 8 name "oob" core vector {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %r = arith.muli %t, %c2 : index
    %v = pto.load %a[%r, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    pto.store %v, %o[%t, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}
"""


def test_errors_come_from_the_per_task_run(small_scopes: None) -> None:
    from ptoc.backend.interpreter import InterpreterError

    prog = compile_module(ptoc.parse(OOB, "oob.mlir"))
    inputs = {"a": np.zeros((8, 4), np.float32), "o": np.zeros((8, 4), np.float32)}
    with pytest.raises(InterpreterError) as got:
        prog.run(inputs)
    with batched.per_task_only(), pytest.raises(InterpreterError) as want:
        prog.run(inputs)
    assert str(got.value) == str(want.value)
    assert "out-of-bounds load" in str(got.value)


def test_a_crash_in_the_batched_code_falls_back(
    seed: tuple[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batched handler whose code raises at run time (here: a broken arith.muli) makes
    the scope run per task: the per-task run's outputs and record, no error."""
    def broken(c: Any, op: Any) -> Any:
        return c.value(op, True, lambda b: None + 1, "scalar")  # pyright: ignore

    monkeypatch.setitem(batched._HANDLERS, "arith.muli", broken)  # pyright: ignore[reportPrivateUsage]
    text, inputs = seed
    prog = compile_module(ptoc.parse(text, "kernel.mlir"))
    count = _Count(monkeypatch)
    got, want = _both(prog, inputs)
    _assert_same(got, want)
    assert count.batched == 0  # softmax_pool fell back (the other scopes are small)


@st.composite
def _accesses(draw: st.DrawFn) -> tuple[int, int, list[tuple[np.ndarray, np.ndarray]],
                                        list[tuple[np.ndarray, np.ndarray]]]:
    """A memref size, a task count, and batched writes / reads: each access gives every
    active task (a subset of the tasks) a tile of element indices."""
    size = draw(st.integers(1, 64))
    n = draw(st.integers(1, 6))

    def access() -> tuple[np.ndarray, np.ndarray]:
        tasks = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
        width = draw(st.integers(1, 4))
        flat = draw(st.lists(st.lists(st.integers(0, size - 1), min_size=width,
                                      max_size=width), min_size=len(tasks),
                             max_size=len(tasks)))
        return np.array(flat, np.int64), np.array(tasks, np.int64)

    writes = [access() for _ in range(draw(st.integers(0, 4)))]
    reads = [access() for _ in range(draw(st.integers(0, 4)))]
    return size, n, writes, reads


@given(_accesses())
@SETTINGS
def test_conflict_check_agrees_with_brute_force(acc: Any) -> None:
    """Both ways of finding a cross-task conflict (an owner stamp per element, or one sort
    of all accesses: picked by memref size) answer as the definition does: an element one
    task wrote that another task read or wrote."""
    size, n, writes, reads = acc
    by: dict[int, tuple[set[int], set[int]]] = {}
    for kind, group in ((0, writes), (1, reads)):
        for flat, tasks in group:
            for row, t in zip(flat.tolist(), tasks.tolist()):
                for e in row:
                    by.setdefault(e, (set(), set()))[kind].add(int(t))
    want = any(w and len(w | r) > 1 for w, r in by.values())
    tr = batched._Track(np.zeros(size, np.float32))  # pyright: ignore[reportPrivateUsage]
    tr.writes, tr.reads = list(writes), list(reads)
    assert tr.conflict(n) == want
    if writes:
        assert tr._conflict_owner(size) == want  # pyright: ignore[reportPrivateUsage]
        assert tr._conflict_sort(n) == want  # pyright: ignore[reportPrivateUsage]


RESHAPES = """
func.func @k(%a: memref<16x64xf32>, %o: memref<16x64xf32>) {
  pto.spmd %t = 0 to 16 name "rows" core vector {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%t, %c0] : memref<16x64xf32> -> tensor<1x64xf32>
    %f = tensor.collapse_shape %x [[0, 1]] : tensor<1x64xf32> into tensor<64xf32>
    %y = tensor.expand_shape %f [[0, 1]] output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
    %m = pto.row_max %y : tensor<4x16xf32> -> tensor<4x1xf32>
    %z = pto.row_expand_mul %y, %m : tensor<4x16xf32>, tensor<4x1xf32> -> tensor<4x16xf32>
    %r = tensor.collapse_shape %z [[0, 1]] : tensor<4x16xf32> into tensor<64xf32>
    %w = tensor.expand_shape %r [[0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
    pto.store %w, %o[%t, %c0] : tensor<1x64xf32>, memref<16x64xf32>
  }
  func.return
}
"""


def test_tile_reshapes_run_batched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tile reshapes (free aliases, no event) keep a scope batched, with the per-task
    run's outputs and record: the row_max reads the load's buffer, the store the mul's."""
    prog = compile_module(ptoc.parse(RESHAPES, "reshapes.mlir"))
    inputs = random_inputs(prog, seed=1)
    count = _Count(monkeypatch)
    got, want = _both(prog, inputs)
    assert count.batched == 1 and count.fallbacks == 0
    _assert_same(got, want)
    x = inputs["a"].reshape(16, 4, 16)
    ref = (x * x.max(axis=2, keepdims=True)).reshape(16, 64)
    assert got.outputs["o"].tobytes() == ref.tobytes()
    load, rmax, mul, store = got.record.scopes[0].tasks[3].events
    assert (load.kind, rmax.op, mul.op, store.kind) == ("load", "pto.row_max",
                                                       "pto.row_expand_mul", "store")
    assert rmax.reads == (load.writes,) and store.reads == (mul.writes,)


COL_MAX = """
func.func @k(%a: memref<128x64xf32>, %o: memref<32x64xf32>) {
  pto.spmd %t = 0 to 32 name "cols" core vector {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %r = arith.muli %t, %c4 : index
    %x = pto.load %a[%r, %c0] : memref<128x64xf32> -> tensor<4x64xf32>
    %m = pto.col_max %x : tensor<4x64xf32> -> tensor<1x64xf32>
    pto.store %m, %o[%t, %c0] : tensor<1x64xf32>, memref<32x64xf32>
  }
  func.return
}
"""


def test_col_max_runs_batched(monkeypatch: pytest.MonkeyPatch) -> None:
    """pto.col_max reduces each task's tile over its rows, not over the task axis of a
    batched run: the outputs and the record equal the per-task run's and numpy's."""
    prog = compile_module(ptoc.parse(COL_MAX, "col_max.mlir"))
    inputs = random_inputs(prog, seed=4)
    count = _Count(monkeypatch)
    got, want = _both(prog, inputs)
    assert count.batched == 1 and count.fallbacks == 0
    _assert_same(got, want)
    ref = inputs["a"].reshape(32, 4, 64).max(axis=1)
    assert got.outputs["o"].tobytes() == ref.tobytes()
    load, cmax, store = got.record.scopes[0].tasks[5].events[-3:]
    assert (load.kind, cmax.op, store.kind) == ("load", "pto.col_max", "store")
    assert cmax.reads == (load.writes,) and store.reads == (cmax.writes,)
