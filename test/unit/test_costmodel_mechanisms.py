"""The issue-9 mechanisms of the a2a3 cost model, each on a hand-built record.

Scalar data cache, DMA bursts, per-dtype vector repeats and 32 B rows, valid-part tiles,
sort, mixed tasks on two cores with a handoff, the chip's shared GM bandwidth, scope
dependences derived from GM tensors (independent scopes overlap), and the task-entry
argument reads.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptoc.backend.record import ExecutionRecord, OpEvent, ScopeRecord, TaskRecord
from ptoc.costmodel import Machine, ScopeTimes, load_machine, schedule_scopes, simulate
from ptoc.costmodel.scheduler import canonical_events, simulate_times
from ptoc.costmodel.ops import matmul_cost, op_cost, padded_bytes
from ptoc.costmodel.task import schedule_task


@pytest.fixture(scope="module")
def m() -> Machine:
    return load_machine("a2a3")


def read(tensor: int, offset: int) -> OpEvent:
    return OpEvent("read", "pto.read", (), "int32", 4, tensor=tensor, offset=offset)


def test_sequential_reads_of_a_row_hit_the_data_cache(m: Machine) -> None:
    row = [read(3, i) for i in range(16)]  # 16 int32 = one 64 B line
    s = schedule_task(row, m)
    assert (s.cache_misses, s.cache_hits) == (1, 15)
    assert s.cycles == pytest.approx(m.scalar_read_cycles + 15 * m.scalar_hit_cycles)
    spread = [read(3, 16 * i) for i in range(16)]  # one read per line: all miss
    assert schedule_task(spread, m).cache_misses == 16
    other = [read(3, 0), read(4, 0)]  # another tensor is another line
    assert schedule_task(other, m).cache_misses == 2


def test_the_cache_is_cold_at_every_task_and_bounded(m: Machine) -> None:
    lines = m.dcache_bytes // m.dcache_line_bytes
    evs = [read(1, 16 * i) for i in range(lines + 1)] + [read(1, 0)]
    assert schedule_task(evs, m).cache_misses == lines + 2  # line 0 was evicted (LRU)


@given(st.lists(st.tuples(st.sampled_from(["read", "write", "scalar", "vector"]),
                          st.integers(0, 2), st.integers(0, 3000), st.sampled_from([4, 8])),
                max_size=300))
@settings(max_examples=60, deadline=None)
def test_renaming_cache_lines_keeps_the_schedule(
    evs: list[tuple[str, int, int, int]]
) -> None:
    """The schedule memo's key renames scalar GM accesses to their cache lines in order of
    first touch (`canonical_events`): the renamed task schedules exactly like the
    original (cycles, hits, misses), on a data cache small enough to evict."""
    mm = dataclasses.replace(load_machine("a2a3"), dcache_bytes=8 * 64)
    events = [OpEvent("vector", "arith.addf", (1, 64), "float32", 256, (), 1) if k == "vector"
              else OpEvent("scalar", "arith.addi", (), "index", 0) if k == "scalar"
              else OpEvent(k, f"pto.{k}", (), "int32" if nb == 4 else "int64", nb,
                           tensor=t, offset=off)
              for k, t, off, nb in evs]
    renamed = canonical_events(events, mm.dcache_line_bytes)
    a, b = schedule_task(events, mm), schedule_task(renamed, mm)
    assert (a.cycles, a.cache_hits, a.cache_misses) == (b.cycles, b.cache_hits, b.cache_misses)
    # two tasks that read the same pattern 32 KiB further on (whole lines) share one key
    moved = [dataclasses.replace(e, offset=e.offset + 32768 // e.nbytes)
             if e.kind in ("read", "write") else e for e in events]
    assert canonical_events(moved, mm.dcache_line_bytes) == renamed


def load(rows: int, row_bytes: int, stride: int, dtype: str = "float32") -> OpEvent:
    elt = 4 if dtype == "float32" else 2
    shape = (rows, row_bytes // elt)
    return OpEvent("load", "pto.load", shape, dtype, rows * row_bytes, (), 0,
                   rows=rows, row_bytes=row_bytes, stride_bytes=stride, tensor=0)  # fmt: skip


def test_a_strided_tile_of_short_rows_costs_per_burst(m: Machine) -> None:
    contiguous = op_cost(load(1, 64 * 256, 64 * 256), m)
    strided = op_cost(load(64, 256, 4096), m)  # the same 16 KiB as 64 rows of 256 B
    assert strided.occupancy == pytest.approx(contiguous.occupancy + 63 * m.dma_burst_cycles)
    # a row shorter than a 32 B block moves a whole block
    tiny = op_cost(load(64, 8, 4096), m)
    assert tiny.occupancy >= 64 * 32 / m.gm_read_bytes_per_cycle


def test_vector_repeats_follow_bytes_and_rows_pad_to_32_bytes(m: Machine) -> None:
    f32 = OpEvent("vector", "arith.addf", (1, 64), "float32", 256, (), 0)
    bf16 = OpEvent("vector", "arith.addf", (1, 128), "bfloat16", 256, (), 0)
    assert op_cost(f32, m).occupancy == op_cost(bf16, m).occupancy  # one 256 B repeat each
    assert padded_bytes((16, 1), "float32", m) == 16 * 32
    col = OpEvent("vector", "arith.addf", (16, 1), "float32", 64, (), 0)
    assert op_cost(col, m).occupancy == op_cost(
        OpEvent("vector", "arith.addf", (16, 8), "float32", 512, (), 0), m
    ).occupancy


def test_vector_work_on_a_valid_part_tile_is_its_valid_rows(m: Machine) -> None:
    def task(op: str) -> list[OpEvent]:
        ld = OpEvent("load", op, (8, 1024), "float32", (1 if op.endswith("valid") else 8) * 4096,
                     (), 0, rows=1, row_bytes=4096, stride_bytes=4096, tensor=0)  # fmt: skip
        return [ld, OpEvent("vector", "math.exp", (8, 1024), "float32", 32768, (0,), 1)]

    m0 = m.with_overrides(instr_issue_cycles=0.0)
    full = schedule_task(task("pto.load"), m0, detailed=True).ops[1]
    part = schedule_task(task("pto.load_valid"), m0, detailed=True).ops[1]
    assert (part.end - part.start) < (full.end - full.start) / 4


def test_sort_is_one_pass_per_event(m: Machine) -> None:
    small = op_cost(OpEvent("sort", "pto.sort32", (1, 512), "float32", 2048, (0,), 1), m)
    big = op_cost(OpEvent("sort", "pto.sort32", (1, 2048), "float32", 8192, (0,), 1), m)
    assert big.occupancy - small.occupancy == pytest.approx(
        m.sort_cycles_per_repeat * (1024 - 256) / m.sort_repeat_elements
    )


def test_mixed_task_sides_run_on_their_own_cores_with_a_handoff(m: Machine) -> None:
    cube = [
        OpEvent("load", "pto.load", (64, 64), "bfloat16", 8192, (), 0, side="cube",
                rows=1, row_bytes=8192, stride_bytes=8192, tensor=0),  # fmt: skip
        OpEvent("matmul", "pto.matmul", (64, 64), "float32", 16384, (0, 0), 1, 64, side="cube"),
        OpEvent("handoff", "pto.handoff", (64, 64), "float32", 16384, (1,), 2, side="cube"),
    ]
    vec = [OpEvent("vector", "math.exp", (64, 64), "float32", 16384, (2,), 3, side="vector")]
    s = schedule_task(cube + vec, m, mixed=True, detailed=True)
    hand, exp = s.ops[2], s.ops[3]
    assert (hand.side, exp.side) == ("cube", "vector")
    assert exp.start >= hand.start + m.handoff_cycles - 1e-9
    # a vector-side scalar read does not wait for the cube side's scalar unit
    busy_cube = [read(0, 0), read(0, 64), OpEvent("matmul", "pto.matmul", (16, 16), "float32",
                 1024, (), 5, 16, side="cube")]  # fmt: skip
    r = OpEvent("read", "pto.read", (), "int32", 4, tensor=9, offset=0, side="vector")
    both = schedule_task([*busy_cube, r], m, mixed=True, detailed=True)
    assert both.ops[3].start < both.ops[1].end


def test_concurrent_cores_share_the_chip_bandwidth(m: Machine) -> None:
    narrow = m.with_overrides(chip_gm_bytes_per_cycle=100.0)
    mb = 1 << 20
    scope = [ScopeTimes("s", "vector", [1.0] * 48, [mb] * 48, frozenset({0}), frozenset({1}))]
    rep = schedule_scopes(scope, narrow)
    # 48 MiB through 100 B/cycle: at least that long in all
    floor = 48 * mb / (100.0 * m.freq_mhz)
    assert max(t.end_us for t in rep.tasks) - min(t.start_us for t in rep.tasks) >= 0.5 * floor
    alone = schedule_scopes(scope[:1], m)
    assert max(t.exec_us for t in alone.tasks) < max(t.exec_us for t in rep.tasks)


def _scope(name: str, reads: set[int], writes: set[int], n: int = 8) -> ScopeTimes:
    return ScopeTimes(name, "vector", [20.0] * n, [0.0] * n, frozenset(reads), frozenset(writes))


def test_independent_scopes_overlap_dependent_ones_wait(m: Machine) -> None:
    indep = schedule_scopes([_scope("a", {0}, {1}), _scope("b", {2}, {3})], m)
    a, b = indep.scope("a"), indep.scope("b")
    assert b.start_us < a.end_us  # no shared tensor: they run at the same time
    for later in (_scope("b", {1}, {3}), _scope("b", {2}, {0}), _scope("b", {2}, {1})):
        dep = schedule_scopes([_scope("a", {0}, {1}), later], m)  # RAW, WAR, WAW
        assert dep.scope("b").start_us >= dep.scope("a").end_us - 1e-9


def test_simulate_derives_dependences_from_the_record(m: Machine) -> None:
    def task(src: int, dst: int) -> TaskRecord:
        evs = [  # long enough (tens of us) that the second launch's submission is early
            OpEvent("load", "pto.load", (64, 256), "float32", 65536, (), 0, rows=1,
                    row_bytes=65536, stride_bytes=65536, tensor=src),  # fmt: skip
            OpEvent("store", "pto.store", (64, 256), "float32", 65536, (0,), None, rows=1,
                    row_bytes=65536, stride_bytes=65536, tensor=dst),  # fmt: skip
        ] * 40
        return TaskRecord(0, evs)

    def rec(b_src: int) -> ExecutionRecord:
        return ExecutionRecord([
            ScopeRecord("a", "vector", [task(0, 1)]),
            ScopeRecord("b", "vector", [task(b_src, 3)]),
        ])  # fmt: skip

    overlap = simulate(rec(2), m)
    chained = simulate(rec(1), m)
    assert overlap.scope("b").start_us < overlap.scope("a").end_us
    assert chained.scope("b").start_us >= chained.scope("a").end_us - 1e-9
    assert overlap.total_us < chained.total_us


def test_every_task_reads_its_arguments_at_entry(m: Machine) -> None:
    """A task first reads the argument array and one descriptor per tensor argument
    (the launch's GM tensors), each a data-cache miss: the same per task, whatever its
    body, and proportional to the number of tensors the launch touches."""

    def scope(tensors: int) -> ScopeRecord:
        sc = ScopeRecord("s", "vector")
        for t in range(4):
            sc.tasks.append(TaskRecord(t, [read(k, 0) for k in range(tensors)]))
        return sc

    def exec_us(record: ExecutionRecord, mm: Machine) -> list[float]:
        rep = simulate(record, mm)
        return [t.end_us - t.start_us for t in rep.tasks]

    off = m.with_overrides(arg_array_reads=0, arg_reads_per_tensor=0)
    for n in (1, 3):
        rec = ExecutionRecord([scope(n)])
        extra = [a - b for a, b in zip(exec_us(rec, m), exec_us(rec, off), strict=True)]
        assert extra == pytest.approx([m.us((1 + n) * m.scalar_read_cycles)] * 4)


def test_batched_publish_gives_a_claim_one_dispatch_time(m: Machine) -> None:
    """With `batched_publish`, a thread claims blocks for all its idle cores at once and
    publishes them together: the blocks it claims share one dispatch time. 8 blocks fit
    the 16 idle AIVs of the first thread that looks, so one thread takes them all (as the
    runtime's range claim does), where one block per visit spreads them over threads."""
    times = [5.0] * 8
    one = simulate_times([("s", "vector", times)], m.with_overrides(batched_publish=0))
    many = simulate_times([("s", "vector", times)], m.with_overrides(batched_publish=1))
    by_thread: dict[int, set[float]] = {}
    for t in many.tasks:
        by_thread.setdefault(t.thread, set()).add(round(t.dispatch_us, 9))
    assert list(by_thread.values()) == [by_thread[many.tasks[0].thread]]  # one thread
    assert all(len(d) == 1 for d in by_thread.values())  # one claim, one dispatch time
    assert len({t.thread for t in one.tasks}) == 3
    assert len({round(t.dispatch_us, 9) for t in one.tasks}) > 1


def test_an_atomic_add_store_pays_per_block_on_its_pipe(m: Machine) -> None:
    def store(atomic: bool) -> OpEvent:
        return OpEvent("store", "pto.store", (16, 128), "float32", 8192, (0,), None,
                       rows=16, row_bytes=512, stride_bytes=4096, tensor=2, atomic=atomic)  # fmt: skip

    blocks = 8192 // m.dma_block_bytes
    for from_cube in (False, True):  # MTE3 from UB, FIXPIPE from L0C
        plain = op_cost(store(False), m, from_cube=from_cube)
        add = op_cost(store(True), m, from_cube=from_cube)
        assert add.pipe == plain.pipe == ("FIXPIPE" if from_cube else "MTE3")
        extra = blocks * m.atomic_add_cycles_per_block
        assert add.occupancy == pytest.approx(plain.occupancy + extra)
        assert add.latency == pytest.approx(plain.latency + extra)
    # a task ending in an atomic add takes that much longer
    mm = OpEvent("matmul", "pto.matmul", (16, 128), "float32", 8192, (), 0, k=256)
    t_plain = schedule_task([mm, store(False)], m).cycles
    t_add = schedule_task([mm, store(True)], m).cycles
    assert t_add == pytest.approx(t_plain + blocks * m.atomic_add_cycles_per_block)


def test_int8_matmul_takes_half_the_k_steps() -> None:
    """A fractal is 16 rows of 32 B: int8 packs 32 elements of K where fp16 / bf16 packs
    16, so the MMAD part (fractal steps and mad heads) of an int8 matmul is half that of a
    bf16 one of the same shape; the L1 -> L0 moves scale with the bytes."""
    m = load_machine("a2a3")
    bf16 = matmul_cost(128, 64, 128, 2, "float32", m).occupancy
    i8 = matmul_cost(128, 64, 128, 1, "int32", m).occupancy
    moves = lambda b: 128 * 128 * b / m.l1_to_l0a_bytes_per_cycle + 128 * 64 * b / m.l1_to_l0b_bytes_per_cycle  # noqa: E731
    kb16, kb32 = 128 // 16, 128 // 32
    assert bf16 - moves(2) == pytest.approx(8 * 4 * kb16 * m.fp32_mmad_passes
                                            + m.mad_head_cycles_per_k_block * kb16)
    assert i8 - moves(1) == pytest.approx(8 * 4 * kb32 + m.mad_head_cycles_per_k_block * kb32)
    # a 2x wider fractal row in the machine file halves the int8 K steps again
    wide = dataclasses.replace(m, cube_fractal_row_bytes=64)
    i8w = matmul_cost(128, 64, 128, 1, "int32", wide).occupancy
    assert i8w - moves(1) == pytest.approx(8 * 4 * 2 + m.mad_head_cycles_per_k_block * 2)


def test_an_insert_into_a_tile_moves_its_window(m: Machine) -> None:
    """PyPTO lowers an assemble into a tile to one move of the source into a subview of
    the target: a [1, 64] row inserted into a [128, 64] tile costs a [1, 64] move, run
    through the interpreter (its record names the source first)."""
    import numpy as np

    import ptoc
    from ptoc.backend.interpreter import compile_module

    text = """
func.func @k(%a: memref<1x64xf32>, %out: memref<128x64xf32>) {
  pto.spmd %i = 0 to 1 name "s" core vector {
    %c0 = arith.constant 0 : index
    %c5 = arith.constant 5 : index
    %row = pto.load %a[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %z = arith.constant dense<0.0> : tensor<128x64xf32>
    %t = tensor.insert_slice %row into %z[%c5, 0] [1, 64] [1, 1] : tensor<1x64xf32> into tensor<128x64xf32>
    pto.store %t, %out[%c0, %c0] : tensor<128x64xf32>, memref<128x64xf32>
  }
  func.return
}
"""
    a = np.arange(64, dtype=np.float32).reshape(1, 64)
    res = compile_module(ptoc.parse(text, "k.mlir")).run({"a": a, "out": np.zeros((128, 64), np.float32)})
    assert np.array_equal(res.outputs["out"][5], a[0])
    events = res.record.scopes[0].tasks[0].events
    sched = schedule_task(events, m, detailed=True)
    ins = next(o for o in sched.ops if o.op == "tensor.insert_slice")
    row = op_cost(OpEvent("vector", "tensor.insert_slice", (1, 64), "float32", 256, (), 0), m)
    tile = op_cost(OpEvent("vector", "tensor.insert_slice", (128, 64), "float32", 32768, (), 0), m)
    assert ins.end - ins.start == pytest.approx(row.latency)
    assert row.latency < tile.latency
