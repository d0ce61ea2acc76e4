"""Per-task schedule: the ops one task ran, list-scheduled on the core's pipes.

The model of an AICore running one task (CANN Ascend C guide, compute units; the
numbers are fields of the machine file):

- The scalar unit walks the instruction stream in program order. Scalar ops (index
  arithmetic, `pto.read` of global memory) execute on it and block it: nothing after a
  scalar op is issued before the op completes (its value may be an address). This is
  what bounds the overlap of unrolled copies: their scalar reads stay serial.
- Every other op is issued, in program order, to its pipe (MTE2, V, MTE3, M, FIXPIPE).
  A pipe runs one instruction at a time; pipes run concurrently. The schedule is a list
  schedule in program order: each op takes the earliest time at which its pipe is free
  for its occupancy (a gap left by ops that waited for data counts) and:
- its operand buffers hold their data (read after write), and, if it writes a buffer,
  every read of that buffer's previous contents has finished (write after read) and the
  previous write has landed (write after write).

- Every tile instruction costs the scalar unit `instr_issue_cycles` to issue: a task of
  many small ops is issue-bound even when its pipes are idle.
- Scalar GM reads go through the scalar unit's data cache (`dcache_bytes` of
  `dcache_line_bytes` lines, LRU, cold at the start of every task): a read of a line the
  task already touched costs `scalar_hit_cycles`, a miss `scalar_read_cycles`; sequential
  reads of one index row hit after the first.
- A mixed (`core mix`) task runs on a cluster: its cube side and its vector side are
  separate cores, each with its own scalar unit and pipes. An op runs on the side the
  record names (`side`), else on the side its kind implies (matmul: cube; vector: vector;
  a load or a scalar op: the side of the next op that uses it). A tile produced on one
  side and used on the other is visible `handoff_cycles` after it is complete.
- A tile loaded with `pto.load_valid` is valid in part only; vector ops on it (and on
  what they compute from it, of the same shape) work on the valid rows: a [8, 1024] tile
  with one valid row costs one row's repeats.

Buffer ids come from the execution record: a `pto.range` body reuses one buffer every
iteration, so iteration i+1's load waits for iteration i's last read (the loop
serialises); unrolled copies own distinct buffers, so their work interleaves on the
pipes. `schedule_task(..., in_order=True)` instead keeps each pipe strictly in program
order (an instruction waits for every earlier one of its pipe): a bound for comparison,
not the default (refitted on the seed's measurements it fits worse, see MODEL.md).
"""

from __future__ import annotations

import bisect
import itertools
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ptoc.backend.record import OpEvent
from ptoc.costmodel.machine import Machine
from ptoc.costmodel.ops import PIPES, OpCost, Pipe, dtype_bytes, op_cost, padded_bytes


class _Timeline:
    """The busy intervals of one pipe; an op takes the earliest gap that fits."""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []

    def place(self, ready: float, length: float) -> float:
        if length <= 0:
            return ready
        starts, ends = self.starts, self.ends
        n = len(starts)
        if n == 0 or ready >= ends[-1]:
            t = ready
            i = n
        else:
            i = bisect.bisect_right(ends, ready)  # first interval ending after `ready`
            t = ready
            while i < n and starts[i] < t + length:
                if ends[i] > t:
                    t = ends[i]
                i += 1
        # insert [t, t + length) before interval i, merging with touching neighbours
        e = t + length
        if i > 0 and ends[i - 1] >= t:
            ends[i - 1] = max(ends[i - 1], e)
            if i < n and starts[i] <= ends[i - 1]:
                ends[i - 1] = max(ends[i - 1], ends[i])
                del starts[i], ends[i]
        elif i < n and starts[i] <= e:
            starts[i] = t
        else:
            starts.insert(i, t)
            ends.insert(i, e)
        return t


@dataclass(frozen=True, slots=True)
class ScheduledOp:
    index: int
    """Position of the event in the task's record."""
    op: str
    pipe: Pipe
    start: float
    """Cycles from the task's start."""
    end: float
    """When its result is complete (start + latency)."""
    side: str = ""


