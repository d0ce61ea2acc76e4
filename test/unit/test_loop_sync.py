"""Runtime-loop boundaries in the record and the synchronisation the model puts there.

The interpreter brackets every execution of a runtime loop (`pto.range`, `scf.for`) with
`loop_begin` / `loop_end` events; a `pipeline = K` loop brackets its whole groups of K
iterations and leaves the remainder after the bracket, as PyPTO's LowerPipelineLoops
lowers `pl.pipeline(stage=K)`. The task schedule then places PTOAS's compensating flag
pair of each back-edge dependence (`loop_boundary_sync`): the loop's first write of a
buffer waits until the pipes that read it inside the loop have finished what came before
the loop, and after the loop the writer's pipe waits for the last iteration's reads.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ptoc
from ptoc.backend.interpreter import compile_module
from ptoc.backend.record import OpEvent, bracketed_iterations
from ptoc.costmodel import Machine, load_machine
from ptoc.costmodel.task import schedule_task

ROOT = Path(__file__).resolve().parents[2]

LOOP = """
func.func @k(%a: memref<64x64xf32>, %o: memref<64x64xf32>) {
  pto.spmd %t = 0 to 2 name "s" core vector {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %n = arith.constant NTRIPS : index
    pto.range %i = %c0 to %n step %c1 STAGES {
      %r = arith.addi %i, %t : index
      %v = pto.load %a[%r, %c0] : memref<64x64xf32> -> tensor<1x64xf32>
      %w = arith.addf %v, %v : tensor<1x64xf32>
      pto.store %w, %o[%r, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    }
    pto.unroll %j = 0 to 2 {
      %x = pto.load %a[%t, %c0] : memref<64x64xf32> -> tensor<1x64xf32>
      pto.store %x, %o[%t, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    }
  }
  func.return
}
"""


def _kinds(trips: int, stages: str, batched: bool) -> list[list[str]]:
    text = LOOP.replace("NTRIPS", str(trips)).replace("STAGES", stages)
    prog = compile_module(ptoc.parse(text, "k.mlir"))
    a = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    inputs: dict[str, Any] = {"a": a, "o": np.zeros_like(a)}
    rec = prog.run(inputs, batched=batched).record
    return [[e.kind for e in t.events if e.kind != "scalar"] for t in rec.scopes[0].tasks]


@pytest.mark.parametrize("batched", [False, True])
def test_a_runtime_loop_is_bracketed_and_an_unroll_is_not(batched: bool) -> None:
    body = ["load", "vector", "store"]
    for kinds in _kinds(3, "", batched):
        assert kinds == ["loop_begin", *body * 3, "loop_end", "load", "store", "load", "store"]
    for kinds in _kinds(0, "", batched):  # a loop that did not run leaves no bracket
        assert kinds == ["load", "store", "load", "store"]


@pytest.mark.parametrize("batched", [False, True])
def test_a_pipelined_loop_leaves_its_remainder_after_the_bracket(batched: bool) -> None:
    body = ["load", "vector", "store"]
    tail = ["load", "store", "load", "store"]
    for kinds in _kinds(7, "pipeline 3", batched):  # 2 groups of 3, then 1
        assert kinds == ["loop_begin", *body * 6, "loop_end", *body, *tail]
    for kinds in _kinds(2, "pipeline 3", batched):  # no whole group: no loop at all
        assert kinds == [*body * 2, *tail]
    assert [bracketed_iterations(n, 4) for n in (0, 3, 4, 9)] == [0, 0, 4, 8]
    assert [bracketed_iterations(n, 1) for n in (0, 3)] == [0, 3]


@pytest.fixture(scope="module")
def m() -> Machine:
    return load_machine("a2a3")


def _ev(kind: str, reads: tuple[int, ...] = (), writes: int | None = None) -> OpEvent:
    shape = (64, 128)
    if kind == "load":
        return OpEvent("load", "pto.load", shape, "float32", 32768, (), writes,
                       rows=1, row_bytes=32768, stride_bytes=32768, tensor=0)
    if kind == "store":
        return OpEvent("store", "pto.store", shape, "float32", 32768, reads,
                       rows=1, row_bytes=32768, stride_bytes=32768, tensor=1)
    return OpEvent("vector", "arith.addf", shape, "float32", 32768, reads, writes)


BEGIN = OpEvent("loop_begin", "pto.range", (), "", 0)
END = OpEvent("loop_end", "pto.range", (), "", 0)


def _starts(events: list[OpEvent], m: Machine) -> list[tuple[str, float, float]]:
    s = schedule_task(events, m, detailed=True)
    return [(o.pipe, o.start, o.end) for o in s.ops]


def test_after_a_loop_its_writer_pipe_waits_for_the_last_iteration_s_reads(m: Machine) -> None:
    # a loop of loads into buffer 1, each read by two vector ops; then a load into a
    # fresh buffer 9 that nothing in the loop touches
    it = [_ev("load", writes=1), _ev("vector", (1,), 2), _ev("vector", (2, 1), 3),
          _ev("store", (3,))]
    events = [BEGIN, *it * 4, END, _ev("load", writes=9), _ev("store", (9,))]
    synced = _starts(events, m)
    last_read_of_1 = synced[4 * 4 - 2][2]  # the loop's last vector op reading buffer 1
    assert synced[4 * 4][0] == "MTE2"
    assert synced[4 * 4][1] >= last_read_of_1
    free = _starts(events, dataclasses.replace(m, loop_boundary_sync=0))
    assert free[4 * 4][1] < last_read_of_1  # without the pair the load runs ahead
    # without brackets the schedule is the switched-off one
    unbracketed = [e for e in events if e.kind not in ("loop_begin", "loop_end")]
    assert _starts(unbracketed, m) == free


def test_a_loop_s_first_write_waits_for_its_readers_earlier_work(m: Machine) -> None:
    # a long vector op before the loop; inside, vector ops read the loaded buffer 1:
    # the compensating flag is set on V before the loop, so the first load waits for it
    before = [_ev("load", writes=5)] + [_ev("vector", (5,), 6)] * 6
    loop = [BEGIN, _ev("load", writes=1), _ev("vector", (1,), 2), _ev("store", (2,)), END]
    synced = _starts(before + loop, m)
    v_done = max(e for p, _, e in synced[:7] if p == "V")
    first_load = synced[7]
    assert first_load[0] == "MTE2" and first_load[1] >= v_done
    free = _starts(before + loop, dataclasses.replace(m, loop_boundary_sync=0))
    assert free[7][1] < v_done


def test_nested_loops_drain_at_each_exit(m: Machine) -> None:
    inner = [BEGIN, _ev("load", writes=1), _ev("vector", (1,), 2), _ev("store", (2,)), END]
    events = [BEGIN, *inner * 3, END, _ev("load", writes=9)]
    s = schedule_task(events, m, detailed=True)
    ops = list(s.ops)
    vec_ends = [o.end for o in ops if o.pipe == "V"]
    loads = [o for o in ops if o.pipe == "MTE2"]
    # each inner loop's next load (and the final one) waits for the previous inner loop's
    # vector read of buffer 1
    for k in range(1, 4):
        assert loads[k].start >= vec_ends[k - 1]


def test_the_pipelined_page_loop_s_remainder_makes_stage_3_slower(m: Machine) -> None:
    """1dd087a6: 16 pages; stage 2 runs 8 groups, stage 3 runs 5 groups and one page after
    the loop, which starts from the loop's drain. Measured 7.87 against 8.26 us."""
    cal = sys.modules.get("calibrate")
    if cal is None:  # the module test_calibration_summary.py loads, under the same name
        spec = importlib.util.spec_from_file_location("calibrate", ROOT / "bench" / "calibrate.py")
        assert spec is not None and spec.loader is not None
        cal = importlib.util.module_from_spec(spec)
        sys.modules["calibrate"] = cal
        spec.loader.exec_module(cal)
    case = next(c for c in cal.load_cases() if c.name == "1dd087a6")
    task = {v.name: cal.record_of(v).scopes[0].tasks[0].events for v in case.variants}
    off = dataclasses.replace(m, loop_boundary_sync=0)
    s2, s3 = (schedule_task(task[n], m).cycles for n in ("pipeline_2", "pipeline_3"))
    assert s3 > s2 * 1.02
    assert schedule_task(task["pipeline_3"], off).cycles == schedule_task(task["pipeline_2"], off).cycles
