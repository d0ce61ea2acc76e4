"""Per-task schedule: the ops one task ran, list-scheduled on the core's pipes.

The model of an AICore running one task (a2a3-machine.md, Vector unit):

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

Buffer ids come from the execution record: a `pto.range` body reuses one buffer every
iteration, so iteration i+1's load waits for iteration i's last read (the loop
serialises); unrolled copies own distinct buffers, so their work interleaves on the
pipes. `schedule_task(..., in_order=True)` instead keeps each pipe strictly in program
order (an instruction waits for every earlier one of its pipe): a bound for comparison,
not the default (refitted on the seed's measurements it fits worse, see MODEL.md).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from ptoc.backend.record import OpEvent
from ptoc.costmodel.machine import Machine
from ptoc.costmodel.ops import PIPES, Pipe, op_cost


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


@dataclass(frozen=True)
class TaskSchedule:
    cycles: float
    """From the task's first instruction to the last one's completion."""
    pipe_busy: dict[str, float] = field(default_factory=dict[str, float])
    """Cycles each pipe was held."""
    ops: tuple[ScheduledOp, ...] = ()
    """Per-op placement (only when asked for: `detailed=True`)."""


def schedule_task(
    events: Sequence[OpEvent], m: Machine, *, detailed: bool = False, in_order: bool = False
) -> TaskSchedule:
    """List-schedule one task's events on the pipes of one core."""
    slots = {p: _Timeline() for p in PIPES}
    issue = 0.0  # the in-order scalar unit's position
    pipe_free: dict[str, float] = dict.fromkeys(PIPES, 0.0)
    busy: dict[str, float] = dict.fromkeys(PIPES, 0.0)
    ready: dict[int, float] = {}  # buffer -> when its current contents are complete
    last_read: dict[int, float] = {}  # buffer -> last completion of a read of its contents
    size: dict[int, int] = {}
    dtype: dict[int, str] = {}
    cube: dict[int, bool] = {}  # buffer holds a cube (L0C) result
    finish = 0.0
    placed: list[ScheduledOp] = []

    for i, e in enumerate(events):
        reads = e.reads
        from_cube = e.kind == "store" and any(cube.get(b, False) for b in reads)
        cost = op_cost(
            e,
            m,
            [size.get(b, 0) for b in reads],
            [dtype.get(b, e.dtype) for b in reads],
            from_cube,
        )
        start = issue
        for b in reads:
            r = ready.get(b, 0.0)
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
        pipe = cost.pipe
        if pipe == "S" or in_order:
            if pipe_free[pipe] > start:
                start = pipe_free[pipe]
            pipe_free[pipe] = start + cost.occupancy
        else:
            start = slots[pipe].place(start, cost.occupancy)
        end = start + cost.latency
        busy[pipe] += cost.occupancy
        if pipe == "S":
            issue = end
        for b in reads:
            if last_read.get(b, 0.0) < end:
                last_read[b] = end
        if w is not None:
            ready[w] = end
            last_read[w] = 0.0
            size[w] = e.nbytes
            dtype[w] = e.dtype
            cube[w] = e.kind == "matmul"
        if end > finish:
            finish = end
        if detailed:
            placed.append(ScheduledOp(i, e.op, pipe, start, end))
    return TaskSchedule(max(finish, issue), busy, tuple(placed))
