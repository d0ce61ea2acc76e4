"""Per scope: the AICPU scheduler threads dispatching tasks to cores; per kernel: scopes in order.

The model (a2a3-machine.md, Task dispatch; the per-task AICPU costs are fitted):

- `scheduler_threads` AICPU threads share the cores: cluster c (its AIC and its AIVs)
  belongs to thread c % threads. A thread sweeps its cores round-robin.
- Visiting a busy core costs one register poll (`poll_sweep_us / poll_sweep_cores`).
  When the poll shows the task has ended, the thread records `finish` (now) and spends
  `aicpu_completion_us` handling the completion; a free core with blocks still to run
  gets the next block (claimed in task-id order from the launch, shared by all
  threads): `aicpu_dispatch_us` of bookkeeping, then the MMIO write
  (`mmio_dispatch_us`), which is the task's `dispatch` time.
- The core picks the task up (`pickup_warm_us` when its previous task was of the same
  scope, `pickup_cold_us` otherwise): `start`; it runs for the task's schedule
  (task.py): `end`.
- A thread is serial: while it handles one completion or dispatch, the other cores it
  owns wait to be seen (tail overhead grows with the tasks per thread) and to get work.
- Blocks are submitted by the AICPU orchestrator thread, one after another in program
  order (`aicpu_submit_us` each), running ahead of execution; it starts
  `scheduler_start_us` before the scheduler threads can dispatch. A block cannot be
  claimed before it is submitted: with many small blocks the orchestrator, not the
  cores, sets the pace (the per-task cost the seed's U-curve shows at POOL_GROUP = 1).
- Scopes run in program order: a scope's blocks become claimable once the previous
  scope's last completion has been handled.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from ptoc.backend.record import ExecutionRecord, OpEvent, ScopeRecord
from ptoc.costmodel.machine import Machine
from ptoc.costmodel.report import (
    CORE_KIND_LABEL,
    KernelReport,
    ScopeReport,
    TaskSlot,
    scope_report,
)
from ptoc.costmodel.task import schedule_task


@dataclass(slots=True)
class _Unit:
    """A core (vector / cube) or a cluster (mix): what one task occupies."""

    kind: str
    index: int
    thread: int
    task: int | None = None  # position in the scope's slot list while busy
    end: float = 0.0
    last_scope: str | None = None


@dataclass(slots=True)
class _Thread:
    index: int
    t: float = 0.0
    pos: dict[str, int] = field(default_factory=dict[str, int])


class Scheduler:
    """The AICPU threads and the cores of one machine, across the scopes of one run."""

    def __init__(self, m: Machine):
        self.m = m
        n_threads = m.scheduler_threads
        self.threads = [_Thread(i) for i in range(n_threads)]
        self.units: dict[str, list[list[_Unit]]] = {}
        for kind in ("vector", "cube", "mix"):
            count = m.cores_of(kind)
            per_thread: list[list[_Unit]] = [[] for _ in range(n_threads)]
            for i in range(count):
                cluster = i * m.clusters // count
                th = cluster * n_threads // m.clusters
                per_thread[th].append(_Unit(kind, i, th))
            self.units[kind] = per_thread

    def run_scope(
        self,
        name: str,
        kind: str,
        exec_us: Sequence[float],
        ready_us: float,
        submitted_us: Sequence[float] | None = None,
    ) -> tuple[list[TaskSlot], float]:
        """Dispatch the scope's tasks (exec times in task-id order) from `ready_us` on;
        task i cannot be claimed before `submitted_us[i]` (the orchestrator's submit).

        Returns the slots (task-id order) and when the last completion was handled.
        """
        m = self.m
        poll = m.poll_us_per_core
        disp = m.aicpu_dispatch_us + m.mmio_dispatch_us
        done_cost = m.aicpu_completion_us
        n = len(exec_us)
        units = self.units[kind]
        label = CORE_KIND_LABEL.get(kind, kind)
        if n == 0:
            return [], ready_us
        avail = [0.0] * n if submitted_us is None else list(submitted_us)
        pending = deque(range(n))
        dispatch = [0.0] * n
        start = [0.0] * n
        end = [0.0] * n
        finish = [0.0] * n
        where: list[_Unit | None] = [None] * n
        cold = [False] * n
        busy = [0] * len(self.threads)
        free = [len(u) for u in units]
        for th in self.threads:
            th.t = max(th.t, ready_us)
        remaining = n
        last_done = ready_us
        inf = math.inf
        while remaining:
            # the thread that acts next: a polling thread acts now, an idle one when the
            # next block is submitted
            best: _Thread | None = None
            best_t = inf
            head = avail[pending[0]] if pending else inf
            for th in self.threads:
                i = th.index
                if busy[i]:
                    t_act = th.t
                elif pending and free[i]:
                    t_act = max(th.t, head)
                else:
                    continue
                # ties go to the thread with the fewest running tasks (threads race for
                # a launch's blocks; the least loaded one has the most free cores)
                if t_act < best_t or (
                    t_act == best_t and best is not None and busy[i] < busy[best.index]
                ):
                    best, best_t = th, t_act
            if best is None:  # pragma: no cover - a scope with tasks but no cores
                raise ValueError(f"scope '{name}': no {kind} core can run its tasks")
            th = best
            th.t = best_t
            i = th.index
            mine = units[i]
            can_dispatch = bool(pending) and free[i] > 0 and head <= th.t
            if not can_dispatch:
                # nothing to hand out yet: skip whole sweeps that cannot see a completion
                # (nor the next block's submission, if this thread has a free core)
                sweep = busy[i] * poll
                horizon = min(u.end for u in mine if u.task is not None)
                if pending and free[i]:
                    horizon = min(horizon, head)
                t_skip = th.t
                if sweep <= 0:  # free polling: jump to the next thing to see
                    t_skip = max(th.t, horizon)
                elif th.t + sweep < horizon:
                    t_skip = th.t + math.floor((horizon - th.t) / sweep) * sweep
                if t_skip > th.t:
                    th.t = t_skip
                    continue  # let threads that are behind act first
            # the next core in this thread's round-robin that needs a visit
            pos = th.pos.get(kind, 0)
            u = mine[pos]
            for _ in range(len(mine)):
                u = mine[pos]
                pos = (pos + 1) % len(mine)
                if u.task is not None or can_dispatch:
                    break
            th.pos[kind] = pos
            if u.task is not None:
                th.t += poll
                if u.end > th.t:
                    continue
                tid = u.task
                finish[tid] = th.t
                th.t += done_cost
                last_done = max(last_done, th.t)
                u.task = None
                busy[i] -= 1
                free[i] += 1
                remaining -= 1
            if pending and avail[pending[0]] <= th.t:
                tid = pending.popleft()
                th.t += disp
                dispatch[tid] = th.t
                cold[tid] = u.last_scope != name
                pickup = m.pickup_cold_us if cold[tid] else m.pickup_warm_us
                start[tid] = th.t + pickup
                end[tid] = start[tid] + exec_us[tid]
                u.task = tid
                u.end = end[tid]
                u.last_scope = name
                where[tid] = u
                busy[i] += 1
                free[i] -= 1
        slots: list[TaskSlot] = []
        for tid in range(n):
            u = where[tid]
            assert u is not None
            slots.append(
                TaskSlot(
                    scope=name,
                    task_id=tid,
                    core=f"{label}{u.index}",
                    core_kind=kind,
                    core_index=u.index,
                    thread=u.thread,
                    dispatch_us=dispatch[tid],
                    start_us=start[tid],
                    end_us=end[tid],
                    finish_us=finish[tid],
                    cold=cold[tid],
                )
            )
        return slots, last_done


def task_times_us(
    scope: ScopeRecord, m: Machine, cache: dict[tuple[OpEvent, ...], float] | None = None
) -> list[float]:
    """Execution time of every task of a scope (task-id order), from its pipe schedule."""
    memo: dict[tuple[OpEvent, ...], float] = {} if cache is None else cache
    out: list[float] = []
    for task in scope.tasks:
        key = tuple(task.events)
        cycles = memo.get(key)
        if cycles is None:
            cycles = schedule_task(task.events, m).cycles
            memo[key] = cycles
        out.append(m.us(cycles))
    return out


def simulate_times(scopes: Sequence[tuple[str, str, Sequence[float]]], m: Machine) -> KernelReport:
    """Schedule scopes given as (name, core kind, per-task exec us), in program order."""
    sched = Scheduler(m)
    t = 0.0
    # the orchestrator started `scheduler_start_us` before the first dispatch could happen
    t_orch = -m.scheduler_start_us
    all_slots: list[TaskSlot] = []
    reports: list[ScopeReport] = []
    for name, kind, times in scopes:
        m.cores_of(kind)  # a clear error for an unknown kind
        submitted: list[float] = []
        for _ in times:
            t_orch += m.aicpu_submit_us
            submitted.append(t_orch)
        slots, t_next = sched.run_scope(name, kind, times, t, submitted)
        reports.append(scope_report(name, kind, slots, t))
        all_slots.extend(slots)
        t = t_next
    if all_slots:
        total = max(s.finish_us for s in all_slots) - min(s.dispatch_us for s in all_slots)
    else:
        total = 0.0
    return KernelReport(m.name, total, reports, all_slots)


def simulate(record: ExecutionRecord, m: Machine) -> KernelReport:
    """Predict the schedule and the swimlane metrics of one kernel run."""
    cache: dict[tuple[OpEvent, ...], float] = {}
    scopes = [(s.name, s.core, task_times_us(s, m, cache)) for s in record.scopes]
    return simulate_times(scopes, m)