@dataclass(frozen=True)
class TaskSchedule:
    cycles: float
    """From the task's first instruction to the last one's completion."""
    pipe_busy: dict[str, float] = field(default_factory=dict[str, float])
    """Cycles each pipe was held (summed over the sides of a mixed task)."""
    ops: tuple[ScheduledOp, ...] = ()
    """Per-op placement (only when asked for: `detailed=True`)."""
    gm_bytes: float = 0.0
    """Bytes the task moved between GM and the core (loads and stores)."""
    cache_hits: int = 0
    cache_misses: int = 0


def _elements(shape: Sequence[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _sides(events: Sequence[OpEvent]) -> list[str]:
    """The side (cube / vector) of every event of a mixed task."""
    n = len(events)
    side: list[str] = [""] * n
    producer: dict[int, str] = {}
    for i, e in enumerate(events):
        if e.side:
            side[i] = e.side
        elif e.kind == "matmul":
            side[i] = "cube"
        elif e.kind in ("vector", "sort"):
            side[i] = "vector"
        elif e.kind == "store":
            side[i] = next((producer[b] for b in e.reads if b in producer), "")
        if side[i] and e.writes is not None:
            producer[e.writes] = side[i]
    # loads: the side of their first consumer; scalars: the side of the next tile op
    first_use: dict[int, str] = {}
    nxt = "vector"
    for i in range(n - 1, -1, -1):
        e = events[i]
        if not side[i]:
            if e.kind == "load" and e.writes is not None:
                side[i] = first_use.get(e.writes, nxt)
            elif e.kind == "store":
                side[i] = nxt
            else:
                side[i] = nxt
        if e.kind not in ("scalar", "read", "write"):
            nxt = side[i]
        for b in e.reads:
            first_use[b] = side[i]
    return side


_CHUNK = 256
"""Events between two saved states of the prefix memo (`schedule_task(resume=True)`)."""
_PREFIX: dict[tuple[object, ...], tuple[int, tuple[Any, ...]]] = {}
"""(node of the prefix before, machine, in_order, the next `_CHUNK` events) -> (node of the
longer prefix, the scheduler's state after it). Node 0 is the empty prefix."""
_PREFIX_ENTRIES = [0]  # dict entries held by the saved states
_NODE_IDS = itertools.count(1)
_PREFIX_MAX_ENTRIES = 4_000_000  # ~300 MB at most; the memo is emptied when it is full


_SHARING = [0]  # depth of `sharing_prefixes` blocks


def clear_prefix_memo() -> None:
    """Forget every saved prefix state (the memo is also emptied when it is full)."""
    _PREFIX.clear()
    _PREFIX_ENTRIES[0] = 0


def prefix_sharing() -> bool:
    """Whether a `sharing_prefixes` block is running (the memoised `task_schedule` of
    ptoc.costmodel.scheduler then resumes tasks from shared prefixes)."""
    return _SHARING[0] > 0


@contextmanager
def sharing_prefixes() -> Iterator[None]:
    """Schedule tasks with the prefix memo inside the block; forget the memo after it.

    For a sweep, whose variants' tasks share prefixes on one machine. Outside such a
    block the memo is off: a fit that tries a new machine at every step would save
    states it never uses (measured on bench/calibrate.py: 92 s against 69 s for the fit)."""
    _SHARING[0] += 1
    try:
        yield
    finally:
        _SHARING[0] -= 1
        if not _SHARING[0]:
            clear_prefix_memo()


def schedule_task(
    events: Sequence[OpEvent],
    m: Machine,
    *,
    detailed: bool = False,
    in_order: bool = False,
    mixed: bool = False,
    resume: bool = False,
) -> TaskSchedule:
    """List-schedule one task's events on the pipes of one core (of a cluster's two
    sides when `mixed`).

    With `resume` (not with `detailed` or `mixed`), the state of the scheduler after every
    `_CHUNK` events is kept, keyed by the exact events before it, and a task that starts
    with a kept prefix resumes from its state instead of scheduling the prefix again. The
    schedule is causal (an event's placement depends only on the events before it), so
    the result is the same as without `resume`, float for float. Unrolled variants share
    prefixes: a task of 8 batches starts with the events of the task of 4 that begins at
    the same batch when the first four batches take the same branches. A mixed task's
    sides are assigned looking ahead (`_sides`), so it is never resumed."""
    in_order = in_order or m.in_order_pipes > 0
    side_of = _sides(events) if mixed else None
    names = ("cube", "vector") if mixed else ("",)
    slots = {(sd, p): _Timeline() for sd in names for p in PIPES}
    issue = dict.fromkeys(names, 0.0)  # each side's in-order scalar unit position
    pipe_free: dict[tuple[str, str], float] = dict.fromkeys(slots, 0.0)
    busy: dict[str, float] = dict.fromkeys(PIPES, 0.0)
    ready: dict[int, float] = {}  # buffer -> when its current contents are complete
    where: dict[int, str] = {}  # buffer -> side that produced it
    last_read: dict[int, float] = {}  # buffer -> last completion of a read of its contents
    size: dict[int, int] = {}
    dtype: dict[int, str] = {}
    cube: dict[int, bool] = {}  # buffer holds a cube (L0C) result
    shape_of: dict[int, tuple[int, ...]] = {}
    valid: dict[int, float] = {}  # buffer -> valid share of its tile (load_valid)
    lines: dict[str, OrderedDict[tuple[int, int], None]] = {sd: OrderedDict() for sd in names}
    n_lines = max(1, m.dcache_bytes // m.dcache_line_bytes)
    line = m.dcache_line_bytes
    handoff = m.handoff_cycles
    issue_cost = m.instr_issue_cycles
    finish = 0.0
    gm_bytes = 0.0
    hits = misses = 0
    placed: list[ScheduledOp] = []
    costs: dict[tuple[object, ...], OpCost] = {}  # an event's cost, given its operands

    scalar_c = float(m.scalar_arith_cycles)
    pads: dict[tuple[tuple[int, ...], str], int] = {}

    def padded(shape: tuple[int, ...], dt: str) -> int:
        k = (shape, dt)
        got = pads.get(k)
        if got is None:
            got = pads[k] = padded_bytes(shape, dt, m)
        return got

    n = len(events)
    begin = 0
    node = 0
    next_save = n + 1  # no saved states
    memo_base: tuple[object, ...] = ()
    if resume and not detailed and not mixed and n >= _CHUNK:
        memo_base = (m, in_order)
        while begin + _CHUNK <= n:
            got = _PREFIX.get((node, memo_base, tuple(events[begin : begin + _CHUNK])))
            if got is None:
                break
            node, saved = got
            begin += _CHUNK
        if begin:
            (issue, pipe_free, busy, ready, last_read, size, dtype, cube, shape_of, valid,
             lines, timelines, finish, gm_bytes, hits, misses) = _copy_state(saved)
            for k, (st, en) in timelines.items():
                slots[k].starts, slots[k].ends = st, en
        next_save = begin + _CHUNK

    s_key = ("", "S")
    for i in range(begin, n):
        if i == next_save:
            # keep the state after events[:i] (its key: the node of events[:i - _CHUNK])
            state = (issue, pipe_free, busy, ready, last_read, size, dtype, cube, shape_of,
                     valid, lines, {k: (t.starts, t.ends) for k, t in slots.items()},
                     finish, gm_bytes, hits, misses)
            node = _save_prefix((node, memo_base, tuple(events[i - _CHUNK : i])),
                                _copy_state(state))
            next_save = i + _CHUNK
        e = events[i]
        kind = e.kind
        reads = e.reads
        if kind == "scalar" and side_of is None and not reads and e.writes is None:
            # fast path of the general code below for index arithmetic on the scalar unit
            start = issue[""]
            pf = pipe_free[s_key]
            if pf > start:
                start = pf
            end = start + scalar_c
            pipe_free[s_key] = end
            busy["S"] += scalar_c
            issue[""] = end
            if end > finish:
                finish = end
            if detailed:
                placed.append(ScheduledOp(i, e.op, "S", start, end, ""))
            continue
        sd = side_of[i] if side_of is not None else ""
        hit = False
        if kind == "read" or kind == "write":
            cache = lines[sd]
            if e.tensor >= 0 and e.offset >= 0:
                key = (e.tensor, e.offset * max(1, e.nbytes) // line)
                if key in cache:
                    hit = True
                    cache.move_to_end(key)
                else:
                    cache[key] = None
                    if len(cache) > n_lines:
                        cache.popitem(last=False)
            if kind == "read":
                if hit:
                    hits += 1
                else:
                    misses += 1
        from_cube = False
        if kind == "store":
            for b in reads:
                if cube.get(b, False):
                    from_cube = True
                    break
        # the valid part of the result: a load_valid's share of its tile; a vector op's
        # the smallest of its same-shaped operands' (a valid region propagates)
        frac = 1.0
        if kind == "load":
            if e.op.endswith("load_valid") and e.shape and padded(e.shape, e.dtype) > 0:
                frac = min(1.0, e.nbytes / max(1, _elements(e.shape) * dtype_bytes(e.dtype)))
        elif kind == "vector":
            for b in reads:
                if shape_of.get(b) == e.shape:
                    frac = min(frac, valid.get(b, 1.0))
        sizes = tuple([int(size.get(b, 0) * valid.get(b, 1.0)) for b in reads])
        ckey = (e, sizes, from_cube, hit, frac)
        cost = costs.get(ckey)
        if cost is None:
            cost = costs[ckey] = op_cost(
                e, m, sizes, [dtype.get(b, e.dtype) for b in reads], from_cube, hit, frac
            )
        if kind == "load" or kind == "store":
            gm_bytes += e.nbytes
        pipe = cost.pipe
        start = issue[sd]
        if pipe != "S":
            # the scalar unit issues the instruction, then moves on
            start += issue_cost * cost.instructions
            issue[sd] = start
        for b in reads:
            r = ready.get(b, 0.0)
            if side_of is not None and where.get(b, sd) != sd and kind != "handoff":
                r += handoff
            if r > start:
                start = r
        w = e.writes
        if w is not None:
            war = last_read.get(w, 0.0)
            waw = ready.get(w, 0.0)
            if war > start:
                start = war
            if waw > start:
                start = waw
        key2 = (sd, pipe)
        if pipe == "S" or in_order:
            if pipe_free[key2] > start:
                start = pipe_free[key2]
            pipe_free[key2] = start + cost.occupancy
        else:
            start = slots[key2].place(start, cost.occupancy)
        end = start + cost.latency
        busy[pipe] += cost.occupancy
        if pipe == "S":
            issue[sd] = end
        for b in reads:
            if last_read.get(b, 0.0) < end:
                last_read[b] = end
        if w is not None:
            ready[w] = end
            last_read[w] = 0.0
            size[w] = padded(e.shape, e.dtype) if e.shape else e.nbytes
            shape_of[w] = e.shape
            valid[w] = frac
            dtype[w] = e.dtype
            cube[w] = kind == "matmul"
            if side_of is not None:
                # a handoff's result lives on the other side
                if kind == "handoff":
                    where[w] = "vector" if sd == "cube" else "cube"
                else:
                    where[w] = sd
        if end > finish:
            finish = end
        if detailed:
            placed.append(ScheduledOp(i, e.op, pipe, start, end, sd))
    return TaskSchedule(
        max(finish, *issue.values()), busy, tuple(placed), gm_bytes, hits, misses
    )


def _copy_state(state: tuple[Any, ...]) -> tuple[Any, ...]:
    """A copy of a scheduler state that shares nothing mutable with `state`."""
    (issue, pipe_free, busy, ready, last_read, size, dtype, cube, shape_of, valid,
     lines, timelines, finish, gm_bytes, hits, misses) = state
    return (dict(issue), dict(pipe_free), dict(busy), dict(ready), dict(last_read),
            dict(size), dict(dtype), dict(cube), dict(shape_of), dict(valid),
            {sd: OrderedDict(c) for sd, c in lines.items()},
            {k: (list(st), list(en)) for k, (st, en) in timelines.items()},
            finish, gm_bytes, hits, misses)


def _save_prefix(key: tuple[object, ...], state: tuple[Any, ...]) -> int:
    """Keep `state` under `key`; the new node's id."""
    held = sum(len(d) for d in state[:10]) + sum(len(c) for c in state[10].values())
    if _PREFIX_ENTRIES[0] + held > _PREFIX_MAX_ENTRIES:
        clear_prefix_memo()
    _PREFIX_ENTRIES[0] += held
    node = next(_NODE_IDS)
    _PREFIX[key] = (node, state)
    return node
