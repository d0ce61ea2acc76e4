"""The a2a3 cost model (ptoc.costmodel): machine file, per-op costs, per-task schedule,
AICPU scheduler, reports, and the U-curve sanity checks, on hand-built records."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptoc.backend.record import ExecutionRecord, OpEvent, ScopeRecord, TaskRecord
from ptoc.costmodel import (
    KernelReport,
    Machine,
    MachineError,
    load_machine,
    schedule_task,
    simulate,
    simulate_times,
)
from ptoc.costmodel.machine import MACHINES_DIR
from ptoc.costmodel.ops import op_cost
from synthetic_records import TaskBuilder, seed_record, softmax_pool_scope
from ptoc.costmodel import task as task_mod
from ptoc.costmodel.task import TaskSchedule, _Timeline  # pyright: ignore[reportPrivateUsage]

A2A3 = MACHINES_DIR / "a2a3.toml"


@pytest.fixture(scope="module")
def m() -> Machine:
    return load_machine("a2a3")


def zero_overhead(m: Machine) -> Machine:
    """a2a3 with every per-task cost outside the cores (and the task-entry argument
    reads) set to zero."""
    return m.with_overrides(
        arg_array_reads=0,
        arg_reads_per_tensor=0,
        aicpu_submit_us=0.0,
        aicpu_dispatch_us=0.0,
        aicpu_completion_us=0.0,
        mmio_dispatch_us=0.0,
        poll_sweep_us=0.0,
        pickup_warm_us=0.0,
        pickup_cold_us=0.0,
        scope_submit_us=0.0,
        chip_gm_bytes_per_cycle=1e9,
    )


def ev(
    kind: str,
    op: str,
    nbytes: int = 256,
    reads: tuple[int, ...] = (),
    writes: int | None = None,
    shape: tuple[int, ...] = (1, 64),
    dtype: str = "float32",
    k: int = 0,
) -> OpEvent:
    return OpEvent(kind, op, shape, dtype, nbytes, reads, writes, k)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- machine file


def test_every_machine_number_comes_from_the_file(m: Machine) -> None:
    doc = tomllib.loads(A2A3.read_text())
    flat: dict[str, object] = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            flat.update(value)  # pyright: ignore[reportUnknownArgumentType]
        else:
            flat[key] = value
    for f in dataclasses.fields(m):
        assert f.name in flat, f"Machine.{f.name} is not in a2a3.toml"
        value = getattr(m, f.name)
        if f.name == "vector_latency":
            assert dict(value) == flat[f.name]
        else:
            assert value == flat[f.name], f.name


def test_every_value_in_the_file_names_its_source() -> None:
    lines = A2A3.read_text().splitlines()
    for i, line in enumerate(lines):
        mt = re.match(r"^\s*([a-z_0-9]+)\s*=", line)
        if not mt or mt.group(1) in ("name", "extends"):
            continue
        # the value's own inline comment, or the comment block right above it (a block
        # may cover a few consecutive keys)
        context = [line]
        j = i - 1
        while j >= 0 and re.match(r"^\s*[a-z_0-9]+\s*=", lines[j]):
            j -= 1
        while j >= 0 and lines[j].lstrip().startswith("#"):
            context.append(lines[j])
            j -= 1
        text = " ".join(context)
        sourced = any(tag in text for tag in ("[ini]", "[units]", "[dma]", "[pypto]", "[rt]", "[kern]"))
        assert sourced or "fitted:" in text or "assumed:" in text, f"no source for: {line}"
    # public sources only: no development machine path, no reference outside the repository
    text = A2A3.read_text()
    assert "/work" not in text and "shared/" not in text and "a2a3-machine.md" not in text


@pytest.mark.parametrize(
    "key", ["freq_mhz", "vector_cores", "gm_read_latency_cycles", "aicpu_completion_us", "add"]
)
def test_missing_key_is_an_error_naming_it(tmp_path: Path, key: str) -> None:
    text = A2A3.read_text()
    cut = re.sub(rf"^{key}\s*=.*$", "", text, flags=re.M)
    assert cut != text
    path = tmp_path / "broken.toml"
    path.write_text(cut)
    with pytest.raises(MachineError, match=rf"missing key '[a-z_.]*{key}'"):
        load_machine(path)


def test_unknown_key_and_bad_values_are_errors(tmp_path: Path) -> None:
    text = A2A3.read_text()
    p = tmp_path / "x.toml"
    p.write_text(text.replace("[cores]\n", "[cores]\nvectr_cores = 3\n"))
    with pytest.raises(MachineError, match="unknown key 'vectr_cores'"):
        load_machine(p)
    p.write_text(re.sub(r"^vector_cores\s*=.*$", "vector_cores = -4", text, flags=re.M))
    with pytest.raises(MachineError, match="vector_cores"):
        load_machine(p)
    p.write_text(re.sub(r"^vector_cores\s*=.*$", "vector_cores = 4.5", text, flags=re.M))
    with pytest.raises(MachineError, match="integer"):
        load_machine(p)
    with pytest.raises(MachineError, match="unknown machine"):
        load_machine("no_such_machine")
    with pytest.raises(MachineError, match="no field"):
        load_machine("a2a3").with_overrides(vector_corez=1)


def test_second_machine_is_a_second_file(m: Machine) -> None:
    m2 = load_machine("a2a3_2x_vector")
    assert m2.vector_cores == 2 * m.vector_cores
    assert dataclasses.replace(m2, name=m.name, vector_cores=m.vector_cores) == m
    assert load_machine(MACHINES_DIR / "a2a3_2x_vector.toml") == m2


# --------------------------------------------------------------------------- per op


def test_vector_op_costs_by_hand(m: Machine) -> None:
    # [1, 64] fp32 = 256 B = one repeat: latency + 2 cycles
    c = op_cost(ev("vector", "arith.addf"), m)
    assert (c.pipe, c.latency) == ("V", m.latency("add") + m.vector_cycles_per_repeat)
    assert op_cost(ev("vector", "math.exp"), m).latency == m.latency("exp") + 2
    assert op_cost(ev("vector", "arith.mulf"), m).latency == m.latency("mul") + 2
    assert op_cost(ev("vector", "arith.divf"), m).latency == m.latency("div") + 2
    assert op_cost(ev("vector", "arith.maximumf"), m).latency == m.latency("maximum") + 2
    # [16, 1024] fp32 = 64 KiB = 256 repeats > 255: two instructions, two latencies
    big = ev("vector", "math.exp", nbytes=16 * 1024 * 4, shape=(16, 1024))
    c = op_cost(big, m)
    assert c.instructions == 2
    assert c.latency == 2 * m.latency("exp") + 2 * 256
    # a row reduction works on its input tile, not on its [16, 1] result
    rs = ev("vector", "pto.row_sum", nbytes=64, shape=(16, 1))
    assert op_cost(rs, m, operand_bytes=[16 * 64 * 4]).latency == m.latency("row_sum") + 2 * 16
    # ops no source lists cost as 'other'; casts have their own class
    assert op_cost(ev("vector", "pto.arange"), m).latency == m.latency("other") + 2
    assert op_cost(ev("vector", "pto.cast"), m).latency == m.latency("cast") + 2


def test_memory_op_costs_by_hand(m: Machine) -> None:
    load = op_cost(ev("load", "pto.load", nbytes=256, writes=0), m)
    assert load.pipe == "MTE2"
    assert load.occupancy == m.gm_to_ub_issue_cycles + 256 / m.gm_read_bytes_per_cycle
    assert load.latency == load.occupancy + m.gm_read_latency_cycles
    store = op_cost(ev("store", "pto.store", nbytes=4096, reads=(0,)), m)
    assert store.pipe == "MTE3"
    assert store.latency == m.ub_to_gm_fixed_cycles + 4096 / m.ub_to_gm_bytes_per_cycle
    read = op_cost(ev("read", "pto.read", nbytes=4, shape=()), m)
    assert (read.pipe, read.latency) == ("S", m.scalar_read_cycles)
    sc = op_cost(ev("scalar", "arith.addi", nbytes=8, shape=()), m)
    assert (sc.pipe, sc.latency) == ("S", m.scalar_arith_cycles)


def test_cube_op_costs_by_hand(m: Machine) -> None:
    mm = ev(
        "matmul", "pto.matmul", nbytes=64 * 64 * 4, reads=(0, 1), writes=2, shape=(64, 64), k=512
    )
    c = op_cost(mm, m, operand_dtypes=["bfloat16", "bfloat16"])
    f = m.cube_fractal
    l0a = 64 * 512 * 2 / m.l1_to_l0a_bytes_per_cycle
    l0b = 512 * 64 * 2 / m.l1_to_l0b_bytes_per_cycle
    mad = (64 // f) * (64 // f) * (
        512 // f
    ) * m.fp32_mmad_passes + m.mad_head_cycles_per_k_block * (512 // f)
    assert c.pipe == "M"
    assert c.latency == pytest.approx(l0a + l0b + mad)
    drain = op_cost(
        ev("store", "pto.store", nbytes=16384, reads=(2,), shape=(64, 64)), m, from_cube=True
    )
    assert drain.pipe == "FIXPIPE"
    assert drain.latency == pytest.approx(
        m.fixpipe_fixed_cycles + max(16384 / m.fixpipe_bytes_per_cycle, 64 * m.fixpipe_row_cycles)
    )


def test_store_of_a_matmul_result_drains_through_fixpipe(m: Machine) -> None:
    t = TaskBuilder(0)
    a = t.load((64, 512), "bfloat16")
    b = t.load((512, 64), "bfloat16")
    c = t.matmul("pto.matmul", (a, b), (64, 64), 512)
    t.store(c, (64, 64))
    sched = schedule_task(t.task.events, m, detailed=True)
    assert [o.pipe for o in sched.ops] == ["MTE2", "MTE2", "M", "FIXPIPE"]
    assert sched.ops[2].start >= sched.ops[1].end  # the matmul waits for both tiles
    assert sched.ops[3].start >= sched.ops[2].end


# --------------------------------------------------------------------------- per task


def test_dependent_chain_serialises(m: Machine) -> None:
    t = TaskBuilder(0)
    x = t.vec("arith.constant", (), (1, 64))
    y = t.vec("arith.addf", (x, x), (1, 64))
    z = t.vec("math.exp", (y,), (1, 64))
    t.vec("arith.mulf", (z, y), (1, 64))
    free_issue = m.with_overrides(instr_issue_cycles=0.0)
    expected = sum(op_cost(e, free_issue).latency for e in t.task.events)
    assert schedule_task(t.task.events, free_issue).cycles == pytest.approx(expected)
    # issuing costs the scalar unit: the first op starts one issue later
    expected_issue = m.instr_issue_cycles + sum(op_cost(e, m).latency for e in t.task.events)
    assert schedule_task(t.task.events, m).cycles >= expected_issue - 1e-9


def test_many_small_ops_are_issue_bound(m: Machine) -> None:
    """Independent one-repeat vector ops: the scalar unit's issue, not the V pipe, paces them."""
    slow = m.with_overrides(instr_issue_cycles=50.0)
    t = TaskBuilder(0)
    for _ in range(20):
        t.vec("arith.constant", (), (1, 64))
    s = schedule_task(t.task.events, slow)
    assert s.cycles >= 20 * 50.0 - 1e-9


