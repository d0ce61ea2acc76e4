"""Explicit task dependences (PyPTO's `with pl.spmd(...) as tid`, `deps=[...]`,
`pl.system.task_dummy`): the frontend marks the scopes (`pto.task_id`, `pto.after`), the
interpreter records which earlier launch each launch waits for (the latest launch of the
named scope), and the cost model keeps a scope that waits for another out of its batch:
two scopes with no GM tensor in common overlap without `deps=` and run one after the
other with it. The outputs do not depend on it (the interpreter runs scopes in program
order, a schedule every `deps=` allows)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ptoc.backend.interpreter import compile_module
from ptoc.costmodel import load_machine, simulate
from ptoc.dialects import pto
from ptoc.frontend import load_kernel
from ptoc.frontend.errors import FrontendError

KERNEL = '''
import pypto.language as pl

DEPS = 1
ROUNDS = 3


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
      z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    ready = pl.system.task_dummy(deps=[])
    with pl.spmd(2, name_hint="a", deps=[ready]) as ta:
        i = pl.tile.get_block_idx()
        r = i * 8
        y[r:r + 8, 0:64] = pl.mul(x[r:r + 8, 0:64], 2.0)
    if DEPS:
        join = pl.system.task_dummy(deps=[ta])
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="b", deps=[join]) as tb:
            z[0:16, 0:64] = pl.mul(x[0:16, 0:64], 3.0)
    else:
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="b") as tb:
            z[0:16, 0:64] = pl.mul(x[0:16, 0:64], 3.0)
    return y, z
'''


def _kernel(tmp_path: Path, text: str = KERNEL) -> Path:
    path = tmp_path / "deps_kernel.py"
    path.write_text(text)
    return path


def _inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {"x": rng.standard_normal((16, 64)).astype(np.float32),
            "y": np.zeros((16, 64), np.float32), "z": np.zeros((16, 64), np.float32)}


def _run(path: Path, deps: int) -> tuple[dict[str, np.ndarray], object, float]:
    module = load_kernel(str(path), constants={"DEPS": deps})
    ins = _inputs()
    res = compile_module(module).run(ins)
    rep = simulate(res.record, load_machine("a2a3"))
    return res.outputs, res.record, rep.total_us


def test_frontend_marks_the_scopes(tmp_path: Path) -> None:
    module = load_kernel(str(_kernel(tmp_path)))
    a, b = [op for op in module.walk() if isinstance(op, pto.SpmdOp)]
    assert a.attributes[pto.TASK_ID_ATTR].value.data == 1  # type: ignore[attr-defined]
    assert pto.AFTER_ATTR not in a.attributes  # task_dummy(deps=[]) is ready at once
    assert [x.value.data for x in b.attributes[pto.AFTER_ATTR].data] == [1]  # type: ignore[attr-defined]


def test_a_dependence_keeps_independent_scopes_apart(tmp_path: Path) -> None:
    path = _kernel(tmp_path)
    out_dep, rec_dep, total_dep = _run(path, 1)
    out_free, rec_free, total_free = _run(path, 0)
    for k in out_dep:
        assert out_dep[k].tobytes() == out_free[k].tobytes()
    assert [s.after for s in rec_dep.scopes] == [(), (0,)]  # type: ignore[attr-defined]
    assert [s.after for s in rec_free.scopes] == [(), ()]  # type: ignore[attr-defined]
    rep = simulate(rec_dep, load_machine("a2a3"))  # type: ignore[arg-type]
    a_end = max(s.finish_us for s in rep.tasks if s.scope == "a")
    b_start = min(s.dispatch_us for s in rep.tasks if s.scope == "b")
    assert b_start >= a_end
    assert total_dep > total_free  # without the edge, b overlaps a


def test_the_latest_launch_is_waited_for(tmp_path: Path) -> None:
    text = '''
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
      z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    prev = pl.system.task_dummy(deps=[])
    for r in pl.range(2):
        with pl.spmd(1, name_hint="a", deps=[prev]) as ta:
            y[0:8, 0:64] = pl.mul(x[0:8, 0:64], 2.0)
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="b", deps=[ta]) as tb:
            z[0:16, 0:64] = pl.mul(x[0:16, 0:64], 3.0)
        prev = tb
    return y, z
'''
    module = load_kernel(str(_kernel(tmp_path, text)))
    ins = _inputs()
    rec = compile_module(module).run(ins).record
    # a0 b0 a1 b1: b waits for the a of its round; the second a for the first b (`prev`
    # names a task id only once it exists, so the first a waits for nothing)
    assert [s.name for s in rec.scopes] == ["a", "b", "a", "b"]
    assert [s.after for s in rec.scopes] == [(), (0,), (1,), (2,)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    with pl.spmd(1, name_hint=\"a\", deps=[x]):\n        pass\n",
         "deps= takes task ids ('with ... as tid', pl.system.task_dummy), got "),
        ("    with pl.spmd(1, name_hint=\"a\", deps=x):\n        pass\n",
         "deps= takes a list of task ids"),
        ("    with pl.scope() as t:\n        pass\n", "pl.scope has no task id"),
    ],
    ids=["not-a-task-id", "not-a-list", "scope-has-no-id"],
)
def test_malformed_dependences_are_located_errors(tmp_path: Path, body: str, message: str) -> None:
    text = ("import pypto.language as pl\n\n\n@pl.jit\n"
            "def k(x: pl.Tensor[[16, 64], pl.FP32]):\n" + body)
    with pytest.raises(FrontendError) as e:
        load_kernel(str(_kernel(tmp_path, text)))
    assert message in str(e.value)
    assert "deps_kernel.py:" in str(e.value)


def test_a_sweep_does_not_share_a_prefix_that_dependences_name(tmp_path: Path) -> None:
    # pto-tune reuses the run of the scopes before the tuned one; with deps= the record
    # positions that pto.after resolves to belong to one whole run, so it runs it whole
    from ptoc.tuning.factor_sweep import _PrefixShare  # pyright: ignore[reportPrivateUsage]

    path = _kernel(tmp_path)
    ins = _inputs()
    with_deps = load_kernel(str(path), constants={"DEPS": 1})
    without = load_kernel(str(path), constants={"DEPS": 0})
    assert _PrefixShare.build(with_deps, None, "b", ins) is None
    assert _PrefixShare.build(without, None, "b", ins) is not None


def test_task_id_arrays_and_comprehensions(tmp_path: Path) -> None:
    # pypto-lib HEAD: tids = pl.array.create(N, pl.TASK_ID); tids[g] = tid in a loop;
    # deps=[tids[i] for i in range(N)]: the consumer waits for every launch stored
    text = '''
import pypto.language as pl


@pl.jit
def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[16, 64], pl.FP32]],
      z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    tids = pl.array.create(2, pl.TASK_ID)
    for g in pl.range(2):
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="a") as ta:
            r = g * 8
            y[r:r + 8, 0:64] = pl.mul(x[r:r + 8, 0:64], 2.0)
        tids[g] = ta
    join = pl.system.task_dummy(deps=[tids[i] for i in range(2)])
    with pl.at(level=pl.Level.CORE_GROUP, name_hint="b", deps=[join]):
        z[0:16, 0:64] = pl.mul(x[0:16, 0:64], 3.0)
    return y, z
'''
    module = load_kernel(str(_kernel(tmp_path, text)))
    ins = _inputs()
    rec = compile_module(module).run(ins).record
    assert [s.name for s in rec.scopes] == ["a", "a", "b"]
    # the latest launch of the scope the array holds: the second a
    assert [s.after for s in rec.scopes] == [(), (), (1,)]
