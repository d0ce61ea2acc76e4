"""Tasks of one `pto.spmd` on several threads, where that cannot change any result.

The per-task interpreter runs a scope's tasks one after another. Where a scope's time
goes to numpy calls that release the GIL (BLAS products above all), its tasks can run on
two threads at once. That is exact only when the tasks cannot see each other, so a scope
qualifies (`independent_tasks`) only when all of these hold:

* every memref the scope reads (`pto.load`, `pto.load_valid`, `pto.read`) is one that no
  op of the scope writes, so no task can read what another writes;
* every op of the scope that takes a memref either only reads it (the ops above, the
  reshaping views) or is a `pto.store` that is not an atomic add (adds of floats in
  another order round differently);
* `pto-check-races` proves every pair of those stores disjoint between different
  tasks, with no warning (a doubt from data-dependent indices disqualifies the scope);
* the body has a matmul (elsewhere the time is Python's, which threads do not share).

Then every task computes, records and fails the same way in any interleaving, since
nothing it reads changes; `run_tasks` reports the error of the first failing task in the
scope's task order, as the serial run would. Only which store lands last could differ,
and the static proof says no element is stored twice. The interpreter does not rest the
outputs on that proof alone: each threaded task logs its stores, `disjoint_stores`
checks them, and on an overlap the interpreter restores the written memrefs and runs
the scope serially.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects import memref
from xdsl.dialects.builtin import MemRefType
from xdsl.ir import Operation, OpResult, SSAValue

from ptoc.dialects import pto
from ptoc.dialects.pto_tiles import GatherRowOp, LoadValidOp

__all__ = ["READ_ONLY_OPS", "ScopeMemory", "disjoint_stores", "independent_tasks",
           "memref_root", "run_tasks", "scope_memory", "threads", "written_by"]

READ_ONLY_OPS = frozenset({
    "pto.load", "pto.load_valid", "pto.read", "pto.gather_row", "memref.collapse_shape",
    "memref.expand_shape", "memref.dim",
})
"""Ops that take a memref operand and never write through it."""

_READS = (pto.LoadOp, LoadValidOp, pto.ReadOp, GatherRowOp)
_MAX_POINTS = 100_000
"""The race check's enumeration bound here (a scope it cannot prove quickly runs serially)."""


def memref_root(v: SSAValue) -> SSAValue:
    """The memref `v` is a reshaped view of (through collapse / expand_shape), or `v`."""
    while isinstance(v, OpResult) and isinstance(
        v.op, (memref.CollapseShapeOp, memref.ExpandShapeOp)
    ):
        v = v.op.src
    return v


def written_by(op: Operation) -> list[SSAValue]:
    """The root memrefs `op` may write: those of every memref operand, unless the op is
    one of `READ_ONLY_OPS`."""
    if op.name in READ_ONLY_OPS:
        return []
    return [memref_root(v) for v in op.operands if isinstance(v.type, MemRefType)]


@dataclass(frozen=True)
class ScopeMemory:
    """What one walk of a `pto.spmd` finds about its memrefs (roots defined outside it)."""

    readonly: frozenset[SSAValue]
    """Roots the tasks only read: any op that takes a memref and is not in
    `READ_ONLY_OPS` counts as writing it. While the scope runs their contents cannot
    change (kernel arguments are separate copies; tile values do not outlive their task)."""
    written: frozenset[SSAValue]
    """Roots some op of the scope may write."""
    candidate: bool
    """The cheap conditions of `independent_tasks` hold (a matmul; reads only of
    read-only roots; writes only by plain `pto.store`s; no nested scope)."""


def scope_memory(spmd: pto.SpmdOp) -> ScopeMemory:
    used: set[SSAValue] = set()
    written: set[SSAValue] = set()
    reads: list[SSAValue] = []
    has_matmul = False
    plain = True
    for o in spmd.body.walk():
        if isinstance(o, (pto.MatmulOp, pto.MatmulAccOp)):
            has_matmul = True
        elif isinstance(o, pto.SpmdOp):
            plain = False
        wrote = written_by(o)
        if wrote:
            written.update(wrote)
            if not isinstance(o, pto.StoreOp) or o.atomic_kind is not None:
                plain = False
        elif o.name in READ_ONLY_OPS:
            roots = [memref_root(v) for v in o.operands if isinstance(v.type, MemRefType)]
            used.update(roots)
            if isinstance(o, _READS):
                reads.extend(roots)
    outside = {r for r in used | written if not spmd.is_ancestor(r.owner)}
    readonly = frozenset((used - written) & outside)
    candidate = plain and has_matmul and all(r in readonly for r in reads)
    return ScopeMemory(readonly, frozenset(written & outside), candidate)