def _step(
    t: TaskBuilder, src: int | None = None, dst: int | None = None, out: int | None = None
) -> None:
    """load -> exp -> store, optionally into given buffers (a loop body)."""
    a = t.load((1, 64), into=src)
    b = t.vec("math.exp", (a,), (1, 64), into=dst)
    t.store(b, (1, 64))
    del out


def test_independent_unrolled_copies_overlap(m: Machine) -> None:
    m = m.with_overrides(instr_issue_cycles=0.0)  # the pipes alone (issue is tested apart)
    one = TaskBuilder(0)
    _step(one)
    single = schedule_task(one.task.events, m).cycles
    four = TaskBuilder(0)
    for _ in range(4):
        _step(four)  # own buffers, like pto.unroll / pto-unroll-expand copies
    overlapped = schedule_task(four.task.events, m).cycles
    load = op_cost(ev("load", "pto.load", writes=0), m)
    store = op_cost(ev("store", "pto.store", reads=(0,)), m)
    # the global-memory latency is paid once; only the pipes' occupancies add up
    assert overlapped < 4 * single
    assert overlapped <= single + 3 * max(load.occupancy, store.occupancy) + 1e-9
    assert overlapped >= single + 3 * store.occupancy - 1e-9  # one MTE3: stores queue


def test_range_buffer_reuse_serialises(m: Machine) -> None:
    one = TaskBuilder(0)
    _step(one)
    single = schedule_task(one.task.events, m).cycles
    loop = TaskBuilder(0)
    src, dst = loop.buf(), loop.buf()
    for _ in range(4):
        _step(loop, src, dst)  # a pto.range body: the same buffers every iteration
    serial = schedule_task(loop.task.events, m).cycles
    # each load waits for the previous iteration's reads of its buffer
    load = op_cost(ev("load", "pto.load", writes=0), m)
    assert serial >= 4 * (single - op_cost(ev("store", "pto.store", reads=(0,)), m).latency)
    assert serial >= 4 * load.latency


