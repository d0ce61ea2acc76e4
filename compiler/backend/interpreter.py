"""The numpy interpreter: runs a `pto` module (before or after passes) on numpy arrays.

```python
prog = compile_module(module)            # compile once
res = prog.run({"state": s, ...})        # run many times
res.outputs["pooled"]; res.record        # memrefs after the run; the execution record
```

Compilation turns every op into one Python closure reading and writing a flat frame
(a list indexed by slot numbers, one slot per SSA value); a region is a tuple of
closures. Running is a loop over closures: no per-op dispatch, no xDSL interpreter.
Variants of the closures are compiled lazily for the run options that change the hot
path (`record`, `check_nan`, `debug`), so options cost nothing when they are off.

Memrefs are numpy arrays of their declared dtype (copies of the inputs); tiles are numpy
arrays; integer and `index` scalars are Python ints in the range of their type, and
scalar integer arith is `ptoc.dialects.int_semantics` (two's complement, `index` as 64
bits, the folders' semantics too); see `ptoc.backend.numerics`. Every
access is bounds-checked: an out-of-bounds (or negative) `pto.load`, `pto.store` or
`pto.read` raises an `InterpreterError` that names the op, its `file:line:col`, the index
values, the tile shape and the memref shape.

The record (`ptoc.backend.record`) gets one `OpEvent` per executed tile op, memory op
and scalar op (scalar constants are immediates and control ops are not recorded; ops
outside every `pto.spmd` belong to no task and are not recorded). Buffer ids follow the
record module: a value's buffer is keyed by its static identity and by the iterations of
the enclosing `pto.unroll`s (every iteration its own buffer) and pipelined `pto.range`s
(`iteration % K`); a plain `pto.range` body reuses one buffer every iteration. Values
that only forward another value (iter_args, loop and `scf.if` results) share its buffer.

Scopes run task by task, in the order `task_order` gives, unless the scope's body can
run all its tasks at once as numpy over a task axis (`ptoc.backend.batched`: the same
outputs, errors and record, exactly; `run(batched=False)` or `per_task_only()` turn it
off).
"""

from __future__ import annotations

import random
from operator import itemgetter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np
from xdsl.dialects import arith, func, memref, scf, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue

from ptoc.backend import numerics as nm
from ptoc.backend.batched import compile_scope
from ptoc.backend.blas import single_threaded_blas
from ptoc.backend.parallel import (
    disjoint_stores, independent_tasks, memref_root, run_tasks, scope_memory, threads,
    written_by,
)
from ptoc.backend.numerics import BF16, NpArray, NumericError
from ptoc.backend.record import (
    CoreKind,
    EventKind,
    ExecutionRecord,
    OpEvent,
    ScopeRecord,
    Side,
    TaskRecord,
    gm_bursts,
)
from ptoc.diagnostics import PtoDiagnostic
from ptoc.dialects import int_semantics, pto, pto_tiles

__all__ = [
    "InterpreterError",
    "Program",
    "RunResult",
    "compile_module",
    "gm_bursts",
    "random_inputs",
]

Frame = list[Any]
Thunk = Callable[[Frame], None]
Compute = Callable[[Frame], Any]

# reserved frame slots
_EV = 0  # append() of the current task's event list
_CTX = 1  # buffer context: iterations of the enclosing unrolls / pipelined ranges
_BUFS = 2  # the current task's buffer table: (value, context) -> buffer id
_SLOG = 3  # None, or the running task's log of its stores (threaded tasks, see _spmd)
_FIRST_SLOT = 4
_THREADED_SNAPSHOT_LIMIT = 64 << 20
"""A threaded scope first copies the memrefs it writes (to undo an overlap); above this
many bytes of them it runs serially instead."""


class InterpreterError(PtoDiagnostic):
    """An error while compiling or running a kernel, located at the op that failed."""


@dataclass
class RunResult:
    outputs: dict[str, NpArray]
    """Every memref argument after the run, by argument name."""
    record: ExecutionRecord


@dataclass(frozen=True)
class _Variant:
    record: bool
    check_nan: bool
    debug: bool


@dataclass
class _RunState:
    """What the closures of a running program read besides the frame."""

    record: ExecutionRecord = field(default_factory=ExecutionRecord)
    order: Callable[[int], Sequence[int]] = range
    """Task ids of an n-task scope in the order they run (one random stream per run)."""
    max_tasks: int | None = None
    """The most tasks one scope may launch (checked before any task record is made)."""
    batched: bool = True
    """Whether scopes may run all their tasks at once (`ptoc.backend.batched`)."""
    widened: _Widened = field(default_factory=lambda: _Widened())
    """Matmul operands widened from read-only tiles of the running scope (`_widen`)."""
    launches: dict[int, int] = field(default_factory=dict[int, int])
    """The record index of the latest launch of each `pto.task_id` (for `pto.after`)."""


class _Widened:
    """The widened copies of read-only tiles that a running scope's matmuls used.

    `roots` holds the `id`s of the arrays behind the scope's read-only memrefs (set when a
    scope starts, emptied when it ends). A tile loaded from one of them is a read-only
    view whose values cannot change while the scope runs, so its widened copy is kept,
    keyed by where the view points, and reused by the next matmul of the same tile (a
    tile shared by several tasks, e.g. the same rows of `x` for every column block), up
    to `LIMIT` bytes. The entries keep their arrays alive, so an `id` is not reused."""

    LIMIT = 64 << 20

    def __init__(self) -> None:
        self.roots: frozenset[int] = frozenset()
        self.memo: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self.nbytes = 0

    def start(self, arrays: Sequence[Any]) -> None:
        self.roots = frozenset(id(a if a.base is None else a.base) for a in arrays)
        self.memo = {}
        self.nbytes = 0

    def end(self) -> None:
        self.start(())


def _widen(x: Any, wide: Any, w: _Widened) -> Any:
    """`x` as dtype `wide` (a matmul operand), shared between uses of one read-only tile."""
    if x.dtype == wide:
        return x
    base = x.base
    if base is None or x.flags.writeable or id(base) not in w.roots:
        return nm.widen(x, wide)
    key = (id(base), x.__array_interface__["data"][0], x.shape, x.strides, wide)
    got = w.memo.get(key)
    if got is not None:
        return got[1]
    y = nm.widen(x, wide)
    y.flags.writeable = False
    if w.nbytes + y.nbytes <= w.LIMIT:
        w.memo[key] = (base, y)
        w.nbytes += y.nbytes
    return y


@dataclass
class _Block:
    thunks: tuple[Thunk, ...]
    args: tuple[int, ...]
    """Slots of the block arguments (values, then buffer ids of tile arguments)."""
    yields: tuple[int, ...]
    """Slots of the terminator's operands (values, then buffer ids), matching `args`."""
    nvalues: int
    """How many of `yields` are values (the rest are buffer ids)."""


def _is_tile(t: Attribute) -> bool:
    return isinstance(t, TensorType)


def _is_memref(t: Attribute) -> bool:
    return isinstance(t, MemRefType)


def _shape_of(t: Attribute) -> tuple[int, ...]:
    assert isinstance(t, (TensorType, MemRefType))
    return tuple(int(d) for d in t.get_shape())  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType, reportUnknownMemberType]


def _elem_of(t: Attribute) -> Attribute:
    if isinstance(t, (TensorType, MemRefType)):
        return t.get_element_type()  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    return t


def _dtype_name(t: Attribute) -> str:
    return nm.np_dtype(_elem_of(t)).name


def _nbytes(t: Attribute) -> int:
    d = nm.np_dtype(_elem_of(t))
    if _is_tile(t):
        return int(np.prod(_shape_of(t), dtype=np.int64)) * d.itemsize
    return d.itemsize


def _check_order(order: str) -> Callable[[int], Sequence[int]]:
    if order == "forward":
        return lambda n: range(n)
    if order == "reverse":
        return lambda n: range(n - 1, -1, -1)
    if order.startswith("random:"):
        try:
            seed = int(order[len("random:"):])
        except ValueError:
            seed = None
        if seed is not None:
            rng = random.Random(seed)

            def shuffled(n: int) -> Sequence[int]:
                ids = list(range(n))
                rng.shuffle(ids)
                return ids

            return shuffled
    raise InterpreterError(
        None, f"unknown task order '{order}': expected forward, reverse or random:SEED"
    )


def _describe_nonfinite(r: Any) -> str:
    a = np.asarray(r)
    bad = ~np.isfinite(a)
    what = "NaN" if np.isnan(a).any() else "Inf"
    if a.ndim == 0:
        return f"{what} (value {a.item()})"
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"{what} ({int(bad.sum())} of {a.size} elements; first at {list(first)}: {a[first]})"


# =========================================================================== compiler