def disjoint_stores(logs: Sequence[Sequence[tuple[Any, Sequence[int], Sequence[int]]]]) -> bool:
    """Whether no element was stored by two different tasks: `logs[t]` lists task t's
    stores as (memref array, indices, tile shape). Every written element of a memref's
    underlying array is stamped with its task (views are followed to the array)."""
    stamps: dict[int, tuple[Any, np.ndarray]] = {}
    for t, entries in enumerate(logs):
        for m, idx, tile in entries:
            owner = m if m.base is None else m.base
            got = stamps.get(id(owner))
            if got is None:
                got = stamps[id(owner)] = (owner, np.full(owner.size, -1, np.int64))
            stamp = got[1]
            start = (m.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
                     + sum(i * st for i, st in zip(idx, m.strides, strict=True)))
            offs: Any = np.int64(start)
            for d, (n, st) in enumerate(zip(tile, m.strides, strict=True)):
                shape = [1] * len(tile)
                shape[d] = n
                offs = offs + (np.arange(n, dtype=np.int64) * st).reshape(shape)
            el = (offs // owner.itemsize).ravel()
            cur = stamp[el]
            if np.any((cur != -1) & (cur != t)):
                return False
            stamp[el] = t
    return True


def independent_tasks(spmd: pto.SpmdOp, mem: ScopeMemory | None = None) -> bool:
    """Whether the tasks of `spmd` may run concurrently (see the module docstring);
    `mem` is `scope_memory(spmd)` when the caller has it."""
    if not (mem or scope_memory(spmd)).candidate:
        return False
    # lazy: only a scope that meets the cheap conditions loads the race check
    from ptoc.passes.check_races import check_scope

    try:
        return not check_scope(spmd, max_points=_MAX_POINTS)
    except Exception:  # the check's own limits: not proved, so not independent
        return False


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _forget_pool() -> None:
    """In a forked child: the parent's pool object is there, its threads are not."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def threads() -> int:
    """How many threads an independent scope runs on: the CPUs this process may use,
    at most 2 (`PTOC_THREADS=1` turns it off)."""
    env = os.environ.get("PTOC_THREADS", "")
    if env.isdigit() and int(env) >= 1:
        return min(int(env), 8)
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(2, n))


def _executor(n: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < n:  # pyright: ignore[reportPrivateUsage]
            _pool = ThreadPoolExecutor(n, thread_name_prefix="ptoc-task")
        return _pool


def run_tasks(
    order: Sequence[int], nthreads: int, run_one: Callable[[int, list[Any]], None],
    frame: list[Any],
) -> None:
    """`run_one(t, frame_copy)` for every task `t` of `order`, on `nthreads` threads, each
    with its own copy of `frame`; raises the error of the first failing task of `order`.
    An interrupt of the calling thread (Ctrl-C) stops the other threads after their
    current task and is raised at once."""
    pos = {t: i for i, t in enumerate(order)}
    parts = [list(order[k::nthreads]) for k in range(nthreads)]
    failed: dict[int, Exception] = {}
    stop = threading.Event()

    def work(part: list[int]) -> None:
        f = list(frame)
        with np.errstate(all="ignore"):  # numpy's error state is per thread
            for t in part:
                if stop.is_set():
                    return
                try:
                    run_one(t, f)
                except Exception as e:  # reported in task order below
                    failed[t] = e
                    return

    pool = _executor(nthreads)
    futures = [pool.submit(work, p) for p in parts[1:]]
    try:
        work(parts[0])
        for fu in futures:
            fu.result()
    except BaseException:
        stop.set()
        raise
    if failed:
        raise failed[min(failed, key=pos.__getitem__)]