def test_pipeline_two_overlaps_loads(m: Machine) -> None:
    # the pipes alone (issue is tested apart), with a miss-sized load latency ([pypto]'s
    # ~1400 cycles) so that the test does not hang on the fitted L2-hit value
    m = m.with_overrides(instr_issue_cycles=0.0, gm_read_latency_cycles=1400.0)

    def run(stages: int) -> tuple[float, list[float]]:
        t = TaskBuilder(0)
        src = [t.buf() for _ in range(stages)]
        dst = [t.buf() for _ in range(stages)]
        for i in range(6):
            _step(t, src[i % stages], dst[i % stages])
        s = schedule_task(t.task.events, m, detailed=True)
        loads = [o.start for o in s.ops if o.pipe == "MTE2"]
        return s.cycles, loads

    serial, _ = run(1)
    piped, loads = run(2)
    load = op_cost(ev("load", "pto.load", writes=0), m)
    assert piped < 0.85 * serial  # (the stores, one MTE3, still queue)
    # load i+1 starts while load i's data is still in flight
    assert loads[1] < loads[0] + load.latency


def test_scalar_reads_stay_serial_and_block_issue(m: Machine) -> None:
    t = TaskBuilder(0)
    t.read()
    t.read()
    a = t.load((1, 64))
    s = schedule_task(t.task.events, m, detailed=True)
    assert s.ops[1].start == pytest.approx(m.scalar_read_cycles)
    # its address was read; then the scalar unit issues it
    assert s.ops[2].start == pytest.approx(2 * m.scalar_read_cycles + m.instr_issue_cycles)
    del a


