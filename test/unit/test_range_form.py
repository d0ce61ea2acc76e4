"""The seed's softmax_pool grouped by a *runtime* batch loop (the form its author feared).

`examples/softmax_pool_grouped_range.mlir` carries mi, li, oi across the two batches of a
task as iter_args of the batch loop, passed through when the gate is false. This file
shows what that hazard is and is not in ptoc's semantics:

* the interpreter's outputs are bit-identical to the per-batch kernel on inputs where the
  gate is false for some batches: a gate-true batch recomputes mi/li/oi from the state
  before reading them, and a gate-false batch stores nothing, so the leaked values are
  never observed;
* what *is* shared is the buffers: in the range form the accumulators of the two batches
  of a task live in the same buffers (iteration j + 1 reuses iteration j's), while the
  unrolled form gives every batch its own; the cost model sees the reuse as WAR
  dependences that serialise the batches. On hardware, that aliasing is the hazard.
* `pto-check-carried` rejects the range form, whatever the numbers say.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException

import ptoc
from ptoc.backend.interpreter import compile_module

ROOT = Path(__file__).resolve().parents[2]
PER_BATCH = ROOT / "examples" / "softmax_pool.mlir"
GROUPED_RANGE = ROOT / "examples" / "softmax_pool_grouped_range.mlir"


def _parse(path: Path) -> ModuleOp:
    return ptoc.parse(path.read_text(), str(path))


def _inputs(seed: int, gates: str) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    # distinct pages per batch, every window position mapped
    table = rng.permutation(64 * 65).reshape(64, 65).astype(np.int32) % 200
    start = rng.integers(8, 240, 64).astype(np.int64)
    if gates == "alternate":  # true, false, true, false, ... inside every task
        start = start - start % 4 + np.where(np.arange(64) % 2 == 0, 2, 1)
    elif gates == "second_false":
        start = start - start % 4 + np.where(np.arange(64) % 2 == 0, 3, 0)
    return {
        "state": rng.standard_normal((800, 2048), dtype=np.float32),
        "block_table": table,
        "start_pos": start.astype(np.int32),
        "pooled": rng.standard_normal((64, 512), dtype=np.float32),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("gates", ["random", "alternate", "second_false"])
def test_range_form_outputs_equal_per_batch_bit_for_bit(seed: int, gates: str) -> None:
    inputs = _inputs(seed, gates)
    gate = (inputs["start_pos"] % 4 + 2) >= 4
    assert gate.any() and not gate.all()
    want = compile_module(_parse(PER_BATCH)).run(inputs).outputs
    got = compile_module(_parse(GROUPED_RANGE)).run(inputs).outputs
    assert got["pooled"].tobytes() == want["pooled"].tobytes()
    # rows whose gate is false are untouched in both
    assert np.array_equal(got["pooled"][~gate], inputs["pooled"][~gate])


def _tile_buffers_per_task(path: Path, pipeline: str | None) -> list[int]:
    module = _parse(path)
    if pipeline:
        ptoc.run_pipeline(module, pipeline)
    record = compile_module(module).run(_inputs(0, "random")).record
    (scope,) = record.scopes
    return [len({e.writes for e in t.events if e.writes is not None}) for t in scope.tasks]


def test_range_form_reuses_buffers_where_unroll_gives_each_batch_its_own() -> None:
    by_range = _tile_buffers_per_task(GROUPED_RANGE, None)
    by_unroll = _tile_buffers_per_task(
        PER_BATCH, "pto-spmd-coarsen{factor=2},pto-unroll-expand"
    )
    assert len(by_range) == len(by_unroll) == 32
    # the same work, but the runtime loop's batches share their buffers
    assert max(by_range) < max(by_unroll)


def test_check_carried_rejects_the_range_form() -> None:
    with pytest.raises(DiagnosticException) as info:
        ptoc.run_pipeline(_parse(GROUPED_RANGE), "pto-check-carried")
    text = str(info.value)
    for name in ("%mi", "%li", "%oi"):
        assert name in text
