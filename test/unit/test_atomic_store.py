"""`pto.store ... atomic add`: the interpreter adds in the order the tasks run (checked
against a numpy reference in that order), the record marks the store, and the dialect
builds and verifies it from Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend.interpreter import compile_module
from ptoc.dialects import pto

KERNEL = """
func.func @k(%x: memref<8x16x64xf32>, %acc: memref<16x128xf32>, %n: memref<8x64xi32>,
             %cnt: memref<1x64xi32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %flat = memref.collapse_shape %x [[0, 1], [2]] : memref<8x16x64xf32> into memref<128x64xf32>
  pto.spmd %t = 0 to 8 name "split_k" {
    %r = arith.muli %t, %c16 : index
    %p = pto.load %flat[%r, %c0] : memref<128x64xf32> -> tensor<16x64xf32>
    %h = arith.remsi %t, %c2 : index
    %col = arith.muli %h, %c64 : index
    pto.store %p, %acc[%c0, %col] atomic add : tensor<16x64xf32>, memref<16x128xf32>
    %q = pto.load %n[%t, %c0] : memref<8x64xi32> -> tensor<1x64xi32>
    pto.store %q, %cnt[%c0, %c0] atomic add : tensor<1x64xi32>, memref<1x64xi32>
  }
  func.return
}
"""


def _order(task_order: str, n: int) -> list[int]:
    if task_order == "forward":
        return list(range(n))
    if task_order == "reverse":
        return list(range(n - 1, -1, -1))
    raise ValueError(task_order)


def _reference(inputs: dict[str, Any], order: list[int]) -> tuple[np.ndarray, np.ndarray]:
    acc = inputs["acc"].copy()
    cnt = inputs["cnt"].copy()
    for t in order:  # GM += tile, one task after the other, in f32 / wrapping i32
        h = t % 2
        acc[:, 64 * h : 64 * h + 64] = acc[:, 64 * h : 64 * h + 64] + inputs["x"][t]
        cnt[0] = (cnt[0].astype(np.int64) + inputs["n"][t]).astype(np.int64).astype(np.int32)
    return acc, cnt


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), task_order=st.sampled_from(["forward", "reverse"]))
def test_atomic_adds_follow_the_task_order(seed: int, task_order: str) -> None:
    rng = np.random.default_rng(seed)
    inputs = {
        "x": (rng.standard_normal((8, 16, 64)) * 10.0 ** rng.integers(-3, 4, (8, 1, 1))).astype(
            np.float32
        ),
        "acc": rng.standard_normal((16, 128)).astype(np.float32),  # a non-zero seed
        "n": rng.integers(-(2**31), 2**31 - 1, (8, 64), dtype=np.int64).astype(np.int32),
        "cnt": rng.integers(-(2**31), 2**31 - 1, (1, 64), dtype=np.int64).astype(np.int32),
    }
    prog = compile_module(ptoc.parse(KERNEL, "k.mlir"))
    got = prog.run(inputs, task_order=task_order, record=False).outputs
    want_acc, want_cnt = _reference(inputs, _order(task_order, 8))
    np.testing.assert_array_equal(got["acc"], want_acc)  # bit for bit, in that order
    np.testing.assert_array_equal(got["cnt"], want_cnt)


def test_the_record_marks_atomic_stores() -> None:
    prog = compile_module(ptoc.parse(KERNEL, "k.mlir"))
    inputs = {
        "x": np.ones((8, 16, 64), np.float32),
        "acc": np.zeros((16, 128), np.float32),
        "n": np.ones((8, 64), np.int32),
        "cnt": np.zeros((1, 64), np.int32),
    }
    res = prog.run(inputs)
    np.testing.assert_array_equal(res.outputs["acc"], np.full((16, 128), 4.0, np.float32))
    np.testing.assert_array_equal(res.outputs["cnt"], np.full((1, 64), 8, np.int32))
    for task in res.record.scopes[0].tasks:
        stores = [e for e in task.events if e.kind == "store"]
        assert [e.atomic for e in stores] == [True, True]
        assert stores[0].nbytes == 16 * 64 * 4 and stores[0].rows == 16
    plain = compile_module(ptoc.parse(KERNEL.replace(" atomic add", ""), "k.mlir"))
    rec = plain.run(inputs).record
    assert not any(e.atomic for t in rec.scopes[0].tasks for e in t.events)


def test_built_from_python_and_verified() -> None:
    m = ptoc.parse(KERNEL, "k.mlir")
    st_ = next(o for o in m.walk() if isinstance(o, pto.StoreOp))
    assert st_.atomic_kind == "add"
    copy = pto.StoreOp(st_.value, st_.dest, list(st_.indices), "add")
    assert copy.atomic_kind == "add"
    assert pto.StoreOp(st_.value, st_.dest, list(st_.indices)).atomic_kind is None
    copy.verify()
    with pytest.raises(ValueError):
        pto.StoreOp(st_.value, st_.dest, list(st_.indices), "max")


# one atomic add per element (each task its own row of a non-zero seed): a batched run
# that treated the store as a plain one would overwrite the seed instead of adding
OWN_ROWS = """
func.func @k(%x: memref<16x64xf32>, %acc: memref<16x64xf32>) {
  pto.spmd %t = 0 to 16 name "own_rows" {
    %c0 = arith.constant 0 : index
    %p = pto.load %x[%t, %c0] : memref<16x64xf32> -> tensor<1x64xf32>
    pto.store %p, %acc[%t, %c0] atomic add : tensor<1x64xf32>, memref<16x64xf32>
  }
  func.return
}
"""


@pytest.mark.parametrize("text", [KERNEL, OWN_ROWS], ids=["shared", "own_rows"])
def test_batched_executor_gives_the_per_task_result(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the batched SPMD executor exists (ptoc.backend.batched), a scope with atomic
    adds gives the per-task run's outputs and record (it runs them per task)."""
    batched = pytest.importorskip("ptoc.backend.batched")
    monkeypatch.setattr(batched, "MIN_TASKS", 2)
    rng = np.random.default_rng(7)
    prog = compile_module(ptoc.parse(text, "k.mlir"))
    inputs: dict[str, Any] = {
        name: (rng.standard_normal(t.get_shape()) * 8).astype(np.float32)
        if str(t.element_type) == "f32"
        else rng.integers(-100, 100, t.get_shape()).astype(np.int32)
        for name, t in zip(prog.arg_names, prog.arg_types, strict=True)
    }
    got = prog.run(inputs)
    with batched.per_task_only():
        want = prog.run(inputs)
    assert got.record == want.record
    for name, w in want.outputs.items():
        assert got.outputs[name].tobytes() == w.tobytes(), name
    if text is OWN_ROWS:
        np.testing.assert_array_equal(got.outputs["acc"], inputs["acc"] + inputs["x"])