def test_in_order_pipes_never_beat_the_list_schedule(m: Machine) -> None:
    rec = softmax_pool_scope(group=2, gates=[True, False] * 32)
    for task in rec.tasks[:3]:
        free = schedule_task(task.events, m).cycles
        strict = schedule_task(task.events, m, in_order=True).cycles
        assert free <= strict + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), min_size=1, max_size=25))
def test_timeline_takes_the_earliest_gap(ops: list[tuple[int, int]]) -> None:
    tl = _Timeline()
    placed: list[tuple[float, float]] = []
    for ready, length in ops:
        t = tl.place(float(ready), float(length))
        # brute force: the earliest start >= ready that overlaps nothing placed so far
        candidates = sorted({float(ready)} | {e for _, e in placed if e >= ready})
        best = next(c for c in candidates if all(c + length <= s or c >= e for s, e in placed))
        assert t == best
        placed.append((t, t + length))
    placed.sort()
    for (_, e1), (s2, _) in itertools.pairwise(placed):
        assert e1 <= s2


_PREFIX_EVENTS = st.lists(
    st.one_of(
        st.just(("scalar",)),
        st.tuples(st.just("read"), st.integers(0, 1), st.integers(0, 300)),
        st.tuples(st.just("load"), st.integers(0, 5), st.sampled_from([(1, 64), (8, 128)])),
        st.tuples(st.just("vector"), st.integers(0, 5), st.integers(0, 5)),
        st.tuples(st.just("store"), st.integers(0, 5)),
        st.tuples(st.just("matmul"), st.integers(0, 5), st.integers(0, 5)),
    ),
    max_size=40,
)


def _prefix_events(spec: list[tuple[Any, ...]]) -> list[OpEvent]:
    """Events over six buffers (so that later events read and overwrite earlier ones)."""
    out: list[OpEvent] = []
    for x in spec:
        if x[0] == "scalar":
            out.append(ev("scalar", "arith.addi", 8, shape=()))
        elif x[0] == "read":
            out.append(OpEvent("read", "pto.read", (), "int32", 4, tensor=x[1], offset=x[2]))
        elif x[0] == "load":
            out.append(ev("load", "pto.load", 4 * x[2][0] * x[2][1], writes=x[1], shape=x[2]))
        elif x[0] == "vector":
            out.append(ev("vector", "arith.addf", reads=(x[1],), writes=x[2]))
        elif x[0] == "store":
            out.append(ev("store", "pto.store", reads=(x[1],)))
        else:
            out.append(ev("matmul", "pto.matmul", 4 * 64 * 64, reads=(x[1],), writes=x[2],
                          shape=(64, 64), k=64))
    return out


def _same_schedule(a: TaskSchedule, b: TaskSchedule) -> bool:
    return (a.cycles, a.pipe_busy, a.gm_bytes, a.cache_hits, a.cache_misses) == (
        b.cycles, b.pipe_busy, b.gm_bytes, b.cache_hits, b.cache_misses)


