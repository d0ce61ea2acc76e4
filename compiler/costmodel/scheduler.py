"""The AICPU runtime dispatching tasks to cores, scope dependences, and the kernel schedule.

The model (PyPTO runtime, hw-native-sys/simpler, tensormap_and_ringbuffer; numbers are
fields of the machine file):

- One orchestrator thread submits the kernel's launches in program order: a launch
  (scope) costs `scope_submit_us` (the tensor-map lookups of its GM arguments), each of
  its blocks `aicpu_submit_us`; a block cannot be claimed before it is submitted.
- Scope-to-scope dependences come from the GM tensors the scopes read and write (as the
  runtime's tensor map derives them, at whole-tensor granularity): a scope waits for
  every earlier scope it has a RAW, WAR or WAW conflict with, and for the launches its
  explicit dependences name (PyPTO's `deps=`, `ScopeRecord.after`). Consecutive independent
  scopes form one batch whose tasks are dispatched together (they overlap); a batch
  starts when the scopes it depends on are done. A scope with an access of unknown
  tensor depends on everything before it.
- `scheduler_threads` AICPU threads share the cores: cluster c (its AIC and its AIVs)
  belongs to thread c % threads. A thread sweeps its cores round-robin; visiting one
  costs a register poll (`poll_sweep_us / poll_sweep_cores`). With `poll_all_cores`, a
  sweep reads every core the thread owns, idle ones too (24 cores: 2.4 us); without,
  only the busy ones. When a poll shows a task has
  ended, the thread records `finish` (now) and spends `aicpu_completion_us`; a free core
  with blocks still to run gets the next block (claimed in submission order, shared by
  all threads): `aicpu_dispatch_us` of bookkeeping, then the MMIO write
  (`mmio_dispatch_us`): the task's `dispatch` time. A thread is serial: while it handles
  one completion or dispatch, the other cores it owns wait to be seen.
- The core picks the task up (`pickup_warm_us` when its previous task was of the same
  scope, `pickup_cold_us` otherwise): `start`; it reads its arguments (the argument
  array and one descriptor per tensor argument, data-cache misses after the executor's
  cache invalidation: `arg_fetch_us`), then runs for the task's schedule (task.py),
  stretched when the chip's GM bandwidth is shared: a task that moves B bytes while k
  cores are running takes at least B * k / `chip_gm_bytes_per_cycle` cycles: `end`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ptoc.backend.record import ExecutionRecord, OpEvent, ScopeRecord
from ptoc.costmodel.machine import Machine
from ptoc.costmodel.report import (
    CORE_KIND_LABEL,
    KernelReport,
    ScopeReport,
    TaskSlot,
    scope_report,
)
from ptoc.costmodel.task import TaskSchedule, prefix_sharing, schedule_task


@dataclass(slots=True)
class _Unit:
    """A core (vector / cube) or a cluster (mix): what one task occupies."""

    kind: str
    index: int
    thread: int
    task: int | None = None  # position in the batch's task list while busy
    end: float = 0.0
    last_scope: str | None = None


@dataclass(slots=True)
class _Thread:
    index: int
    t: float = 0.0
    pos: int = 0


@dataclass(frozen=True)
class ScopeTimes:
    """What the scheduler needs of one scope: per task exec time and GM traffic, and the
    GM tensors it reads and writes (None: unknown, depends on everything)."""

    name: str
    kind: str
    exec_us: Sequence[float]
    gm_bytes: Sequence[float] = ()
    reads: frozenset[int] | None = None
    writes: frozenset[int] | None = None
    after: frozenset[int] = frozenset()
    """Positions (in the kernel's scope list) of earlier scopes this one waits for by an
    explicit dependence (PyPTO's `deps=`: `ScopeRecord.after`)."""


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
        """Dispatch one scope's tasks from `ready_us` on (see `run_batch`)."""
        slots, done = self.run_batch(
            [ScopeTimes(name, kind, exec_us)],
            ready_us,
            [list(submitted_us) if submitted_us is not None else [0.0] * len(exec_us)],
        )
        return slots[0], done[0]

    def run_batch(
        self,
        scopes: Sequence[ScopeTimes],
        ready_us: float,
        submitted_us: Sequence[Sequence[float]],
    ) -> tuple[list[list[TaskSlot]], list[float]]:
        """Dispatch the tasks of independent scopes together from `ready_us` on; task j
        of scope i cannot be claimed before `submitted_us[i][j]`.

        Returns each scope's slots (task-id order) and when its last completion was handled.
        """
        m = self.m
        poll = m.poll_us_per_core
        disp = m.aicpu_dispatch_us + m.mmio_dispatch_us
        batched = m.batched_publish > 0
        done_cost = m.aicpu_completion_us
        bw_us = m.chip_gm_bytes_per_cycle * m.freq_mhz  # bytes per us, whole chip
        # the batch's tasks, in submission order
        t_scope: list[int] = []
        t_id: list[int] = []
        t_exec: list[float] = []
        t_bytes: list[float] = []
        avail: list[float] = []
        kinds: list[str] = []
        for si, sc in enumerate(scopes):
            m.cores_of(sc.kind)  # a clear error for an unknown kind
            if sc.kind not in kinds:
                kinds.append(sc.kind)
            for j, x in enumerate(sc.exec_us):
                t_scope.append(si)
                t_id.append(j)
                t_exec.append(x)
                t_bytes.append(sc.gm_bytes[j] if j < len(sc.gm_bytes) else 0.0)
                avail.append(max(ready_us, submitted_us[si][j]))
        n = len(t_exec)
        if n == 0:
            return [[] for _ in scopes], [ready_us] * len(scopes)
        pending: dict[str, deque[int]] = {k: deque() for k in kinds}
        for g in range(n):
            pending[scopes[t_scope[g]].kind].append(g)
        n_threads = len(self.threads)
        mine_all: list[list[_Unit]] = [
            [u for k in kinds for u in self.units[k][i]] for i in range(n_threads)
        ]
        # a sweep reads the status register of every core the thread owns (AIC and AIV)
        poll_all = m.poll_all_cores > 0
        owned = (m.clusters // n_threads) * (1 + m.vector_cores // m.clusters)
        visit = [owned * poll / max(1, len(u)) for u in mine_all]
        dispatch = [0.0] * n
        start = [0.0] * n
        end = [0.0] * n
        finish = [0.0] * n
        where: list[_Unit | None] = [None] * n
        cold = [False] * n
        busy = [0] * n_threads
        free: dict[str, list[int]] = {
            k: [len(self.units[k][i]) for i in range(n_threads)] for k in kinds
        }
        running = 0
        for th in self.threads:
            th.t = max(th.t, ready_us)
        remaining = n
        done = [ready_us] * len(scopes)
        inf = math.inf

        def head_of(i: int) -> float:
            """When thread i can next hand out a block (inf: no free core / no block)."""
            h = inf
            for k in kinds:
                q = pending[k]
                if q and free[k][i] and avail[q[0]] < h:
                    h = avail[q[0]]
            return h

        while remaining:
            best: _Thread | None = None
            best_t = inf
            best_head = inf
            for th in self.threads:
                i = th.index
                hd = head_of(i)
                if busy[i]:
                    t_act = th.t
                elif hd < inf:
                    t_act = max(th.t, hd)
                else:
                    continue
                if t_act < best_t or (
                    t_act == best_t and best is not None and busy[i] < busy[best.index]
                ):
                    best, best_t, best_head = th, t_act, hd
            if best is None:  # pragma: no cover - tasks but no cores
                raise ValueError(f"scope '{scopes[0].name}': no core can run its tasks")
            th = best
            th.t = best_t
            i = th.index
            mine = mine_all[i]
            can_dispatch = best_head <= th.t
            if not can_dispatch:
                sweep = len(mine) * visit[i] if poll_all else busy[i] * poll
                horizon = min(u.end for u in mine if u.task is not None)
                horizon = min(horizon, best_head)
                t_skip = th.t
                if sweep <= 0:
                    t_skip = max(th.t, horizon)
                elif th.t + sweep < horizon:
                    t_skip = th.t + math.floor((horizon - th.t) / sweep) * sweep
                if t_skip > th.t:
                    th.t = t_skip
                    continue
            # the next core in this thread's round-robin that needs a visit (with
            # `poll_all_cores`, passing an idle core costs its poll too)
            pos = th.pos % len(mine)
            u = mine[pos]
            steps = 0
            for _ in range(len(mine)):
                u = mine[pos]
                pos = (pos + 1) % len(mine)
                steps += 1
                if u.task is not None:
                    break
                if can_dispatch:
                    q = pending[u.kind]
                    if q and avail[q[0]] <= th.t:
                        break
            th.pos = pos
            if poll_all:
                th.t += (steps - 1) * visit[i]
            if u.task is not None:
                th.t += visit[i] if poll_all else poll
                if u.end > th.t:
                    continue
                g = u.task
                finish[g] = th.t
                th.t += done_cost
                si = t_scope[g]
                if th.t > done[si]:
                    done[si] = th.t
                u.task = None
                busy[i] -= 1
                free[u.kind][i] += 1
                running -= 1
                remaining -= 1
            elif poll_all:
                th.t += visit[i]
            q = pending[u.kind]
            if q and avail[q[0]] <= th.t:
                # the cores to fill now: this one, and with `batched_publish` every other
                # idle core of its kind the thread owns (one claim of a block range)
                targets = [u]
                if batched:
                    for v in mine:
                        if len(targets) >= len(q):
                            break
                        if v is not u and v.task is None and v.kind == u.kind:
                            targets.append(v)
                claimed: list[tuple[int, _Unit]] = []
                for v in targets:
                    if not q or avail[q[0]] > th.t:
                        break
                    g = q.popleft()
                    # per block: bookkeeping (payload), then its MMIO write, or with
                    # `batched_publish` one publish for the whole claim
                    th.t += m.aicpu_dispatch_us if batched else disp
                    claimed.append((g, v))
                if batched:
                    th.t += m.mmio_dispatch_us
                for g, v in claimed:
                    dispatch[g] = th.t
                    sname = scopes[t_scope[g]].name
                    cold[g] = v.last_scope != sname
                    pickup = m.pickup_cold_us if cold[g] else m.pickup_warm_us
                    start[g] = th.t + pickup
                    running += 1
                    x = t_exec[g]
                    if t_bytes[g] > 0 and bw_us > 0:
                        x = max(x, t_bytes[g] * running / bw_us)
                    end[g] = start[g] + x
                    v.task = g
                    v.end = end[g]
                    v.last_scope = sname
                    where[g] = v
                    busy[i] += 1
                    free[v.kind][i] -= 1
        out: list[list[TaskSlot]] = [[] for _ in scopes]
        for g in range(n):
            u = where[g]
            assert u is not None
            sc = scopes[t_scope[g]]
            out[t_scope[g]].append(
                TaskSlot(
                    scope=sc.name,
                    task_id=t_id[g],
                    core=f"{CORE_KIND_LABEL.get(sc.kind, sc.kind)}{u.index}",
                    core_kind=sc.kind,
                    core_index=u.index,
                    thread=u.thread,
                    dispatch_us=dispatch[g],
                    start_us=start[g],
                    end_us=end[g],
                    finish_us=finish[g],
                    cold=cold[g],
                )
            )
        return out, done


def _depends(scopes: Sequence[ScopeTimes], i: int, j: int) -> bool:
    """Does the later scope `j` depend on the earlier `i`: RAW, WAR or WAW on a tensor,
    or an explicit dependence (`deps=`)?"""
    a, b = scopes[i], scopes[j]
    if i in b.after:
        return True
    if a.reads is None or a.writes is None or b.reads is None or b.writes is None:
        return True
    return bool(a.writes & (b.reads | b.writes)) or bool(a.reads & b.writes)


def schedule_scopes(scopes: Sequence[ScopeTimes], m: Machine) -> KernelReport:
    """Schedule scopes (program order) with their dependences; independent consecutive
    scopes run as one batch."""
    sched = Scheduler(m)
    t_orch = -m.scheduler_start_us
    submitted: list[list[float]] = []
    for sc in scopes:
        t_orch += m.scope_submit_us
        sub: list[float] = []
        for _ in sc.exec_us:
            t_orch += m.aicpu_submit_us
            sub.append(t_orch)
        submitted.append(sub)
    done: list[float] = [0.0] * len(scopes)
    reports: list[ScopeReport | None] = [None] * len(scopes)
    all_slots: list[TaskSlot] = []
    i = 0
    while i < len(scopes):
        # the batch: scopes i..j-1, none depending on another of the batch
        j = i + 1
        while j < len(scopes) and not any(_depends(scopes, k, j) for k in range(i, j)):
            j += 1
        ready = 0.0
        for k in range(i):
            if any(_depends(scopes, k, b) for b in range(i, j)):
                ready = max(ready, done[k])
        batch = list(scopes[i:j])
        slots, bdone = sched.run_batch(batch, ready, submitted[i:j])
        for k, (sl, dn) in enumerate(zip(slots, bdone, strict=True)):
            done[i + k] = dn
            reports[i + k] = scope_report(batch[k].name, batch[k].kind, sl, ready)
            all_slots.extend(sl)
        i = j
    if all_slots:
        total = max(s.finish_us for s in all_slots) - min(s.dispatch_us for s in all_slots)
    else:
        total = 0.0
    return KernelReport(m.name, total, [r for r in reports if r is not None], all_slots)


def simulate_times(scopes: Sequence[tuple[str, str, Sequence[float]]], m: Machine) -> KernelReport:
    """Schedule scopes given as (name, core kind, per-task exec us), in program order,
    each depending on the one before (no tensor information)."""
    return schedule_scopes([ScopeTimes(n, k, t) for n, k, t in scopes], m)


_TASK_CACHE: dict[tuple[Machine, bool, tuple[OpEvent, ...]], TaskSchedule] = {}
_TASK_CACHE_MAX = 200_000


_RENAMED: dict[tuple[OpEvent, int], OpEvent] = {}


def canonical_events(events: Sequence[OpEvent], line_bytes: int) -> tuple[OpEvent, ...]:
    """The events with every scalar GM access (`read` / `write`) renamed to the data-cache
    line it touches, numbered in order of first touch: the schedule depends on which
    accesses share a line and on the LRU order of lines, not on the addresses, so two
    tasks that differ only in where their index rows live (the seed's batches read
    `start_pos[b]` and their own block-table row) get one key and one schedule."""
    lines: dict[tuple[int, int], int] = {}
    out: list[OpEvent] = []
    for e in events:
        k = e.kind
        if (k == "read" or k == "write") and e.tensor >= 0 and e.offset >= 0:
            nb = max(1, e.nbytes)
            if line_bytes % nb:
                return tuple(events)
            key = (e.tensor, e.offset * nb // line_bytes)
            cid = lines.get(key)
            if cid is None:
                cid = lines[key] = len(lines)
            off = cid * (line_bytes // nb)
            if off != e.offset:
                rk = (e, off)
                r = _RENAMED.get(rk)
                if r is None:
                    if len(_RENAMED) >= _TASK_CACHE_MAX:
                        _RENAMED.clear()
                    r = _RENAMED[rk] = replace(e, offset=off)
                e = r
        out.append(e)
    return tuple(out)


def task_schedule(events: Sequence[OpEvent], m: Machine, mixed: bool = False) -> TaskSchedule:
    """The schedule of one task, memoised: it depends only on its events (scalar GM
    accesses up to renaming of cache lines, `canonical_events`) and the machine. Inside
    `ptoc.costmodel.task.sharing_prefixes` a task not seen before resumes from the
    longest prefix of it that an earlier task scheduled."""
    key = (m, mixed, canonical_events(events, m.dcache_line_bytes))
    got = _TASK_CACHE.get(key)
    if got is None:
        if len(_TASK_CACHE) >= _TASK_CACHE_MAX:
            _TASK_CACHE.clear()
        got = _TASK_CACHE[key] = schedule_task(
            key[2], m, mixed=mixed, resume=prefix_sharing()
        )
    return got


def scope_tensors(scope: ScopeRecord) -> tuple[frozenset[int] | None, frozenset[int] | None]:
    """The GM tensors a scope reads and writes (None, None when an access has no id)."""
    reads: set[int] = set()
    writes: set[int] = set()
    for task in scope.tasks:
        for e in task.events:
            k = e.kind
            if k in ("load", "read"):
                if e.tensor < 0:
                    return None, None
                reads.add(e.tensor)
            elif k in ("store", "write"):
                if e.tensor < 0:
                    return None, None
                writes.add(e.tensor)
    return frozenset(reads), frozenset(writes)


def arg_fetch_us(reads: frozenset[int] | None, writes: frozenset[int] | None,
                 m: Machine) -> float:
    """Time a task of a launch spends at entry reading its arguments from GM: the
    argument array and one descriptor per tensor argument (the GM tensors the launch
    reads or writes), each a data-cache miss on the scalar unit, one after the other."""
    tensors = len((reads or frozenset()) | (writes or frozenset()))
    reads_n = m.arg_array_reads + m.arg_reads_per_tensor * tensors
    return m.us(reads_n * m.scalar_read_cycles)


def scope_times(scope: ScopeRecord, m: Machine) -> ScopeTimes:
    """Per-task exec time and GM bytes of a scope, and its tensors."""
    mixed = scope.core == "mix"
    r, w = scope_tensors(scope)
    entry = arg_fetch_us(r, w, m)
    ex: list[float] = []
    by: list[float] = []
    for task in scope.tasks:
        s = task_schedule(task.events, m, mixed)
        ex.append(entry + m.us(s.cycles))
        by.append(s.gm_bytes)
    return ScopeTimes(scope.name, scope.core, ex, by, r, w, frozenset(scope.after))


def task_times_us(
    scope: ScopeRecord, m: Machine, cache: dict[tuple[OpEvent, ...], float] | None = None
) -> list[float]:
    """Execution time of every task of a scope (task-id order), from its pipe schedule."""
    del cache  # schedules are memoised by `task_schedule`
    return list(scope_times(scope, m).exec_us)


def simulate(record: ExecutionRecord, m: Machine) -> KernelReport:
    """Predict the schedule and the swimlane metrics of one kernel run."""
    return schedule_scopes([scope_times(s, m) for s in record.scopes], m)