class _Compiler:
    def __init__(self, fn: func.FuncOp, variant: _Variant, state: _RunState):
        self.fn = fn
        self.v = variant
        self.state = state
        self.slots: dict[SSAValue, int] = {}
        self.bslots: dict[SSAValue, int] = {}
        self.nslots = _FIRST_SLOT
        self.spmd_depth = 0
        self.n_scopes = 0
        self.side: Side = ""
        """The side of a mixed task whose section is being compiled ("" outside sections)."""
        self.tensor_ids: dict[SSAValue, int] = {}
        """GM tensor id of every memref value: argument index, or a scratch id (record)."""
        self.n_allocs = 0
        self.n_args = len(fn.body.block.args) if fn.body.blocks else 0
        self.readonly: frozenset[SSAValue] = frozenset()
        """Root memrefs that no op of the `pto.spmd` being compiled can write: a load
        from one of them may return a read-only view instead of a copy (see `_load`)."""

    def tensor_of(self, v: SSAValue) -> int:
        return self.tensor_ids.get(v, -1)

    # ------------------------------------------------------------------ slots

    def _new_slot(self) -> int:
        self.nslots += 1
        return self.nslots - 1

    def slot(self, v: SSAValue) -> int:
        s = self.slots.get(v)
        if s is None:
            s = self.slots[v] = self._new_slot()
            if _is_tile(v.type) and self.v.record:
                self.bslots[v] = self._new_slot()
        return s

    def bslot(self, v: SSAValue) -> int:
        self.slot(v)
        return self.bslots[v]

    def _carried(self, values: Sequence[SSAValue]) -> list[int]:
        """Slots of `values`, then the buffer-id slots of the tile ones."""
        out = [self.slot(v) for v in values]
        if self.v.record:
            out += [self.bslot(v) for v in values if _is_tile(v.type)]
        return out

    # ------------------------------------------------------------------ regions

    def block(self, block: Block) -> _Block:
        thunks: list[Thunk] = []
        yields: list[SSAValue] = []
        for op in block.ops:
            if _is_terminator(op):
                yields = list(op.operands)
                continue
            t = self.op(op)
            if t is not None:
                thunks.append(t)
        return _Block(
            tuple(thunks),
            tuple(self._carried(block.args)),
            tuple(self._carried(yields)),
            len(yields),
        )

    def op(self, op: Operation) -> Thunk | None:
        handler = _HANDLERS.get(op.name)
        if handler is None:
            raise InterpreterError(op, f"the interpreter does not implement '{op.name}'")
        try:
            return handler(self, op)
        except PtoDiagnostic:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError) as e:
            # verified IR the handler did not expect (e.g. a region of several blocks)
            raise InterpreterError(
                op, f"the interpreter cannot run this op: {type(e).__name__}: {e}"
            ) from None

    # ------------------------------------------------------------------ value ops

    def value_op(
        self,
        op: Operation,
        compute: Compute,
        kind: EventKind | None,
        *,
        guarded: bool = False,
        nan_check: bool = True,
        k: int = 0,
        record_as: Attribute | None = None,
    ) -> Thunk:
        """A thunk that stores `compute(frame)` into the op's single result and records."""
        res = op.results[0]
        rt = res.type
        o = self.slot(res)
        if guarded:
            compute = _guard(op, compute)
        if self.v.check_nan and nan_check and nm.is_float_type(_elem_of(rt)):
            compute = _nan_checked(op, compute, self)
        if self.v.debug:
            compute = _type_checked(op, compute, rt)
        if not self.v.record or kind is None:
            def plain(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
                f[o] = compute(f)

            return plain
        name = op.name
        if not _is_tile(rt):
            et = record_as or rt
            ev = OpEvent(kind, name, (), _dtype_name(et), _nbytes(et), side=self.side)

            def scalar(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
                f[o] = compute(f)
                f[_EV](ev)

            return scalar
        bo = self.bslot(res)
        shape, dt, nb = _shape_of(rt), _dtype_name(rt), _nbytes(rt)
        rbs = tuple(self.bslot(x) for x in op.operands if _is_tile(x.type))
        cache: dict[Any, OpEvent] = {}
        side = self.side

        def event(reads: tuple[int, ...], w: int) -> OpEvent:
            return OpEvent(kind, name, shape, dt, nb, reads, w, k, side=side)

        if not rbs:

            def tile0(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
                f[o] = compute(f)
                bufs = f[_BUFS]
                key = (bo, f[_CTX])
                w = bufs.get(key)
                if w is None:
                    w = bufs[key] = len(bufs)
                f[bo] = w
                ev = cache.get(w)
                if ev is None:
                    ev = cache[w] = event((), w)
                f[_EV](ev)

            return tile0
        if len(rbs) == 1:
            (r0,) = rbs

            def tile1(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
                f[o] = compute(f)
                bufs = f[_BUFS]
                key = (bo, f[_CTX])
                w = bufs.get(key)
                if w is None:
                    w = bufs[key] = len(bufs)
                f[bo] = w
                ck = (f[r0], w)
                ev = cache.get(ck)
                if ev is None:
                    ev = cache[ck] = event(ck[:1], w)
                f[_EV](ev)

            return tile1
        if len(rbs) == 2:
            r0, r1 = rbs

            def tile2(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
                f[o] = compute(f)
                bufs = f[_BUFS]
                key = (bo, f[_CTX])
                w = bufs.get(key)
                if w is None:
                    w = bufs[key] = len(bufs)
                f[bo] = w
                ck = (f[r0], f[r1], w)
                ev = cache.get(ck)
                if ev is None:
                    ev = cache[ck] = event(ck[:2], w)
                f[_EV](ev)

            return tile2

        reads = itemgetter(*rbs)  # three or more slots: a tuple in one C call

        def tilen(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
            f[o] = compute(f)
            bufs = f[_BUFS]
            key = (bo, f[_CTX])
            w = bufs.get(key)
            if w is None:
                w = bufs[key] = len(bufs)
            f[bo] = w
            ck = (*reads(f), w)
            ev = cache.get(ck)
            if ev is None:
                ev = cache[ck] = event(ck[:-1], w)
            f[_EV](ev)

        return tilen

    def operands(self, op: Operation) -> list[int]:
        return [self.slot(x) for x in op.operands]


def _is_terminator(op: Operation) -> bool:
    return isinstance(op, (pto.YieldOp, scf.YieldOp, func.ReturnOp))


def _guard(op: Operation, compute: Compute) -> Compute:
    def guarded(f: Frame) -> Any:
        try:
            return compute(f)
        except NumericError as e:
            raise InterpreterError(op, str(e)) from None

    return guarded


def _nan_checked(op: Operation, compute: Compute, c: _Compiler) -> Compute:
    ins = [c.slot(x) for x in op.operands if nm.is_float_type(_elem_of(x.type))]

    def checked(f: Frame) -> Any:
        r = compute(f)
        if not np.all(np.isfinite(r)) and all(np.all(np.isfinite(f[s])) for s in ins):
            raise InterpreterError(
                op, f"produced {_describe_nonfinite(r)} from finite inputs (--check-nan)"
            )
        return r

    return checked


def _type_checked(op: Operation, compute: Compute, t: Attribute) -> Compute:
    et = _elem_of(t)
    want = nm.np_dtype(et)
    tile = _is_tile(t)
    mem = _is_memref(t)
    shape = _shape_of(t) if tile or mem else ()
    is_int = isinstance(et, (IntegerType, IndexType))

    def checked(f: Frame) -> Any:
        out: Any = compute(f)
        r: Any = out
        got_dtype: Any = getattr(out, "dtype", None)
        got_shape: Any = getattr(out, "shape", None)
        kind = type(out).__name__
        if tile:
            ok = isinstance(r, np.ndarray) and got_dtype == want and got_shape == shape
        elif mem:
            ok = (
                isinstance(r, np.ndarray) and got_dtype == want and len(got_shape) == len(shape)
                and all(d < 0 or d == g for d, g in zip(shape, got_shape, strict=True))
            )
        elif is_int:
            ok = isinstance(r, int)
        else:
            ok = isinstance(r, np.generic) and got_dtype == want
        if not ok:
            got = f"{kind} {got_dtype or ''} {got_shape or ''}"
            raise InterpreterError(op, f"internal: result is {got.strip()}, declared {t}")
        return out

    return checked


# =========================================================================== handlers

_Handler = Callable[[_Compiler, Any], "Thunk | None"]
_HANDLERS: dict[str, _Handler] = {}


def _handles(*names: str) -> Callable[[_Handler], _Handler]:
    def reg(h: _Handler) -> _Handler:
        for n in names:
            _HANDLERS[n] = h
        return h

    return reg


# ------------------------------------------------------------------ pto control


@_handles("pto.spmd")
def _spmd(c: _Compiler, op: pto.SpmdOp) -> Thunk:
    if c.spmd_depth:
        raise InterpreterError(op, "a pto.spmd inside a task is not supported")
    c.spmd_depth += 1
    mem = scope_memory(op)
    c.readonly = mem.readonly
    ro_slots = [c.slot(r) for r in mem.readonly]
    wr_slots = [c.slot(r) for r in mem.written]
    try:
        body = c.block(op.body.block)
    finally:
        c.readonly = frozenset()
    c.spmd_depth -= 1
    c.n_scopes += 1
    name = op.scope_name or f"spmd{c.n_scopes - 1}"
    core: CoreKind = op.core.data if op.core is not None else "vector"  # pyright: ignore[reportAssignmentType]
    static = op.static_count
    cs = c.slot(op.dyn_count) if op.dyn_count is not None else -1
    tid = body.args[0]
    thunks = body.thunks
    state = c.state
    rec = c.v.record
    # all tasks at once where the body allows it (ptoc.backend.batched), else per task
    plan = None if c.v.check_nan or c.v.debug else compile_scope(op, c.slot, c.tensor_of, rec)
    # tasks that provably cannot see each other run on two threads (ptoc.backend.parallel)
    nthreads = threads() if independent_tasks(op, mem) else 1

    task_key = op.attributes.get(pto.TASK_ID_ATTR)
    after_attr = op.attributes.get(pto.AFTER_ATTR)
    key = task_key.value.data if isinstance(task_key, IntegerAttr) else None
    after_keys = tuple(
        a.value.data for a in after_attr.data if isinstance(a, IntegerAttr)
    ) if isinstance(after_attr, ArrayAttr) else ()

    def run(f: Frame) -> None:
        first = len(state.record.scopes)
        run_scope(f)
        if rec and len(state.record.scopes) > first:
            if after_keys:
                known = state.launches
                state.record.scopes[first].after = tuple(
                    sorted({known[k] for k in after_keys if k in known}))
            if key is not None:
                state.launches[key] = first

    def run_scope(f: Frame) -> None:
        n: int = static if static is not None else f[cs]
        if n < 0:
            raise InterpreterError(op, f"task count is negative: {n}")
        if state.max_tasks is not None and n > state.max_tasks:
            raise InterpreterError(
                op, f"launches {n} tasks, more than the limit of {state.max_tasks} (--max-tasks)"
            )
        order = state.order(n)
        saved = f[_EV], f[_CTX], f[_BUFS]
        batched = (
            plan.run(f, n, saved[2]) if plan is not None and n > 1 and state.batched else None
        )
        if batched is not None:
            if rec:
                tasks = [TaskRecord(i, evs) for i, evs in enumerate(batched)]
                state.record.scopes.append(ScopeRecord(name, core, tasks))
            return
        state.widened.start([f[s] for s in ro_slots])
        try:
            tasks_of(f, n, order, saved)
        finally:
            state.widened.end()  # a memref read-only here may be written by a later scope
        f[_EV], f[_CTX], f[_BUFS] = saved

    def tasks_of(f: Frame, n: int, order: Sequence[int], saved: tuple[Any, Any, Any]) -> None:
        if nthreads > 1 and n > 1 and threaded(f, n, order, saved):
            return
        if rec:
            scope = ScopeRecord(name, core, [TaskRecord(i) for i in range(n)])
            state.record.scopes.append(scope)
            tasks = scope.tasks
            outer = saved[2]  # tiles made outside every task keep their (distinct) ids
            for t in order:
                f[_EV] = tasks[t].events.append
                f[_CTX] = ()
                f[_BUFS] = dict(outer) if outer else {}
                f[tid] = t
                for th in thunks:
                    th(f)
        else:
            for t in order:
                f[tid] = t
                for th in thunks:
                    th(f)

    def threaded(f: Frame, n: int, order: Sequence[int], saved: tuple[Any, Any, Any]) -> bool:
        """The tasks on `nthreads` threads, each logging its stores; False (memory
        restored, nothing recorded) when two tasks wrote one element after all, for the
        serial run to decide: the static proof is not trusted with the outputs alone."""
        written = [f[s] for s in wr_slots]
        if sum(m.nbytes for m in written) > _THREADED_SNAPSHOT_LIMIT:
            return False  # the snapshot would cost more than the threads save
        before = [(m, m.copy()) for m in written]
        logs: list[list[Any]] = [[] for _ in range(n)]
        events: list[list[OpEvent]] = [[] for _ in range(n)]
        outer = saved[2]  # tiles made outside every task keep their (distinct) ids

        def one(t: int, g: Frame) -> None:
            g[_EV] = events[t].append
            g[_CTX] = ()
            g[_BUFS] = dict(outer) if outer else {}
            g[_SLOG] = logs[t]
            g[tid] = t
            for th in thunks:
                th(g)

        run_tasks(order, nthreads, one, f)
        if not disjoint_stores(logs):
            for m, old in before:
                np.copyto(m, old)
            return False
        if rec:
            tasks = [TaskRecord(i, evs) for i, evs in enumerate(events)]
            state.record.scopes.append(ScopeRecord(name, core, tasks))
        return True

    return run


def _loop(
    c: _Compiler,
    op: Operation,
    body_block: Block,
    inits: Sequence[SSAValue],
    bounds: Callable[[Frame], range],
    stages: int,
    unrolled: bool,
) -> Thunk:
    body = c.block(body_block)
    init = tuple(c._carried(inits))  # pyright: ignore[reportPrivateUsage]
    results = tuple(c._carried(op.results))  # pyright: ignore[reportPrivateUsage]
    idx = body.args[0]
    args = body.args[1:]
    yields = body.yields
    thunks = body.thunks
    rotate = c.v.record and (unrolled or stages > 1)

    def run(f: Frame) -> None:
        vals = [f[s] for s in init]
        parent = f[_CTX]
        for it, i in enumerate(bounds(f)):
            f[idx] = i
            for s, v in zip(args, vals, strict=False):
                f[s] = v
            if rotate:
                f[_CTX] = (parent, it if unrolled else it % stages)
            for th in thunks:
                th(f)
            vals = [f[s] for s in yields]
        if rotate:
            f[_CTX] = parent
        for s, v in zip(results, vals, strict=False):
            f[s] = v

    return run


@_handles("pto.unroll")
def _unroll(c: _Compiler, op: pto.UnrollOp) -> Thunk:
    n = op.trip_count
    return _loop(c, op, op.body.block, op.iter_args, lambda f: range(n), 1, True)


def _range_bounds(c: _Compiler, op: Operation, lb: SSAValue, ub: SSAValue, step: SSAValue) -> Callable[[Frame], range]:
    a, b, s = c.slot(lb), c.slot(ub), c.slot(step)

    def bounds(f: Frame) -> range:
        st = f[s]
        if st <= 0:
            raise InterpreterError(op, f"loop step must be positive, got {st}")
        return range(f[a], f[b], st)

    return bounds


@_handles("pto.range")
def _range(c: _Compiler, op: pto.RangeOp) -> Thunk:
    bounds = _range_bounds(c, op, op.lb, op.ub, op.step)
    return _loop(c, op, op.body.block, op.iter_args, bounds, op.stages, False)


@_handles("scf.for")
def _scf_for(c: _Compiler, op: scf.ForOp) -> Thunk:
    bounds = _range_bounds(c, op, op.lb, op.ub, op.step)
    return _loop(c, op, op.body.block, op.iter_args, bounds, 1, False)


@_handles("scf.if")
def _scf_if(c: _Compiler, op: scf.IfOp) -> Thunk:
    cond = c.slot(op.cond)
    then = c.block(op.true_region.block)
    els = c.block(op.false_region.block) if op.false_region.blocks else None
    results = tuple(c._carried(op.results))  # pyright: ignore[reportPrivateUsage]
    t_th, t_y = then.thunks, then.yields
    e_th, e_y = (els.thunks, els.yields) if els is not None else ((), ())

    def run(f: Frame) -> None:
        if f[cond]:
            for th in t_th:
                th(f)
            vals = [f[s] for s in t_y]
        else:
            for th in e_th:
                th(f)
            vals = [f[s] for s in e_y]
        for s, v in zip(results, vals, strict=False):
            f[s] = v

    return run


# ------------------------------------------------------------------ pto memory


def _oob(
    op: Operation, what: str, idx: Sequence[int], tile: Sequence[int] | None, shape: Sequence[int]
) -> InterpreterError:
    bad = ""
    for d, i in enumerate(idx):
        t = 1 if tile is None else tile[d]
        if i < 0:
            bad = f"dimension {d}: index {i} < 0"
            break
        if i + t > shape[d]:
            bad = (
                f"dimension {d}: {i} + {t} > {shape[d]}" if tile is not None
                else f"dimension {d}: index {i} >= {shape[d]}"
            )
            break
    tile_txt = f" of a {list(tile)} tile" if tile is not None else ""
    return InterpreterError(
        op,
        f"out-of-bounds {what}{tile_txt} at indices {list(idx)} in a memref of shape "
        f"{list(shape)} ({bad})",
    )


def _in_bounds(idx: Sequence[int], tile: Sequence[int], shape: Sequence[int]) -> bool:
    return all(i >= 0 and i + t <= m for i, t, m in zip(idx, tile, shape, strict=False))


@_handles("pto.load")
def _load(c: _Compiler, op: pto.LoadOp) -> Thunk:
    ms = c.slot(op.source)
    ix = [c.slot(i) for i in op.indices]
    tile = _shape_of(op.result.type)
    # a tile of a memref the scope never writes is a read-only view of it: the same
    # values a copy would hold for as long as the tile lives (its task)
    view = memref_root(op.source) in c.readonly
    if len(ix) == 2:
        a, b = ix
        t0, t1 = tile

        def load2(f: Frame) -> Any:
            m = f[ms]
            i, j = f[a], f[b]
            s0, s1 = m.shape
            if i < 0 or j < 0 or i + t0 > s0 or j + t1 > s1:
                raise _oob(op, "load", (i, j), tile, m.shape)
            box = m[i:i + t0, j:j + t1]
            if not view:
                return box.copy()
            box.flags.writeable = False
            return box

        compute: Compute = load2
    else:

        def loadn(f: Frame) -> Any:
            m = f[ms]
            idx = [f[s] for s in ix]
            if not _in_bounds(idx, tile, m.shape):
                raise _oob(op, "load", idx, tile, m.shape)
            box = m[tuple(slice(i, i + t) for i, t in zip(idx, tile, strict=False))]
            if not view:
                return box.copy()
            box.flags.writeable = False
            return box

        compute = loadn
    isz = nm.np_dtype(_elem_of(op.result.type)).itemsize
    if not c.v.record or c.v.debug:
        th = c.value_op(op, compute, "load", nan_check=False)
        return _with_bursts(c, th, op.source, tile, isz) if c.v.record else th
    # recording: the event of `value_op` with the burst fields of `_with_bursts`, made
    # in one step (a load is the commonest recorded op)
    o, bo = c.slot(op.result), c.bslot(op.result)
    rt = op.result.type
    dt, nb = _dtype_name(rt), _nbytes(rt)
    tid, side = c.tensor_of(op.source), c.side
    cache: dict[Any, OpEvent] = {}

    def load_rec(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
        f[o] = compute(f)
        bufs = f[_BUFS]
        key = (bo, f[_CTX])
        w = bufs.get(key)
        if w is None:
            w = bufs[key] = len(bufs)
        f[bo] = w
        mshape = f[ms].shape
        ck = (w, mshape)
        ev = cache.get(ck)
        if ev is None:
            rows, rb, sb = gm_bursts(tile, mshape, isz)
            ev = cache[ck] = OpEvent(
                "load", "pto.load", tile, dt, nb, (), w,
                rows=rows, row_bytes=rb, stride_bytes=sb, tensor=tid, side=side,
            )
        f[_EV](ev)

    return load_rec


@_handles("pto.store")
def _store(c: _Compiler, op: pto.StoreOp) -> Thunk:
    vs = c.slot(op.value)
    ms = c.slot(op.dest)
    ix = [c.slot(i) for i in op.indices]
    tile = _shape_of(op.value.type)
    atomic = op.atomic_kind is not None  # "add": GM += tile, in the order the tasks run

    def store(f: Frame) -> None:
        m = f[ms]
        idx = [f[s] for s in ix]
        if not _in_bounds(idx, tile, m.shape):
            raise _oob(op, "store", idx, tile, m.shape)
        box = tuple(slice(i, i + t) for i, t in zip(idx, tile, strict=False))
        log = f[_SLOG]
        if log is not None:
            log.append((m, idx, tile))
        if atomic:
            m[box] += f[vs]
        else:
            m[box] = f[vs]

    if not c.v.record:
        return store
    vt = op.value.type
    bv = c.bslot(op.value)
    shape, dt, nb = tile, _dtype_name(vt), _nbytes(vt)
    cache: dict[Any, OpEvent] = {}
    tid, side, isz = c.tensor_of(op.dest), c.side, nm.np_dtype(_elem_of(vt)).itemsize

    def store_rec(f: Frame) -> None:
        store(f)
        r = f[bv]
        m = f[ms]
        ck = (r, m.shape)
        ev = cache.get(ck)
        if ev is None:
            rows, rb, sb = gm_bursts(tile, m.shape, isz)
            ev = cache[ck] = OpEvent(
                "store", "pto.store", shape, dt, nb, (r,), None,
                rows=rows, row_bytes=rb, stride_bytes=sb, tensor=tid, side=side,
                atomic=atomic,
            )
        f[_EV](ev)

    return store_rec


@_handles("pto.read")
def _read(c: _Compiler, op: pto.ReadOp) -> Thunk:
    ms = c.slot(op.source)
    ix = [c.slot(i) for i in op.indices]
    rt = op.result.type
    as_int = isinstance(rt, (IntegerType, IndexType))

    def read(f: Frame) -> Any:
        m = f[ms]
        idx = tuple(f[s] for s in ix)
        for i, n in zip(idx, m.shape, strict=False):
            if i < 0 or i >= n:
                raise _oob(op, "read", idx, None, m.shape)
        return int(m[idx]) if as_int else m[idx]

    if not c.v.record:
        return c.value_op(op, read, "read", nan_check=False)
    o = c.slot(op.result)
    tid, side = c.tensor_of(op.source), c.side
    dt, nb = _dtype_name(rt), _nbytes(rt)
    cache: dict[int, OpEvent] = {}

    def read_rec(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
        f[o] = read(f)
        off = _flat_offset(f[ms], [f[s] for s in ix])
        ev = cache.get(off)
        if ev is None:
            ev = cache[off] = OpEvent("read", "pto.read", (), dt, nb, tensor=tid, offset=off, side=side)
        f[_EV](ev)

    return read_rec


def _flat_offset(m: NpArray, idx: Sequence[int]) -> int:
    """Row-major element index of `m[idx]` (memrefs are C-contiguous, views too)."""
    off = 0
    for i, n in zip(idx, m.shape, strict=False):
        off = off * n + i
    return off


def _with_bursts(
    c: _Compiler, th: Thunk, mem: SSAValue, tile: Sequence[int] | None, itemsize: int,
    valid: Callable[[Frame], Sequence[int]] | None = None,
) -> Thunk:
    """Wrap a recording load thunk: emit its event with the GM burst fields filled in."""
    ms = c.slot(mem)
    tid = c.tensor_of(mem)
    cache: dict[Any, OpEvent] = {}

    def bursts(f: Frame) -> None:
        sink = f[_EV]
        got: list[OpEvent] = []
        f[_EV] = got.append  # catch the load's event, then emit it with the burst fields
        try:
            th(f)
        finally:
            f[_EV] = sink
        (ev,) = got
        m = f[ms]
        win = tuple(valid(f)) if valid is not None else tile
        ck = (ev, m.shape, win)
        new = cache.get(ck)
        if new is None:
            assert win is not None
            rows, rb, sb = gm_bursts(win, m.shape, itemsize)
            nb = ev.nbytes
            if valid is not None:
                nb = itemsize
                for x in win:
                    nb *= x
            new = cache[ck] = replace(
                ev, nbytes=nb, rows=rows, row_bytes=rb, stride_bytes=sb, tensor=tid
            )
        sink(new)

    return bursts


# ------------------------------------------------------------------ pto tile compute


@_handles("pto.row_sum")
def _row_sum(c: _Compiler, op: pto.RowSumOp) -> Thunk:
    x = c.slot(op.input)
    dt = nm.np_dtype(_elem_of(op.result.type))
    if dt.kind in "iu":
        return c.value_op(op, lambda f: np.sum(f[x], axis=-1, keepdims=True, dtype=dt), "vector")
    # floats: the vector unit's order (numerics.row_sum_tree); narrow floats in f32
    return c.value_op(op, lambda f: nm.row_sum_tree(f[x]).astype(dt, copy=False), "vector")


@_handles("pto.row_max", "pto.col_max")
def _reduce_max(c: _Compiler, op: pto.RowMaxOp | pto.ColMaxOp) -> Thunk:
    x, axis = c.slot(op.input), op.AXIS
    return c.value_op(op, lambda f: np.max(f[x], axis=axis, keepdims=True), "vector")


@_handles("pto.row_min", "pto.col_min")
def _reduce_min(c: _Compiler, op: pto.RowMinOp | pto.ColMinOp) -> Thunk:
    x, axis = c.slot(op.input), op.AXIS
    return c.value_op(op, lambda f: np.min(f[x], axis=axis, keepdims=True), "vector")


@_handles("pto.col_sum")
def _col_sum(c: _Compiler, op: pto.ColSumOp) -> Thunk:
    x, binary = c.slot(op.input), op.binary is not None
    return c.value_op(op, lambda f: nm.col_sum(f[x], binary), "vector")


@_handles("pto.row_expand_mul", "pto.col_expand_mul")
def _expand_mul(c: _Compiler, op: pto.RowExpandMulOp) -> Thunk:
    a, b = c.slot(op.lhs), c.slot(op.rhs)
    return c.value_op(op, lambda f: np.multiply(f[a], f[b]), "vector")


def _mm_product(op: pto.MatmulOp | pto.MatmulAccOp, c: _Compiler) -> tuple[Compute, int]:
    """`op(a) x op(b)` (f32 accumulation; int8 x int8 exactly, wrapped to int32), and K."""
    a, b = c.slot(op.lhs), c.slot(op.rhs)
    ta, tb = op.a_trans is not None, op.b_trans is not None
    sa = _shape_of(op.lhs.type)
    k = sa[0] if ta else sa[1]
    integer = nm.np_dtype(_elem_of(op.lhs.type)).kind in "iu"
    wide = np.dtype(np.int64 if integer else np.float32)
    widened = c.state.widened

    def product(f: Frame) -> Any:
        x = _widen(f[a], wide, widened)
        y = _widen(f[b], wide, widened)
        return np.matmul(x.T if ta else x, y.T if tb else y)

    return product, k


@_handles("pto.matmul")
def _matmul(c: _Compiler, op: pto.MatmulOp) -> Thunk:
    product, k = _mm_product(op, c)
    if nm.np_dtype(_elem_of(op.result.type)).kind == "i":
        return c.value_op(op, lambda f: product(f).astype(np.int32), "matmul", k=k)
    return c.value_op(op, product, "matmul", k=k)


@_handles("pto.matmul_acc")
def _matmul_acc(c: _Compiler, op: pto.MatmulAccOp) -> Thunk:
    acc = c.slot(op.acc)
    product, k = _mm_product(op, c)
    if nm.np_dtype(_elem_of(op.result.type)).kind == "i":
        def mmai(f: Frame) -> Any:
            return (f[acc].astype(np.int64) + product(f)).astype(np.int32)

        return c.value_op(op, mmai, "matmul", k=k)

    def mma(f: Frame) -> Any:
        return f[acc] + product(f)

    return c.value_op(op, mma, "matmul", k=k)


@_handles("pto.gather")
def _gather(c: _Compiler, op: pto.GatherOp) -> Thunk:
    s, ix = c.slot(op.source), c.slot(op.index)
    n = _shape_of(op.source.type)[-1]

    def gather(f: Frame) -> Any:
        idx = f[ix]
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = idx[(idx < 0) | (idx >= n)].flat[0]
            raise NumericError(f"gather index {bad} is out of bounds for a last axis of {n}")
        return np.take_along_axis(f[s], idx.astype(np.intp), axis=-1)

    return c.value_op(op, gather, "vector", guarded=True)


@_handles("pto.arange")
def _arange(c: _Compiler, op: pto.ArangeOp) -> Thunk:
    rt = op.result.type
    shape = _shape_of(rt)
    dt = nm.np_dtype(_elem_of(rt))
    line = op.start.data + op.step.data * np.arange(shape[-1], dtype=np.int64)
    arr = np.broadcast_to(line.astype(dt), shape).copy()
    arr.flags.writeable = False
    return c.value_op(op, lambda f: arr, "vector")


@_handles("pto.cast")
def _cast(c: _Compiler, op: pto.CastOp) -> Thunk:
    x = c.slot(op.input)
    dt = nm.np_dtype(_elem_of(op.result.type))
    mode = op.mode
    return c.value_op(op, lambda f: nm.cast_tile(f[x], dt, mode), "vector")


# ------------------------------------------------------------------ arith / math


def _kind(t: Attribute) -> EventKind:
    return "vector" if _is_tile(t) else "scalar"


@_handles("arith.constant")
def _constant(c: _Compiler, op: arith.ConstantOp) -> Thunk:
    rt = op.result.type
    val = nm.constant_value(op.value, rt)
    if val is None:
        raise InterpreterError(op, f"the interpreter does not implement constants like {op.value}")
    # scalar constants are immediates; a constant tile is a fill on the vector unit
    return c.value_op(op, lambda f: val, "vector" if _is_tile(rt) else None)


_INT_BINARY = ["addi", "subi", "muli", "divsi", "divui", "floordivsi", "ceildivsi", "ceildivui", "remsi", "remui", "andi", "ori", "xori", "shli", "shrsi", "shrui", "maxsi", "minsi", "maxui", "minui"]
_GUARDED = {"divsi", "divui", "floordivsi", "ceildivsi", "ceildivui", "remsi", "remui"}


@_handles(*(f"arith.{n}" for n in _INT_BINARY))
def _int_binary(c: _Compiler, op: Operation) -> Thunk:
    short = op.name.split(".")[1]
    a, b = c.operands(op)
    rt = op.results[0].type
    if _is_tile(rt):
        tfn = nm.tile_int_binary(short)
        assert tfn is not None
        compute: Compute = lambda f: tfn(f[a], f[b])  # noqa: E731
    else:
        # one semantics with the folders: two's complement, index as 64 bits
        bits = int_semantics.width(rt)
        sfn = int_semantics.binary_op(short, bits) if bits is not None else None
        assert sfn is not None

        def compute(f: Frame) -> Any:
            try:
                return sfn(f[a], f[b])
            except int_semantics.UndefinedArith as e:
                raise NumericError(str(e)) from None

    return c.value_op(op, compute, _kind(rt), guarded=short in _GUARDED or not _is_tile(rt))


@_handles(*nm.FLOAT_BINARY)
def _float_binary(c: _Compiler, op: Operation) -> Thunk:
    fn = nm.FLOAT_BINARY[op.name]
    a, b = c.operands(op)
    return c.value_op(op, lambda f: fn(f[a], f[b]), _kind(op.results[0].type))


@_handles(*nm.FLOAT_UNARY)
def _float_unary(c: _Compiler, op: Operation) -> Thunk:
    fn = nm.FLOAT_UNARY[op.name]
    (a,) = c.operands(op)
    return c.value_op(op, lambda f: fn(f[a]), _kind(op.results[0].type))


@_handles("math.fma")
def _fma(c: _Compiler, op: Operation) -> Thunk:
    a, b, d = c.operands(op)
    return c.value_op(op, lambda f: f[a] * f[b] + f[d], _kind(op.results[0].type))


@_handles("math.absi")
def _absi(c: _Compiler, op: Operation) -> Thunk:
    (a,) = c.operands(op)
    rt = op.results[0].type
    if _is_tile(rt):
        return c.value_op(op, lambda f: np.abs(f[a]), "vector")
    bits = nm.int_width(rt)
    return c.value_op(op, lambda f: nm.wrap(abs(f[a]), bits), "scalar")


_CMPI_SCALAR: dict[int, Callable[[int, int], bool]] = {
    0: lambda a, b: a == b,
    1: lambda a, b: a != b,
    2: lambda a, b: a < b,
    3: lambda a, b: a <= b,
    4: lambda a, b: a > b,
    5: lambda a, b: a >= b,
}
_CMPI_TILE: dict[int, Callable[[Any, Any], Any]] = {
    0: np.equal, 1: np.not_equal, 2: np.less, 3: np.less_equal, 4: np.greater, 5: np.greater_equal,
}


@_handles("arith.cmpi")
def _cmpi(c: _Compiler, op: arith.CmpiOp) -> Thunk:
    a, b = c.slot(op.lhs), c.slot(op.rhs)
    pred = op.predicate.value.data
    base = pred - 4 if pred >= 6 else pred  # ult.. -> slt.. on unsigned values
    rt = op.result.type
    if _is_tile(rt):
        tfn = _CMPI_TILE[base]
        if pred >= 6:
            uv = nm._unsigned_view  # pyright: ignore[reportPrivateUsage]
            compute: Compute = lambda f: tfn(uv(f[a]), uv(f[b]))  # noqa: E731
        else:
            compute = lambda f: tfn(f[a], f[b])  # noqa: E731
        return c.value_op(op, compute, "vector")
    sfn = _CMPI_SCALAR[base]
    bits = nm.int_width(op.lhs.type)
    if pred >= 6:
        compute = lambda f: sfn(nm.unsigned(f[a], bits), nm.unsigned(f[b], bits))  # noqa: E731
    elif bits == 1:
        compute = lambda f: sfn(nm.signed(f[a], 1), nm.signed(f[b], 1))  # noqa: E731
    else:
        compute = lambda f: sfn(f[a], f[b])  # noqa: E731
    return c.value_op(op, compute, "scalar")


@_handles("arith.cmpf")
def _cmpf(c: _Compiler, op: arith.CmpfOp) -> Thunk:
    a, b = c.slot(op.lhs), c.slot(op.rhs)
    fn = nm.CMPF[op.predicate.value.data]
    if _is_tile(op.result.type):
        return c.value_op(op, lambda f: np.asarray(fn(f[a], f[b])), "vector")
    return c.value_op(op, lambda f: bool(fn(f[a], f[b])), "scalar")


@_handles("arith.select")
def _select(c: _Compiler, op: arith.SelectOp) -> Thunk:
    cs, t, e = c.slot(op.cond), c.slot(op.lhs), c.slot(op.rhs)
    rt = op.result.type
    if _is_tile(op.cond.type):
        def where(f: Frame) -> Any:
            return cast(Any, np.where(f[cs], f[t], f[e]))

        return c.value_op(op, where, "vector")
    def pick(f: Frame) -> Any:
        return f[t] if f[cs] else f[e]

    return c.value_op(op, pick, _kind(rt))


def _int_convert(src: Attribute, dst: Attribute, how: str) -> Callable[[Any], Any]:
    sb, db = nm.int_width(src), nm.int_width(dst)
    if how == "signed":
        return lambda v: nm.wrap(nm.signed(v, sb), db)
    return lambda v: nm.wrap(nm.unsigned(v, sb), db)


@_handles("arith.index_cast", "arith.index_castui", "arith.extsi", "arith.extui", "arith.trunci")
def _int_cast(c: _Compiler, op: Operation) -> Thunk:
    (a,) = c.operands(op)
    st, rt = op.operands[0].type, op.results[0].type
    if _is_tile(rt):
        dt = nm.np_dtype(_elem_of(rt))
        if op.name in ("arith.extui", "arith.index_castui"):
            uv = nm._unsigned_view  # pyright: ignore[reportPrivateUsage]
            return c.value_op(op, lambda f: uv(f[a]).astype(dt), "vector")
        return c.value_op(op, lambda f: f[a].astype(dt), "vector")
    how = "unsigned" if op.name in ("arith.extui", "arith.index_castui") else "signed"
    conv = _int_convert(st, rt, how)
    return c.value_op(op, lambda f: conv(f[a]), "scalar")


@_handles("arith.sitofp", "arith.uitofp")
def _int_to_float(c: _Compiler, op: Operation) -> Thunk:
    (a,) = c.operands(op)
    st, rt = op.operands[0].type, op.results[0].type
    dt = nm.np_dtype(_elem_of(rt))
    if _is_tile(rt):
        if op.name == "arith.uitofp":
            uv = nm._unsigned_view  # pyright: ignore[reportPrivateUsage]
            return c.value_op(op, lambda f: uv(f[a]).astype(dt), "vector")
        return c.value_op(op, lambda f: f[a].astype(dt), "vector")
    bits = nm.int_width(st)
    conv = nm.signed if op.name == "arith.sitofp" else nm.unsigned
    ty = dt.type
    return c.value_op(op, lambda f: ty(conv(f[a], bits)), "scalar")


@_handles("arith.fptosi", "arith.fptoui")
def _float_to_int(c: _Compiler, op: Operation) -> Thunk:
    (a,) = c.operands(op)
    rt = op.results[0].type
    if _is_tile(rt):
        dt = nm.np_dtype(_elem_of(rt))
        if op.name == "arith.fptoui":
            dt = np.dtype(f"uint{dt.itemsize * 8}") if dt != np.bool_ else dt
            out = nm.np_dtype(_elem_of(rt))
            return c.value_op(
                op, lambda f: nm.float_to_int(f[a], dt, "trunc").astype(out), "vector"
            )
        return c.value_op(op, lambda f: nm.float_to_int(f[a], dt, "trunc"), "vector")
    bits = nm.int_width(rt)
    return c.value_op(
        op, lambda f: nm.wrap(int(np.trunc(np.float64(f[a]))) if np.isfinite(f[a]) else 0, bits),
        "scalar",
    )


@_handles("arith.extf", "arith.truncf")
def _float_cast(c: _Compiler, op: Operation) -> Thunk:
    (a,) = c.operands(op)
    rt = op.results[0].type
    dt = nm.np_dtype(_elem_of(rt))
    if _is_tile(rt):
        return c.value_op(op, lambda f: f[a].astype(dt), "vector")
    ty = dt.type
    return c.value_op(op, lambda f: ty(f[a]), "scalar")


@_handles("arith.bitcast")
def _bitcast(c: _Compiler, op: Operation) -> Thunk:
    (a,) = c.operands(op)
    st, rt = op.operands[0].type, op.results[0].type
    sd, dt = nm.np_dtype(_elem_of(st)), nm.np_dtype(_elem_of(rt))
    if _is_tile(rt):
        return c.value_op(op, lambda f: f[a].view(dt), "vector")
    is_int = isinstance(rt, (IntegerType, IndexType))

    def cast(f: Frame) -> Any:
        v = np.array(f[a], dtype=sd).view(dt)[()]
        return int(v) if is_int else v

    return c.value_op(op, cast, "scalar")


@_handles("tensor.splat")
def _splat(c: _Compiler, op: tensor.SplatOp) -> Thunk:
    if op.dynamicSizes:
        raise InterpreterError(op, "tensor.splat with dynamic sizes is not supported")
    x = c.slot(op.input)
    rt = op.result.type
    shape = _shape_of(rt)
    dt = nm.np_dtype(_elem_of(rt))
    return c.value_op(op, lambda f: np.full(shape, f[x], dtype=dt), "vector")


# ------------------------------------------------------------------ issue-8 ops: memory


def _flat_index_checked(op: Operation, m: NpArray, idx: Sequence[int], what: str) -> int:
    for i, n in zip(idx, m.shape, strict=False):
        if i < 0 or i >= n:
            raise _oob(op, what, idx, None, m.shape)
    return _flat_offset(m, idx)


@_handles("pto.write")
def _write(c: _Compiler, op: pto_tiles.WriteOp) -> Thunk:
    vs, ms = c.slot(op.value), c.slot(op.dest)
    ix = [c.slot(i) for i in op.indices]
    vt = op.value.type
    dt = nm.np_dtype(vt)

    def write(f: Frame, _op: Operation = op) -> int:  # _op: see _failing_op
        m = f[ms]
        idx = tuple(f[s] for s in ix)
        off = _flat_index_checked(op, m, idx, "write")
        m[idx] = dt.type(f[vs]) if dt != np.bool_ else bool(f[vs])
        return off

    if not c.v.record:
        def plain(f: Frame, _op: Operation = op) -> None:
            write(f)

        return plain
    tid, side, name, nb = c.tensor_of(op.dest), c.side, _dtype_name(vt), _nbytes(vt)
    cache: dict[int, OpEvent] = {}

    def write_rec(f: Frame, _op: Operation = op) -> None:
        off = write(f)
        ev = cache.get(off)
        if ev is None:
            ev = cache[off] = OpEvent(
                "write", "pto.write", (), name, nb, tensor=tid, offset=off, side=side
            )
        f[_EV](ev)

    return write_rec


def _valid_extents(
    op: Operation, c: _Compiler, valid: Sequence[SSAValue], tile: Sequence[int]
) -> Callable[[Frame], tuple[int, ...]]:
    vs = [c.slot(v) for v in valid]

    def extents(f: Frame) -> tuple[int, ...]:
        ext = tuple(f[s] for s in vs)
        for d, (e, t) in enumerate(zip(ext, tile, strict=False)):
            if e < 0 or e > t:
                raise InterpreterError(
                    op, f"valid extent {e} of dimension {d} is outside [0, {t}] (tile "
                    f"{list(tile)})"
                )
        return ext

    return extents


def _pad_value(dt: np.dtype[Any], pad: str) -> Any:
    if pad == "zero":
        return dt.type(0)
    if nm.is_float_dtype(dt):
        return dt.type(-np.inf if pad == "min" else np.inf)
    if dt == np.bool_:
        return pad == "max"
    info = np.iinfo(dt)
    return dt.type(info.min if pad == "min" else info.max)


@_handles("pto.load_valid")
def _load_valid(c: _Compiler, op: pto_tiles.LoadValidOp) -> Thunk:
    ms = c.slot(op.source)
    ix = [c.slot(i) for i in op.indices]
    rt = op.result.type
    tile = _shape_of(rt)
    dt = nm.np_dtype(_elem_of(rt))
    fill = _pad_value(dt, op.pad_value)
    extents = _valid_extents(op, c, op.valid, tile)

    def load(f: Frame) -> Any:
        m = f[ms]
        idx = [f[s] for s in ix]
        ext = extents(f)
        if not _in_bounds(idx, ext, m.shape):
            raise _oob(op, "load", idx, ext, m.shape)
        out = np.full(tile, fill, dtype=dt)
        win = tuple(slice(0, e) for e in ext)
        out[win] = m[tuple(slice(i, i + e) for i, e in zip(idx, ext, strict=False))]
        return out

    th = c.value_op(op, load, "load", nan_check=False)
    if not c.v.record:
        return th
    return _with_bursts(c, th, op.source, None, dt.itemsize, valid=extents)


@_handles("pto.gather_row")
def _gather_row(c: _Compiler, op: pto_tiles.GatherRowOp) -> Thunk:
    """The tile with a window of GM written in: a load of the valid extents (its event
    has their bursts, and reads the tile it writes into)."""
    a, ms = c.slot(op.acc), c.slot(op.source)
    ix = [c.slot(i) for i in op.indices]
    ox = [c.slot(i) for i in op.offsets]
    tile = _shape_of(op.acc.type)
    dt = nm.np_dtype(_elem_of(op.acc.type))
    extents = _valid_extents(op, c, op.valid, tile)

    def gather(f: Frame) -> Any:
        m = f[ms]
        idx = [f[s] for s in ix]
        at = [f[s] for s in ox]
        ext = extents(f)
        if not _in_bounds(idx, ext, m.shape):
            raise _oob(op, "load", idx, ext, m.shape)
        if not _in_bounds(at, ext, tile):
            raise InterpreterError(
                op, f"the window {list(ext)} at {at} is outside the {list(tile)} tile")
        out = f[a].copy()
        out[tuple(slice(o, o + e) for o, e in zip(at, ext, strict=False))] = m[
            tuple(slice(i, i + e) for i, e in zip(idx, ext, strict=False))]
        return out

    th = c.value_op(op, gather, "load", nan_check=False)
    if not c.v.record:
        return th
    return _with_bursts(c, th, op.source, None, dt.itemsize, valid=extents)


@_handles("pto.store_valid")
def _store_valid(c: _Compiler, op: pto_tiles.StoreValidOp) -> Thunk:
    vs, ms = c.slot(op.value), c.slot(op.dest)
    ix = [c.slot(i) for i in op.indices]
    vt = op.value.type
    tile = _shape_of(vt)
    extents = _valid_extents(op, c, op.valid, tile)

    def store(f: Frame) -> tuple[int, ...]:
        m = f[ms]
        idx = [f[s] for s in ix]
        ext = extents(f)
        if not _in_bounds(idx, ext, m.shape):
            raise _oob(op, "store", idx, ext, m.shape)
        m[tuple(slice(i, i + e) for i, e in zip(idx, ext, strict=False))] = f[vs][
            tuple(slice(0, e) for e in ext)
        ]
        return ext

    if not c.v.record:
        def plain(f: Frame, _op: Operation = op) -> None:
            store(f)

        return plain
    bv = c.bslot(op.value)
    dt = nm.np_dtype(_elem_of(vt))
    name, isz, tid, side = _dtype_name(vt), dt.itemsize, c.tensor_of(op.dest), c.side
    cache: dict[Any, OpEvent] = {}

    def store_rec(f: Frame, _op: Operation = op) -> None:
        ext = store(f)
        r = f[bv]
        m = f[ms]
        ck = (r, m.shape, ext)
        ev = cache.get(ck)
        if ev is None:
            rows, rb, sb = gm_bursts(ext, m.shape, isz)
            nb = isz
            for e in ext:
                nb *= e
            ev = cache[ck] = OpEvent(
                "store", "pto.store_valid", tile, name, nb, (r,), None,
                rows=rows, row_bytes=rb, stride_bytes=sb, tensor=tid, side=side,
            )
        f[_EV](ev)

    return store_rec


@_handles("memref.alloc")
def _alloc(c: _Compiler, op: memref.AllocOp) -> Thunk:
    rt = op.memref.type
    shape = _shape_of(rt)
    dt = nm.np_dtype(_elem_of(rt))
    dyn = [c.slot(v) for v in op.dynamic_sizes]
    c.tensor_ids[op.memref] = c.n_args + c.n_allocs
    c.n_allocs += 1

    def alloc(f: Frame) -> Any:
        it = iter(dyn)
        full = tuple(f[next(it)] if d < 0 else d for d in shape)
        if any(d < 0 for d in full):
            raise InterpreterError(op, f"memref.alloc with a negative size: {list(full)}")
        return np.zeros(full, dtype=dt)  # contents undefined on the device; zeros here

    return c.value_op(op, alloc, None, nan_check=False)


@_handles("linalg.fill")
def _fill_gm(c: _Compiler, op: Operation) -> Thunk:
    """`linalg.fill ins(%v) outs(%m : memref)`: an orchestration-level GM tensor filled
    with one value (PyPTO's `pl.create_tensor(..., init_value=v)`, which the runtime
    fills on the AICPU before any kernel writes it; no task, so nothing is recorded)."""
    vs, ms = c.slot(op.operands[0]), c.slot(op.operands[1])
    dt = nm.np_dtype(_elem_of(op.operands[1].type))

    def fill(f: Frame, _op: Operation = op) -> None:
        f[ms][...] = dt.type(f[vs]) if dt != np.bool_ else bool(f[vs])

    return fill


@_handles("linalg.transpose")
def _transpose(c: _Compiler, op: Operation) -> Thunk:
    """`linalg.transpose ins(%t) outs(%init) permutation = [...]` on tiles (PyPTO's
    `pl.transpose`): the input's axes permuted; `%init` only gives the result's type."""
    if op.results[0].type != op.operands[1].type or not _is_tile(op.operands[0].type):
        raise InterpreterError(op, "linalg.transpose runs on tiles with a tile result")
    s = c.slot(op.operands[0])
    perm = [int(p) for p in op.properties["permutation"].get_values()]  # pyright: ignore[reportAttributeAccessIssue]

    def transpose(f: Frame) -> Any:
        return np.ascontiguousarray(np.transpose(f[s], perm))

    return c.value_op(op, transpose, "vector", nan_check=False)


@_handles("memref.dealloc")
def _dealloc(c: _Compiler, op: Operation) -> None:
    return None


def _reassociation(op: memref.CollapseShapeOp | memref.ExpandShapeOp) -> list[list[int]]:
    return [
        [int(x.value.data) for x in g.data]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownArgumentType]
        for g in op.reassociation.data  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
    ]


@_handles("memref.dim")
def _dim(c: _Compiler, op: memref.DimOp) -> Thunk:
    s, ix = c.slot(op.source), c.slot(op.index)

    def dim(f: Frame) -> Any:
        m, i = f[s], f[ix]
        if not 0 <= i < m.ndim:
            raise InterpreterError(op, f"memref.dim {i} of a rank-{m.ndim} memref")
        return int(m.shape[i])

    return c.value_op(op, dim, "scalar", nan_check=False)


@_handles("memref.collapse_shape")
def _collapse(c: _Compiler, op: memref.CollapseShapeOp) -> Thunk:
    s = c.slot(op.src)
    groups = _reassociation(op)
    c.tensor_ids[op.result] = c.tensor_of(op.src)

    def collapse(f: Frame) -> Any:
        m = f[s]
        shape = []
        for g in groups:
            n = 1
            for d in g:
                n *= m.shape[d]
            shape.append(n)
        return m.reshape(shape)  # a view: memrefs are C-contiguous

    return c.value_op(op, collapse, None, nan_check=False)


@_handles("memref.expand_shape")
def _expand_shape(c: _Compiler, op: memref.ExpandShapeOp) -> Thunk:
    s = c.slot(op.src)
    static = list(op.static_output_shape.get_values())
    dyn = [c.slot(v) for v in op.output_shape]
    c.tensor_ids[op.result] = c.tensor_of(op.src)

    def expand(f: Frame) -> Any:
        m = f[s]
        it = iter(dyn)
        shape = [f[next(it)] if d == DYNAMIC_INDEX else d for d in static]
        if int(np.prod(shape, dtype=np.int64)) != m.size or any(d < 0 for d in shape):
            raise InterpreterError(
                op, f"memref.expand_shape of a {list(m.shape)} memref into {shape}: the "
                "sizes do not match"
            )
        return m.reshape(shape)

    return c.value_op(op, expand, None, nan_check=False)


# ------------------------------------------------------------------ issue-8 ops: tiles


def _slice_offsets(
    c: _Compiler, op: tensor.ExtractSliceOp | tensor.InsertSliceOp
) -> Callable[[Frame], list[int]]:
    static = list(op.static_offsets.get_values())
    dyn = [c.slot(v) for v in op.offsets]
    if not dyn:
        fixed = [int(x) for x in static]
        return lambda f: fixed

    def offsets(f: Frame) -> list[int]:
        it = iter(dyn)
        return [f[next(it)] if o == DYNAMIC_INDEX else int(o) for o in static]

    return offsets


def _check_window(
    op: Operation, offs: Sequence[int], sizes: Sequence[int], shape: Sequence[int]
) -> None:
    if not _in_bounds(offs, sizes, shape):
        raise InterpreterError(
            op, f"slice of {list(sizes)} at offsets {list(offs)} is outside the "
            f"{list(shape)} tile"
        )


@_handles("tensor.collapse_shape", "tensor.expand_shape")
def _tile_reshape(c: _Compiler, op: Operation) -> Thunk:
    """A tile in another shape: no instruction and no event. PTO's TRESHAPE on A2/A3 is an
    alias of the source tile's storage (pto-isa, docs/isa/TRESHAPE.md, github.com/cannmirror/pto-isa), so the result
    lives in the source's buffer: its readers wait for the source's producer, and a later
    write of that buffer waits for them."""
    (s,) = c.operands(op)
    res = op.results[0]
    shape = _shape_of(res.type)
    o = c.slot(res)
    if not c.v.record:
        def reshape(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
            f[o] = f[s].reshape(shape).copy()  # tiles are values: a copy, not a view

        return reshape
    bo, bs = c.bslot(res), c.bslot(op.operands[0])

    def alias(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
        f[o] = f[s].reshape(shape).copy()
        f[bo] = f[bs]

    return alias


@_handles("tensor.extract_slice")
def _extract_slice(c: _Compiler, op: tensor.ExtractSliceOp) -> Thunk:
    s = c.slot(op.source)
    sizes = _shape_of(op.result.type)
    shape = _shape_of(op.source.type)
    offsets = _slice_offsets(c, op)

    def extract(f: Frame) -> Any:
        offs = offsets(f)
        _check_window(op, offs, sizes, shape)
        return f[s][tuple(slice(o, o + n) for o, n in zip(offs, sizes, strict=False))].copy()

    return c.value_op(op, extract, "vector", nan_check=False)


@_handles("tensor.insert_slice")
def _insert_slice(c: _Compiler, op: tensor.InsertSliceOp) -> Thunk:
    s, d = c.slot(op.source), c.slot(op.dest)
    sizes = _shape_of(op.source.type)
    shape = _shape_of(op.dest.type)
    offsets = _slice_offsets(c, op)

    def insert(f: Frame) -> Any:
        offs = offsets(f)
        _check_window(op, offs, sizes, shape)
        out = f[d].copy()
        out[tuple(slice(o, o + n) for o, n in zip(offs, sizes, strict=False))] = f[s]
        return out

    return c.value_op(op, insert, "vector", nan_check=False)


def _element_index(op: Operation, ix: Sequence[int], f: Frame, shape: Sequence[int]
                   ) -> tuple[int, ...]:
    idx = tuple(f[i] for i in ix)
    for i, n in zip(idx, shape, strict=True):
        if i < 0 or i >= n:
            raise InterpreterError(op, f"element {list(idx)} is outside the {list(shape)} tile")
    return idx


@_handles("tensor.extract")
def _extract(c: _Compiler, op: tensor.ExtractOp) -> Thunk:
    """One element of a tile, read by the scalar unit (PyPTO's `pl.read` of a tile); it
    waits for the tile (the event reads its buffer)."""
    s = c.slot(op.tensor)
    ix = [c.slot(i) for i in op.indices]
    shape = _shape_of(op.tensor.type)
    rt = op.result.type
    as_int = isinstance(rt, (IntegerType, IndexType))

    def extract(f: Frame) -> Any:
        v = f[s][_element_index(op, ix, f, shape)]
        return int(v) if as_int else v

    if not c.v.record:
        return c.value_op(op, extract, "scalar", nan_check=False)
    o, rb, side = c.slot(op.result), c.bslot(op.tensor), c.side
    dt, nb = _dtype_name(rt), _nbytes(rt)
    cache: dict[int, OpEvent] = {}

    def extract_rec(f: Frame, _op: Operation = op) -> None:  # _op: see _failing_op
        f[o] = extract(f)
        b = f[rb]
        ev = cache.get(b)
        if ev is None:
            ev = cache[b] = OpEvent("scalar", op.name, (), dt, nb, (b,), side=side)
        f[_EV](ev)

    return extract_rec


@_handles("tensor.insert")
def _insert(c: _Compiler, op: tensor.InsertOp) -> Thunk:
    """The tile with one element replaced by the scalar unit (PyPTO's `pl.write` of a
    tile): a scalar-unit op on a new buffer that reads the old one."""
    v, d = c.slot(op.scalar), c.slot(op.dest)
    ix = [c.slot(i) for i in op.indices]
    shape = _shape_of(op.dest.type)

    def insert(f: Frame) -> Any:
        out = f[d].copy()
        out[_element_index(op, ix, f, shape)] = f[v]
        return out

    return c.value_op(op, insert, "scalar", nan_check=False)


_CMP_FNS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
    "gt": np.greater, "ge": np.greater_equal,
}


@_handles("pto.cmp")
def _pto_cmp(c: _Compiler, op: pto_tiles.CmpOp) -> Thunk:
    a, b = c.slot(op.lhs), c.slot(op.rhs)
    fn = _CMP_FNS[op.mode.data.value]
    if nm.np_dtype(_elem_of(op.lhs.type)).kind == "u":
        uv = nm._unsigned_view  # pyright: ignore[reportPrivateUsage]
        return c.value_op(op, lambda f: fn(uv(f[a]), uv(f[b])), "vector")
    return c.value_op(op, lambda f: fn(f[a], f[b]), "vector")


@_handles("pto.cmps")
def _pto_cmps(c: _Compiler, op: pto_tiles.CmpsOp) -> Thunk:
    a, s = c.slot(op.lhs), c.slot(op.scalar)
    fn = _CMP_FNS[op.mode.data.value]
    dt = nm.np_dtype(_elem_of(op.lhs.type))
    ty = dt.type
    if dt.kind == "u":
        uv = nm._unsigned_view  # pyright: ignore[reportPrivateUsage]
        return c.value_op(op, lambda f: fn(uv(f[a]), uv(np.asarray(ty(f[s])))), "vector")
    return c.value_op(op, lambda f: fn(f[a], ty(f[s])), "vector")


@_handles("pto.select")
def _pto_select(c: _Compiler, op: pto_tiles.SelectOp) -> Thunk:
    m, a, b = c.slot(op.mask), c.slot(op.lhs), c.slot(op.rhs)
    return c.value_op(op, lambda f: np.where(f[m], f[a], f[b]), "vector")


_BINARY_TILE_FNS: dict[str, Callable[[Any, Any], Any]] = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum,
    "min": np.minimum,
}


def _div_fn(dt: np.dtype[Any]) -> Callable[[Any, Any], Any]:
    if nm.is_float_dtype(dt):
        return np.divide
    tdiv = nm.tile_int_binary("divsi" if dt.kind == "i" else "divui")
    assert tdiv is not None
    return tdiv


def _binary_fn(name: str, dt: np.dtype[Any]) -> Callable[[Any, Any], Any]:
    if name == "rhs":  # the plain broadcast (pto.row_expand / pto.col_expand)
        return lambda _a, b: np.array(b, dtype=dt)
    if name == "div":
        return _div_fn(dt)
    if dt.kind in "iu" and name in ("add", "sub", "mul"):
        # integer tiles wrap, like arith.addi on tiles
        tfn = nm.tile_int_binary({"add": "addi", "sub": "subi", "mul": "muli"}[name])
        assert tfn is not None
        return tfn
    return _BINARY_TILE_FNS[name]


@_handles(*(o.name for o in pto_tiles.EXPAND_OPS))
def _expand_op(c: _Compiler, op: Any) -> Thunk:
    a, b = c.slot(op.lhs), c.slot(op.rhs)
    dt = nm.np_dtype(_elem_of(op.result.type))
    fn = _binary_fn(op.FN, dt)
    shape = _shape_of(op.result.type)

    def expand(f: Frame) -> Any:
        return fn(f[a], np.broadcast_to(f[b], shape))

    return c.value_op(op, expand, "vector", guarded=op.FN == "div")


@_handles(*(o.name for o in pto_tiles.TILE_SCALAR_OPS))
def _tile_scalar(c: _Compiler, op: Any) -> Thunk:
    a, s = c.slot(op.input), c.slot(op.scalar)
    dt = nm.np_dtype(_elem_of(op.result.type))
    fn = _binary_fn(op.FN, dt)
    shape = _shape_of(op.result.type)
    ty = dt.type

    def ts(f: Frame) -> Any:
        return fn(f[a], np.full(shape, ty(f[s]), dtype=dt))

    return c.value_op(op, ts, "vector", guarded=op.FN == "div")


def _sort_desc(vals: NpArray) -> NpArray:
    """Stable order of `vals` (along the last axis) by value, largest first; NaN last."""
    key = np.where(np.isnan(vals), np.inf, -vals.astype(np.float64))
    return np.argsort(key, axis=-1, kind="stable")


@_handles("pto.sort32")
def _sort32(c: _Compiler, op: pto_tiles.Sort32Op) -> Thunk:
    v, i = c.slot(op.input), c.slot(op.index)
    shape = _shape_of(op.input.type)
    n = shape[-1]

    def sort32(f: Frame) -> Any:
        x = f[v]
        idx = f[i].view(np.uint32)
        groups = x.reshape(*shape[:-1], n // 32, 32)
        ig = idx.reshape(*shape[:-1], n // 32, 32)
        order = _sort_desc(groups)
        sv = np.take_along_axis(groups, order, axis=-1)
        si = np.take_along_axis(ig, order, axis=-1)
        out = np.empty((*shape[:-1], n // 32, 64), dtype=np.float32)
        out[..., 0::2] = sv
        out[..., 1::2] = si.view(np.float32)
        return out.reshape(*shape[:-1], 2 * n)

    return c.value_op(op, sort32, "sort", nan_check=False)


def _merge_pairs(p: NpArray) -> NpArray:
    """Sort (value, index) pairs along the last axis by value, largest first, stably."""
    lead = p.shape[:-1]
    pairs = p.reshape(*lead, p.shape[-1] // 2, 2)
    order = _sort_desc(pairs[..., 0])
    return np.take_along_axis(pairs, order[..., None], axis=-2).reshape(p.shape)


@_handles("pto.mrgsort")
def _mrgsort(c: _Compiler, op: pto_tiles.MrgSortOp) -> Thunk:
    ins = [c.slot(x) for x in op.inputs]
    rshape = _shape_of(op.result.type)
    if len(ins) == 1:
        (s,) = ins
        assert op.block_len is not None
        run = 4 * op.block_len.value.data
        n = rshape[-1]

        def merge_runs(f: Frame) -> Any:
            x = f[s]
            out = np.empty_like(x)
            for g in range(0, n, run):
                out[..., g:g + run] = _merge_pairs(x[..., g:g + run])
            return out

        return c.value_op(op, merge_runs, "sort", nan_check=False)

    def merge_list(f: Frame) -> Any:
        return _merge_pairs(np.concatenate([f[s] for s in ins], axis=-1))

    return c.value_op(op, merge_list, "sort", nan_check=False)


@_handles("pto.gather_mask")
def _gather_mask(c: _Compiler, op: pto_tiles.GatherMaskOp) -> Thunk:
    s = c.slot(op.input)
    pos = list(pto_tiles.MASK_POSITIONS[op.pattern.data.value])
    shape = _shape_of(op.input.type)
    rshape = _shape_of(op.result.type)
    rdt = nm.np_dtype(_elem_of(op.result.type))

    def gather(f: Frame) -> Any:
        x = f[s].reshape(*shape[:-1], shape[-1] // 4, 4)
        return np.ascontiguousarray(x[..., pos]).reshape(rshape).view(rdt)

    return c.value_op(op, gather, "vector", nan_check=False)


@_handles("pto.scatter_mask")
def _scatter_mask(c: _Compiler, op: pto_tiles.ScatterMaskOp) -> Thunk:
    s, d = c.slot(op.input), c.slot(op.dest)
    pos = list(pto_tiles.MASK_POSITIONS[op.pattern.data.value])
    dshape = _shape_of(op.dest.type)
    ddt = nm.np_dtype(_elem_of(op.dest.type))

    def scatter(f: Frame) -> Any:
        out = f[d].copy()
        o4 = out.reshape(*dshape[:-1], dshape[-1] // 4, 4)
        src = np.ascontiguousarray(f[s]).view(ddt)
        o4[..., pos] = src.reshape(*dshape[:-1], dshape[-1] // 4, len(pos))
        return out

    return c.value_op(op, scatter, "vector", nan_check=False)


# ------------------------------------------------------------------ mixed tasks


@_handles("pto.section")
def _section(c: _Compiler, op: pto.SectionOp) -> Thunk:
    if c.side:
        raise InterpreterError(op, "a pto.section inside a pto.section is not supported")
    c.side = op.side_name  # pyright: ignore[reportAttributeAccessIssue]
    try:
        body = c.block(op.body.block)
    finally:
        c.side = ""
    results = tuple(c._carried(op.results))  # pyright: ignore[reportPrivateUsage]
    thunks, yields = body.thunks, body.yields

    def run(f: Frame) -> None:
        for th in thunks:
            th(f)
        vals = [f[s] for s in yields]
        for s, v in zip(results, vals, strict=False):
            f[s] = v

    return run


@_handles("pto.handoff")
def _handoff(c: _Compiler, op: pto.HandoffOp) -> Thunk:
    x = c.slot(op.input)
    saved = c.side
    c.side = op.source.data.value  # pyright: ignore[reportAttributeAccessIssue]
    try:
        return c.value_op(op, lambda f: f[x].copy(), "handoff", nan_check=False)
    finally:
        c.side = saved


# =========================================================================== program


class Program:
    """A compiled kernel function: `run` it on inputs as often as needed."""

    def __init__(self, fn: func.FuncOp):
        self.func = fn
        self.name = fn.sym_name.data
        if len(fn.body.blocks) != 1:
            raise InterpreterError(
                fn, f"@{self.name} has {len(fn.body.blocks)} blocks; the interpreter runs "
                "functions of one block"
            )
        block = fn.body.block
        # an argument attribute {pto.name = "..."} (kept by mlir-opt) wins over the SSA name
        named = [d.data.get("pto.name") for d in fn.arg_attrs.data] if fn.arg_attrs else []
        self.arg_names: list[str] = [
            n.data if i < len(named) and isinstance(n := named[i], StringAttr)
            else a.name_hint or f"arg{i}"
            for i, a in enumerate(block.args)
        ]
        self.arg_types: list[Attribute] = [a.type for a in block.args]
        for n, a in zip(self.arg_names, block.args, strict=False):
            t: Attribute = a.type
            if _is_memref(t):
                _check_elem(fn, n, _elem_of(t))
            elif nm.is_int_type(t) or nm.is_float_type(t):
                _check_elem(fn, n, t)
            else:
                raise InterpreterError(
                    fn, f"argument %{n} has type {t}: kernel arguments are memrefs or scalars"
                )
        # arguments no op of the function can write (every op taking a memref other than
        # a load, a read or a reshape counts as writing it) are not copied: see `run`
        written = {r for o in fn.walk() for r in written_by(o)}
        self._never_written = frozenset(
            i for i, a in enumerate(block.args) if _is_memref(a.type) and a not in written
        )
        self._state = _RunState()
        self._variants: dict[_Variant, tuple[_Block, int, list[int]]] = {}
        self._variant(_Variant(record=True, check_nan=False, debug=False))

    @property
    def never_written(self) -> frozenset[str]:
        """Names of the memref arguments that no op of the kernel can write."""
        return frozenset(self.arg_names[i] for i in self._never_written)

    def _variant(self, v: _Variant) -> tuple[_Block, int, list[int]]:
        got = self._variants.get(v)
        if got is None:
            c = _Compiler(self.func, v, self._state)
            arg_slots = [c.slot(a) for a in self.func.body.block.args]
            for i, a in enumerate(self.func.body.block.args):
                if _is_memref(a.type):
                    c.tensor_ids[a] = i
            body = c.block(self.func.body.block)
            got = self._variants[v] = (body, c.nslots, arg_slots)
        return got

    # ------------------------------------------------------------------ inputs

    def prepare_inputs(self, inputs: Mapping[str, Any]) -> list[Any]:
        """Checked copies of `inputs`, in argument order; a memref argument that no op
        of the kernel writes is a read-only view of its input instead, when that has the
        argument's dtype and is C-contiguous (the kernel cannot change it)."""
        fn = self.func
        extra = sorted(set(inputs) - set(self.arg_names))
        if extra:
            raise InterpreterError(
                fn,
                f"unexpected input {', '.join(repr(e) for e in extra)}: @{self.name} takes "
                f"{', '.join(self.arg_names)}",
            )
        values: list[Any] = []
        for i, (name, t) in enumerate(zip(self.arg_names, self.arg_types, strict=False)):
            if name not in inputs:
                raise InterpreterError(fn, f"missing input '{name}' (argument %{name} : {t})")
            values.append(_convert_input(fn, name, t, inputs[name], i in self._never_written))
        return values

    # ------------------------------------------------------------------ run

    def run(
        self,
        inputs: Mapping[str, Any],
        *,
        task_order: str = "forward",
        check_nan: bool = False,
        record: bool = True,
        debug: bool = False,
        max_tasks: int | None = None,
        batched: bool = True,
    ) -> RunResult:
        """Run the kernel on copies of `inputs` (`inputs` are never modified).

        A memref argument that no op of the kernel can write is not copied: its entry
        in the result's `outputs` is a read-only view of the input array.
        `task_order` (forward | reverse | random:SEED) is the order in which the tasks
        of every `pto.spmd` run; a race-free kernel gives the same outputs in any order.
        `check_nan` stops at the first op that makes NaN or Inf from finite inputs.
        `record=False` skips the execution record. `debug` checks the dtype and shape of
        every result against its declared type. `max_tasks` bounds the task count of
        every scope (a scope launching more is an error before any task runs).
        `batched=False` runs every scope task by task: by default a scope whose body
        allows it runs all its tasks at once (`ptoc.backend.batched`), with the same
        outputs, errors and execution record.
        """
        order = _check_order(task_order)
        values = self.prepare_inputs(inputs)
        body, nslots, arg_slots = self._variant(_Variant(record, check_nan, debug))
        state = self._state
        state.record = ExecutionRecord()
        state.order = order
        state.max_tasks = max_tasks
        state.batched = batched
        f: Frame = [None] * nslots
        sink: list[OpEvent] = []
        f[_EV], f[_CTX], f[_BUFS], f[_SLOG] = sink.append, (), {}, None
        for s, v in zip(arg_slots, values, strict=False):
            f[s] = v
        with np.errstate(all="ignore"), single_threaded_blas():
            try:
                for th in body.thunks:
                    th(f)
            except PtoDiagnostic:
                raise
            except _RUN_CRASHES as e:
                # verified IR that an op's code did not expect: still an error at the op
                raise InterpreterError(
                    _failing_op(e) or self.func,
                    f"the interpreter failed on this op: {type(e).__name__}: {e}",
                ) from e
        outputs = {
            n: v for n, t, v in zip(self.arg_names, self.arg_types, values, strict=False)
            if isinstance(t, MemRefType)
        }
        rec = state.record
        state.record = ExecutionRecord()
        return RunResult(outputs, rec)


_RUN_CRASHES = (
    TypeError, ValueError, IndexError, KeyError, AttributeError, OverflowError,
    ZeroDivisionError, FloatingPointError, AssertionError,
)


def _failing_op(e: BaseException) -> Operation | None:
    """The innermost op whose closure was running when `e` was raised: a frame's local
    `op` (handlers' closures) or `_op` (the value-op thunks' default argument)."""
    found: Operation | None = None
    tb = e.__traceback__
    while tb is not None:
        local = tb.tb_frame.f_locals
        for key in ("_op", "op"):
            cand = local.get(key)
            if isinstance(cand, Operation):
                found = cand
                break
        tb = tb.tb_next
    return found


def _check_elem(fn: Operation, name: str, t: Attribute) -> None:
    try:
        nm.np_dtype(t)
    except ValueError as e:
        raise InterpreterError(fn, f"argument %{name}: {e}") from None


def _convert_input(fn: Operation, name: str, t: Attribute, x: Any, share: bool = False) -> Any:
    et = _elem_of(t)
    want = nm.np_dtype(et)
    arr = np.asarray(x)
    if arr.dtype != want and want == BF16 and arr.dtype.kind == "V" and arr.dtype.itemsize == 2:
        arr = arr.view(BF16)  # bf16 saved by np.savez reads back as raw 2-byte voids
    if _is_memref(t):
        if arr.dtype != want:
            raise InterpreterError(
                fn, f"input '{name}' has dtype {arr.dtype}, but %{name} is {t} (dtype {want})"
            )
        shape = _shape_of(t)
        ok = arr.ndim == len(shape) and all(d < 0 or d == n for d, n in zip(shape, arr.shape, strict=False))
        if not ok:
            want_shape = "x".join("?" if d < 0 else str(d) for d in shape)
            raise InterpreterError(
                fn, f"input '{name}' has shape {list(arr.shape)}, but %{name} is {t} "
                f"(shape {want_shape})"
            )
        if share and arr.flags.c_contiguous:
            view = arr.view()
            view.flags.writeable = False
            return view
        return np.array(arr, dtype=want, copy=True, order="C")
    if arr.ndim != 0:
        raise InterpreterError(
            fn, f"input '{name}' has shape {list(arr.shape)}, but %{name} is a scalar {t}"
        )
    if nm.is_int_type(et):
        if arr.dtype.kind not in "iub":
            raise InterpreterError(fn, f"input '{name}' has dtype {arr.dtype}, but %{name} is {t}")
        return nm.wrap(int(arr), nm.int_width(et))
    if arr.dtype != want:
        raise InterpreterError(
            fn, f"input '{name}' has dtype {arr.dtype}, but %{name} is {t} (dtype {want})"
        )
    return arr[()]


def _functions(module: ModuleOp) -> list[func.FuncOp]:
    return [op for op in module.body.block.ops if isinstance(op, func.FuncOp)]


def compile_module(module: ModuleOp, func: str | None = None) -> Program:
    """Compile the kernel function `func` of `module` (the only function if None)."""
    fns = _functions(module)
    names = [f.sym_name.data for f in fns]
    if func is not None:
        chosen = [f for f in fns if f.sym_name.data == func]
        if not chosen:
            have = ", ".join(f"@{n}" for n in names) or "none"
            raise InterpreterError(None, f"no function @{func} in the module (functions: {have})")
        fn = chosen[0]
    else:
        if not fns:
            raise InterpreterError(None, "the module has no func.func to run")
        defined = [f for f in fns if f.body.blocks]
        if len(defined) != 1:
            raise InterpreterError(
                None,
                "the module has several functions "
                f"({', '.join('@' + f.sym_name.data for f in defined)}): choose one",
            )
        fn = defined[0]
    if not fn.body.blocks:
        raise InterpreterError(fn, f"@{fn.sym_name.data} is a declaration without a body")
    return Program(fn)


def random_inputs(prog: Program, seed: int, *, dyn_size: int = 64) -> dict[str, NpArray]:
    """Random inputs for every argument of `prog`.

    Floats are standard normal (rounded to their dtype); integers are uniform in
    [0, 4), small enough to be valid block-table entries and start positions for the
    seed kernels; a dynamic dimension has `dyn_size` elements.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, NpArray] = {}
    for name, t in zip(prog.arg_names, prog.arg_types, strict=False):
        et = _elem_of(t)
        dt = nm.np_dtype(et)
        shape = tuple(dyn_size if d < 0 else d for d in _shape_of(t)) if _is_memref(t) else ()
        if nm.is_float_dtype(dt):
            out[name] = rng.standard_normal(shape, dtype=np.float32).astype(dt)
        elif dt == np.bool_:
            out[name] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            out[name] = rng.integers(0, 4, shape).astype(dt)
    return out