@settings(max_examples=150, deadline=None)
@given(_PREFIX_EVENTS, st.lists(_PREFIX_EVENTS, min_size=1, max_size=4), st.booleans())
def test_a_task_resumed_from_a_shared_prefix_gets_the_same_schedule(
    m: Machine, head: list[Any], tails: list[list[Any]], in_order: bool
) -> None:
    # tasks that share their first events (as unrolled variants do), scheduled with the
    # prefix memo, in short chunks so that they resume at several points, against the
    # same tasks scheduled from scratch; on in-order pipes and on list-scheduled ones
    mach = m if in_order else m.with_overrides(in_order_pipes=0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(task_mod, "_CHUNK", 4)
        task_mod.clear_prefix_memo()
        try:
            for tail in tails:
                events = _prefix_events(head + tail)
                memo = schedule_task(events, mach, resume=True)
                fresh = schedule_task(events, mach)
                assert _same_schedule(memo, fresh)
        finally:
            task_mod.clear_prefix_memo()


def test_the_prefix_memo_resumes_and_is_emptied_when_full(
    m: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(task_mod, "_CHUNK", 4)
    task_mod.clear_prefix_memo()
    try:
        head = [("load", 0, (8, 128)), ("vector", 0, 1), ("read", 0, 3), ("store", 1)] * 3
        a = _prefix_events(head + [("scalar",)] * 5)
        b = _prefix_events(head + [("matmul", 1, 2), ("store", 2)])
        schedule_task(a, m, resume=True)
        saved = len(task_mod._PREFIX)  # pyright: ignore[reportPrivateUsage]
        assert saved == 4  # after 4, 8, 12 and 16 of a's 17 events
        assert _same_schedule(schedule_task(b, m, resume=True), schedule_task(b, m))
        # b resumed after the 12 shared events: it added no state before them
        assert len(task_mod._PREFIX) == saved  # pyright: ignore[reportPrivateUsage]
        monkeypatch.setattr(task_mod, "_PREFIX_MAX_ENTRIES", 1)
        schedule_task(_prefix_events([("scalar",)] * 9), m, resume=True)
        assert len(task_mod._PREFIX) == 1  # pyright: ignore[reportPrivateUsage]
    finally:
        task_mod.clear_prefix_memo()


def test_the_prefix_memo_is_on_only_inside_a_sharing_block(
    m: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptoc.costmodel.scheduler import task_schedule

    monkeypatch.setattr(task_mod, "_CHUNK", 4)
    task_mod.clear_prefix_memo()
    events = _prefix_events([("load", 0, (1, 64)), ("vector", 0, 1), ("store", 1)] * 4)
    mach = m.with_overrides(scalar_arith_cycles=m.scalar_arith_cycles + 1)  # not cached yet
    task_schedule(events, mach)
    assert not task_mod.prefix_sharing() and not task_mod._PREFIX  # pyright: ignore[reportPrivateUsage]
    with task_mod.sharing_prefixes():
        assert task_mod.prefix_sharing()
        task_schedule(events + events[:1], mach)
        assert len(task_mod._PREFIX) == 3  # pyright: ignore[reportPrivateUsage]
    assert not task_mod.prefix_sharing() and not task_mod._PREFIX  # pyright: ignore[reportPrivateUsage]


# --------------------------------------------------------------------------- scheduler


@pytest.mark.parametrize("n,waves", [(1, 1), (48, 1), (49, 2), (96, 2), (100, 3), (150, 4)])
def test_waves_of_n_equal_tasks_on_48_cores(m: Machine, n: int, waves: int) -> None:
    # blocks all submitted up front, tasks long against the dispatch costs
    now = m.with_overrides(aicpu_submit_us=0.0)
    rep = simulate_times([("s", "vector", [100.0] * n)], now)
    s = rep.scope("s")
    assert s.tasks == n
    assert s.waves == waves
    assert s.cores_used == min(n, m.vector_cores)
    # each wave costs at least one task's execution
    assert waves * 100.0 <= s.span_us < waves * 100.0 + 50.0


def test_orchestrator_submission_limits_short_tasks(m: Machine) -> None:
    """Blocks become claimable one `aicpu_submit_us` after another (after the launch's
    `scope_submit_us`): the scope takes at least its submissions."""
    n = 48
    m = m.with_overrides(scheduler_start_us=0.0, aicpu_submit_us=0.5)
    rep = simulate_times([("s", "vector", [2.0] * n)], m)
    s = rep.scope("s")
    assert s.end_us >= m.scope_submit_us + n * m.aicpu_submit_us
    for t in rep.tasks:
        assert t.dispatch_us >= m.scope_submit_us + (t.task_id + 1) * m.aicpu_submit_us - 1e-9
    # with a head start, the orchestrator's first blocks are ready at the first dispatch
    lead = simulate_times([("s", "vector", [2.0] * n)], m.with_overrides(scheduler_start_us=50.0))
    ready = [
        t for t in lead.tasks if m.scope_submit_us + (t.task_id + 1) * m.aicpu_submit_us <= 50.0
    ]
    assert ready and all(t.dispatch_us < 50.0 for t in ready)


def test_cube_and_mix_scopes_use_their_cores(m: Machine) -> None:
    now = m.with_overrides(aicpu_submit_us=0.0)
    rep = simulate_times([("c", "cube", [100.0] * 30), ("x", "mix", [100.0] * 30)], now)
    assert rep.scope("c").cores_used == m.cube_cores
    assert rep.scope("x").cores_used == m.clusters
    assert {t.core[:3] for t in rep.tasks} == {"AIC", "Clu"}
    with pytest.raises(MachineError, match="unknown core kind"):
        simulate_times([("z", "gpu", [1.0])], m)


def test_swimlane_metric_definitions(m: Machine) -> None:
    rep = simulate_times([("a", "vector", [3.0] * 60), ("b", "cube", [7.0] * 5)], m)
    slots = rep.tasks
    assert rep.total_us == pytest.approx(
        max(t.finish_us for t in slots) - min(t.dispatch_us for t in slots)
    )
    for name in ("a", "b"):
        mine = [t for t in slots if t.scope == name]
        s = rep.scope(name)
        assert s.exec_pct == pytest.approx(
            100
            * sum(t.end_us - t.start_us for t in mine)
            / sum(t.finish_us - t.dispatch_us for t in mine)
        )
        assert s.head_oh_us == pytest.approx(
            sum(t.start_us - t.dispatch_us for t in mine) / len(mine)
        )
        assert s.tail_oh_us == pytest.approx(sum(t.finish_us - t.end_us for t in mine) / len(mine))
    for t in slots:
        assert t.dispatch_us <= t.start_us <= t.end_us <= t.finish_us
        assert t.head_oh_us >= min(m.pickup_warm_us, m.pickup_cold_us) - 1e-9
    # scopes run in program order
    assert min(t.dispatch_us for t in slots if t.scope == "b") >= max(
        t.finish_us for t in slots if t.scope == "a"
    )


def test_one_core_runs_one_task_at_a_time(m: Machine) -> None:
    rep = simulate_times([("a", "vector", [1.0 + (i % 7) for i in range(200)])], m)
    by_core: dict[str, list[tuple[float, float]]] = {}
    for t in rep.tasks:
        by_core.setdefault(t.core, []).append((t.dispatch_us, t.finish_us))
    for spans in by_core.values():
        spans.sort()
        for (_, f1), (d2, _) in itertools.pairwise(spans):
            assert d2 >= f1  # a core gets its next task only after its completion was seen


def test_warm_and_cold_pickup(m: Machine) -> None:
    rep = simulate_times([("a", "vector", [100.0] * 96)], m.with_overrides(aicpu_submit_us=0.0))
    first = [t for t in rep.tasks if t.task_id < 48]
    second = [t for t in rep.tasks if t.task_id >= 48]
    assert all(t.cold and t.head_oh_us == pytest.approx(m.pickup_cold_us) for t in first)
    assert all(not t.cold and t.head_oh_us == pytest.approx(m.pickup_warm_us) for t in second)


def test_tail_overhead_grows_with_the_tasks_a_thread_must_handle(m: Machine) -> None:
    """Tasks that end together queue for their thread: the k-th completion it sees waits
    for the handling of the k - 1 before it."""
    at_once = m.with_overrides(aicpu_submit_us=0.0, aicpu_dispatch_us=0.0, mmio_dispatch_us=0.0)

    def tail(n: int, c: float) -> float:
        mc = at_once.with_overrides(aicpu_completion_us=c)
        return simulate_times([("a", "vector", [50.0] * n)], mc).scope("a").tail_oh_us

    # 48 tasks: 16 per thread, mean queue position 7.5 completions
    assert tail(48, 2.0) - tail(48, 0.0) == pytest.approx(7.5 * 2.0, rel=0.1)
    # 6 tasks: 2 per thread
    assert tail(6, 2.0) - tail(6, 0.0) == pytest.approx(0.5 * 2.0, rel=0.1)
    # the sweep: with nothing else to do a thread sees a completion within one sweep
    assert tail(48, 0.0) <= 16 * m.poll_us_per_core + 1e-9


def test_per_task_aicpu_costs_are_a_mechanism_not_a_constant(m: Machine) -> None:
    """More tasks for the same work cost more outside the cores; without the AICPU
    costs the difference is only the cores' own waves."""
    work = 64 * 10.0
    for n in (16, 32, 64):
        assert sum([work / n] * n) == pytest.approx(work)
    with_oh = [simulate_times([("a", "vector", [work / n] * n)], m).total_us for n in (48, 96)]
    zero = zero_overhead(m)
    without = [simulate_times([("a", "vector", [work / n] * n)], zero).total_us for n in (48, 96)]
    assert without[0] == pytest.approx(without[1])  # one wave of 2x vs two waves of 1x
    assert with_oh[1] > with_oh[0]


def test_empty_record(m: Machine) -> None:
    rep = simulate(ExecutionRecord(), m)
    assert rep.total_us == 0.0 and rep.scopes == [] and rep.tasks == []
    rep = simulate(ExecutionRecord([ScopeRecord("e", "vector", [])]), m)
    assert rep.scope("e").tasks == 0


# --------------------------------------------------------------------------- U-curve sanity


def _no_overlap_scope(group: int, batches: int = 64) -> ScopeRecord:
    """Each batch is a chain through one buffer that every batch of the task shares:
    batches of a task cannot overlap, a task of G batches takes G times as long."""
    scope = ScopeRecord("pool", "vector")
    for task_id in range(batches // group):
        t = TaskRecord(task_id)
        for _ in range(group):
            for _ in range(50):
                t.events.append(ev("vector", "math.exp", reads=(0,), writes=0))
        scope.tasks.append(t)
    return scope


def test_zero_overhead_no_overlap_g1_and_g2_tie_larger_g_slower(m: Machine) -> None:
    zero = zero_overhead(m)
    totals = {
        g: simulate(ExecutionRecord([_no_overlap_scope(g)]), zero).total_us
        for g in (1, 2, 4, 8, 16)
    }
    # two waves of one batch = one wave of two (up to the issue of the second batch's first
    # instruction, which overlaps the first batch's last one)
    assert totals[1] == pytest.approx(totals[2], rel=0.02)
    assert totals[2] < totals[4] < totals[8] < totals[16]


def _best_group(m: Machine, groups: tuple[int, ...] = (1, 2, 4, 8)) -> int:
    gates = [b % 3 != 0 for b in range(64)]
    totals = {g: simulate(seed_record(g, gates), m).total_us for g in groups}
    return min(totals, key=lambda g: (totals[g], g))


def test_twice_the_vector_cores_never_wants_a_larger_group(m: Machine) -> None:
    assert _best_group(load_machine("a2a3_2x_vector")) <= _best_group(m)
    zero = zero_overhead(m)
    assert _best_group(zero.with_overrides(vector_cores=96)) <= _best_group(zero)


def test_synthetic_seed_record_has_a_u_curve(m: Machine) -> None:
    gates = [b % 2 == 0 for b in range(64)]
    totals = {g: simulate(seed_record(g, gates), m).total_us for g in (1, 2, 4, 8)}
    assert totals[2] < totals[1]
    assert totals[2] < totals[8]


# --------------------------------------------------------------------------- reports


def _report(m: Machine) -> KernelReport:
    return simulate(seed_record(2, [b % 2 == 0 for b in range(64)]), m)


def test_trace_events_are_valid_chrome_trace_json(m: Machine) -> None:
    rep = _report(m)
    doc: dict[str, Any] = json.loads(json.dumps(rep.to_trace_events()))
    events: list[dict[str, Any]] = doc["traceEvents"]
    assert isinstance(events, list) and events
    slices = [e for e in events if e["ph"] == "X"]
    meta = [e for e in events if e["ph"] == "M"]
    assert len(slices) == len(rep.tasks)
    for e in events:
        assert e["ph"] in ("X", "M")
        assert isinstance(e["name"], str)
        assert isinstance(e["pid"], int) and isinstance(e["tid"], int)
    for e in slices:
        assert isinstance(e["ts"], int | float) and isinstance(e["dur"], int | float)
        assert e["dur"] >= 0 and math.isfinite(e["ts"])
        assert re.fullmatch(r"[a-z_]+#\d+", e["name"])
    names = {(e["pid"], e["tid"]) for e in meta if e["name"] == "thread_name"}
    assert {(e["pid"], e["tid"]) for e in slices} <= names  # every row is named
    assert {e["pid"] for e in meta if e["name"] == "process_name"} >= {e["pid"] for e in slices}
    # one row per core: slices on one row never overlap
    rows: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for e in slices:
        rows.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in rows.values():
        spans.sort()
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            assert e1 <= s2 + 1e-6


def test_table_and_json(m: Machine) -> None:
    rep = _report(m)
    table = rep.to_table()
    for s in rep.scopes:
        assert s.name in table
    assert f"{rep.total_us:.2f}" in table
    doc = json.loads(json.dumps(rep.to_json()))
    assert doc["total_us"] == pytest.approx(rep.total_us)
    assert [s["name"] for s in doc["scopes"]] == [s.name for s in rep.scopes]
    assert len(doc["tasks"]) == len(rep.tasks)
    with pytest.raises(KeyError, match="no scope named"):
        rep.scope("nope")


# --------------------------------------------------------------------------- properties

_KINDS = ("load", "vector", "store", "read", "scalar")


@st.composite
def _task_events(draw: st.DrawFn) -> list[OpEvent]:
    """Random but well-formed tasks: reads only of buffers written before."""
    n = draw(st.integers(1, 30))
    written: list[int] = []
    out: list[OpEvent] = []
    for _ in range(n):
        kind = draw(st.sampled_from(_KINDS))
        nbytes = draw(st.sampled_from([256, 1024, 4096, 65536]))
        if kind in ("read", "scalar"):
            out.append(ev(kind, "pto.read" if kind == "read" else "arith.addi", 4, shape=()))
            continue
        reads: tuple[int, ...] = ()
        if kind in ("vector", "store") and written:
            reads = tuple(draw(st.lists(st.sampled_from(written), min_size=1, max_size=2)))
        elif kind == "store":
            continue
        writes = None if kind == "store" else draw(st.integers(0, 6))
        op = "pto.load" if kind == "load" else "pto.store" if kind == "store" else "arith.addf"
        out.append(ev(kind, op, nbytes, reads, writes))
        if writes is not None:
            written.append(writes)
    return out


@settings(max_examples=150, deadline=None)
@given(_task_events(), st.booleans())
def test_task_schedule_respects_dependences_and_pipes(
    events: list[OpEvent], in_order: bool
) -> None:
    m = load_machine("a2a3")
    s = schedule_task(events, m, detailed=True, in_order=in_order)
    assert len(s.ops) == len(events)
    last_write: dict[int, float] = {}
    reads_since: dict[int, float] = {}
    busy: dict[str, list[tuple[float, float]]] = {}
    for e, o in zip(events, s.ops, strict=True):
        for b in e.reads:  # read after write
            assert o.start >= last_write.get(b, 0.0) - 1e-9
        if e.writes is not None:  # write after read / write after write
            assert o.start >= reads_since.get(e.writes, 0.0) - 1e-9
            assert o.start >= last_write.get(e.writes, 0.0) - 1e-9
        for b in e.reads:
            reads_since[b] = max(reads_since.get(b, 0.0), o.end)
        if e.writes is not None:
            last_write[e.writes] = o.end
            reads_since[e.writes] = 0.0
        occ = op_cost(e, m, [4096] * len(e.reads)).occupancy if e.kind != "vector" else None
        if occ is not None:
            busy.setdefault(o.pipe, []).append((o.start, o.start + occ))
        assert o.end <= s.cycles + 1e-9
    for spans in busy.values():  # one instruction at a time per pipe
        spans.sort()
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            assert e1 <= s2 + 1e-9
    # scalar ops run in program order, each after the previous one
    scal = [o for e, o in zip(events, s.ops, strict=True) if e.kind in ("read", "scalar")]
    for a, b in itertools.pairwise(scal):
        assert b.start >= a.end - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["vector", "cube", "mix"]),
            st.lists(st.floats(0.0, 40.0, allow_nan=False), min_size=0, max_size=70),
        ),
        min_size=1,
        max_size=4,
    ),
    st.floats(0.0, 4.0),
    st.floats(0.0, 3.0),
)
def test_scheduler_invariants(
    scopes: list[tuple[str, list[float]]], submit: float, dispatch: float
) -> None:
    m = load_machine("a2a3").with_overrides(aicpu_submit_us=submit, aicpu_dispatch_us=dispatch)
    named = [(f"s{i}", kind, times) for i, (kind, times) in enumerate(scopes)]
    rep = simulate_times(named, m)
    assert len(rep.tasks) == sum(len(t) for _, _, t in named)
    by_core: dict[str, list[tuple[float, float]]] = {}
    for name, _, times in named:
        mine = [t for t in rep.tasks if t.scope == name]
        assert sorted(t.task_id for t in mine) == list(range(len(times)))
        for t in mine:
            assert t.dispatch_us <= t.start_us <= t.end_us <= t.finish_us
            assert t.exec_us == pytest.approx(times[t.task_id])
            by_core.setdefault(t.core, []).append((t.dispatch_us, t.finish_us))
    for spans in by_core.values():
        spans.sort()
        for (_, f1), (d2, _) in itertools.pairwise(spans):
            assert d2 >= f1 - 1e-9
    # program order between scopes
    for (a, _, ta), (b, _, tb) in itertools.pairwise(named):
        if ta and tb:
            assert rep.scope(b).start_us >= rep.scope(a).end_us - 1e-9


# --------------------------------------------------------------------------- the fit script


def _fit_module() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "bench" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["calibrate"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_fit_writes_values_and_keeps_the_sources(tmp_path: Path) -> None:
    fit = _fit_module()
    path = tmp_path / "a2a3.toml"
    path.write_text(A2A3.read_text())
    fit.write_values(path, {"aicpu_submit_us": 0.25, "scalar_read_cycles": 420.0})
    m = load_machine(path)
    assert (m.aicpu_submit_us, m.scalar_read_cycles) == (0.25, 420.0)
    assert path.read_text().count("fitted:") == A2A3.read_text().count("fitted:")
    assert dataclasses.replace(
        m,
        aicpu_submit_us=load_machine("a2a3").aicpu_submit_us,
        scalar_read_cycles=load_machine("a2a3").scalar_read_cycles,
    ) == load_machine("a2a3")
    with pytest.raises(SystemExit):
        fit.write_values(path, {"no_such_key": 1})


def test_fitted_parameters_state_bounds_inside_which_they_sit() -> None:
    fit = _fit_module()
    params = fit.fitted_params(A2A3)
    assert len(params) >= 8
    m = load_machine("a2a3")
    for p in params:
        assert p.lo < p.hi, p.name
        assert p.lo <= getattr(m, p.name) <= p.hi, p.name


def test_unit_scaling_round_trips() -> None:
    fit = _fit_module()
    params = fit.fitted_params(A2A3)
    m = load_machine("a2a3")
    x = [float(getattr(m, p.name)) for p in params]
    back = fit.from_unit(params, fit.to_unit(params, x))
    for a, b, p in zip(x, back, params, strict=True):
        assert b == pytest.approx(max(a, max(p.lo, 1e-6)), rel=1e-9), p.name
