"""Batched SPMD execution: all tasks of a `pto.spmd` at once, as numpy over a task axis.

The per-task interpreter (`ptoc.backend.interpreter`) runs a scope's body once per task,
paying the Python cost of every op once per task. `compile_scope` compiles the body a
second time, into closures that run every op once for all the tasks of the scope: a
value that differs between tasks ("varying") is a numpy array whose leading axis is the
task axis, a value that does not ("uniform": constants and what is computed from them
alone) is the same Python/numpy value the per-task interpreter would hold.

Exactness is the rule; the batched path is only a faster way to get the per-task result:

* Only ops and forms listed in `_HANDLERS` are batched; a body with anything else is not
  (`compile_scope` returns None) and runs per task.
* Control flow: a loop's bounds must be the same for every task at run time; an `scf.if`
  on a varying condition splits the tasks: the then-region runs batched over the tasks
  where the condition holds, the else-region over the others (nested splits nest).
* Memory: every task must see what it would see running alone. For each memref the
  scope stores into, the batched run logs which elements each task read and wrote (and
  the old values it overwrote); at the end, an element one task wrote and another task
  read or wrote is a cross-task dependence whose outcome depends on the task order: the
  writes are undone and the scope runs per task. Out-of-bounds accesses, division by
  zero, an index value outside +-2**31 (where int64 could differ from exact ints) and
  every other irregularity stop the batched run the same way (`_Fallback`), so errors
  are reported by the per-task path, unchanged.
* When: scopes of at least `MIN_TASKS` tasks whose tiles have at most `MAX_TILE`
  elements (elsewhere the per-op overhead is not what the time goes to); not with the
  interpreter's `check_nan` or `debug` options.
* Numerics: elementwise numpy ops give the same bits on a stacked array; reductions run
  along the same last axis with the same per-task shape; matmuls run one task at a time
  (the same BLAS call with the same operands as the per-task path).
* The record: tasks that took the same branches so far form a class sharing one event
  list and one buffer table (buffer ids are assigned in first-use order, as per task);
  a split creates a new class for the tasks that go the other way. An event whose
  fields differ between the tasks of a class (a `pto.read` at a varying index: its
  `offset`) is held as one `_PerTask` entry with the value of every task. At the end
  every task gets a copy of its class's events, each `_PerTask` entry made into that
  task's event: the same events, in the same order, with the same buffer ids, burst
  fields, tensor ids and offsets as the per-task run. Scopes with `pto.section`s (the
  events' `side`) run per task.
* Off switch: `per_task_only()` (a context manager) runs every scope per task.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import (
    IndexType,
    IntegerType,
    MemRefType,
    TensorType,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue

from ptoc.backend import numerics as nm
from ptoc.backend.numerics import NumericError
from ptoc.backend.record import EventKind, OpEvent, gm_bursts
from ptoc.dialects import int_semantics, pto

__all__ = ["ScopePlan", "compile_scope", "per_task_only"]

TensorOf = Callable[[SSAValue], int]
"""The GM tensor id of a memref value (the interpreter's numbering, see the record)."""

B = list[Any]  # the batched frame
Thunk = Callable[[B], None]
Get = Callable[[B], Any]

_CTX = 0  # the current _Ctx (tasks running)
_BCTX = 1  # buffer context: iterations of enclosing unrolls / pipelined ranges (uniform)
_FIRST = 2
_LIMIT = 1 << 31


MAX_TILE = 2048
"""A scope with a tile of more elements runs per task: there the time goes to numpy,
not to the per-op Python overhead that batching saves (and stacking large tiles only
costs memory traffic)."""

MIN_TASKS = 16
"""Scopes of fewer tasks run per task: with few tasks, the bookkeeping of the batched
run (task subsets at every split, one event list per class of tasks) costs more than
the per-op overhead it saves (measured on the seed kernel coarsened by 2..16)."""

_enabled = [True]


@contextmanager
def per_task_only() -> Generator[None]:
    """Run every scope per task inside the `with` block (to compare with the batched run)."""
    _enabled.append(False)
    try:
        yield
    finally:
        _enabled.pop()


class _Fallback(Exception):
    """The batched run cannot reproduce the per-task run exactly: run per task."""


class _Unsupported(Exception):
    """The body has an op or form the batched executor does not run."""


_RECOVER = (_Fallback, NumericError, ArithmeticError, IndexError, ValueError, TypeError,
            OverflowError, KeyError, AttributeError, AssertionError)
"""What stops a batched run (its writes undone) so that the scope runs per task: the
per-task run then reports the user's error, or gives the result, exactly."""


def _is_tile(t: Attribute) -> bool:
    return isinstance(t, TensorType)


def _shape(t: Attribute) -> tuple[int, ...]:
    assert isinstance(t, (TensorType, MemRefType))
    return tuple(int(d) for d in t.get_shape())  # pyright: ignore


def _elem(t: Attribute) -> Attribute:
    if isinstance(t, (TensorType, MemRefType)):
        return t.get_element_type()  # pyright: ignore
    return t


def _event_type(t: Attribute) -> tuple[str, int]:
    d = nm.np_dtype(_elem(t))
    if _is_tile(t):
        return d.name, int(np.prod(_shape(t), dtype=np.int64)) * d.itemsize
    return d.name, d.itemsize


def _var_dtype(t: Attribute) -> np.dtype[Any]:
    """dtype of a varying value of type `t` (ints of every width as exact int64)."""
    e = _elem(t)
    if not _is_tile(t) and isinstance(e, (IntegerType, IndexType)):
        return np.dtype(np.bool_) if nm.int_width(e) == 1 else np.dtype(np.int64)
    return nm.np_dtype(e)


def _small(x: Any) -> Any:
    """`x` (an int64 array or int); `_Fallback` when outside +-2**31."""
    if isinstance(x, np.ndarray):
        if x.size and (int(x.max()) >= _LIMIT or int(x.min()) <= -_LIMIT):
            raise _Fallback("index value out of the exact range")
    elif not -_LIMIT < x < _LIMIT:
        raise _Fallback("index value out of the exact range")
    return x


def _small_in(x: Any) -> Any:
    """An operand of a varying int op: arrays are small already (every producer of a
    varying int checks its result with `_small`), uniform ints are checked."""
    return x if isinstance(x, np.ndarray) else _small(x)


def _wrap(v: Any, bits: int | None) -> Any:
    if bits is None or bits == 64:
        return v
    if bits == 1:
        return v & 1
    half = 1 << (bits - 1)
    return ((v + half) & ((1 << bits) - 1)) - half


# =========================================================================== runtime


class _PerTask:
    """One event of a class whose `offset` differs between its tasks: `offs[t]` for task
    `t` (of the whole scope), the events made once per distinct offset (`cache`)."""

    __slots__ = ("offs", "make", "cache")

    def __init__(self, offs: np.ndarray, make: Callable[[int], OpEvent], cache: dict[int, OpEvent]):
        self.offs = offs
        self.make = make
        self.cache = cache

    def event(self, t: int) -> OpEvent:
        off = int(self.offs[t])
        ev = self.cache.get(off)
        if ev is None:
            ev = self.cache[off] = self.make(off)
        return ev


class _Cls:
    """Tasks that took the same path so far: one event list, one buffer table."""

    __slots__ = ("id", "events", "bufs", "bf")

    def __init__(self, cid: int, events: list[Any], bufs: dict[Any, int], bf: dict[int, int]):
        self.id = cid
        self.events = events
        self.bufs = bufs
        self.bf = bf  # buffer-id "slots" of the tile values, for this class


class _Ctx:
    """A set of tasks running together (the root: all of them)."""

    __slots__ = ("run", "act", "depth", "pos", "_groups", "_gen")

    def __init__(self, run: _Run, act: np.ndarray, depth: int, pos: dict[int, np.ndarray]):
        self.run = run
        self.act = act
        self.depth = depth
        self.pos = pos
        self._groups: list[_Cls] = []
        self._gen = -1

    @property
    def n(self) -> int:
        return len(self.act)

    def groups(self) -> list[_Cls]:
        r = self.run
        if self._gen != r.gen:
            if len(r.classes) == 1:
                self._groups = r.classes
            else:
                ids = sorted(set(r.cls_of[self.act].tolist()))
                self._groups = [r.classes[i] for i in ids]
            self._gen = r.gen
        return self._groups

    def child(self, mask: np.ndarray) -> _Ctx:
        """The tasks of `mask`; when that is all of them, positions are None (identity)."""
        if mask.all():
            pos = dict(self.pos)
            pos[self.depth] = None
            sub = _Ctx(self.run, self.act, self.depth + 1, pos)
            sub._groups, sub._gen = self._groups, self._gen  # the same tasks: same classes
        else:
            rel = np.flatnonzero(mask)
            pos = {e: rel if p is None else p[rel] for e, p in self.pos.items()}
            pos[self.depth] = rel
            sub = _Ctx(self.run, self.act[rel], self.depth + 1, pos)
        return sub


def _accesses(acc: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Flat element indices and, for each, its task: `acc` holds (elements [n, k], tasks
    [n]) pairs, one row of k elements per task."""
    el = np.concatenate([f.reshape(-1) for f, _ in acc])
    ts = np.concatenate([np.repeat(t, f.size // max(len(t), 1)) for f, t in acc])
    return el, ts


class _Track:
    """What the tasks read and wrote of one memref the scope stores into, and how to undo
    the writes. Checked once, at the end of the batched run (`conflict`)."""

    __slots__ = ("mem", "reads", "writes", "undo")

    def __init__(self, mem: np.ndarray):
        self.mem = mem
        self.reads: list[tuple[np.ndarray, np.ndarray]] = []
        self.writes: list[tuple[np.ndarray, np.ndarray]] = []
        self.undo: list[tuple[np.ndarray, np.ndarray]] = []

    def conflict(self, n: int) -> bool:
        """Whether an element one task wrote was read or written by another task."""
        if not self.writes:
            return False
        size = self.mem.size
        touched = sum(f.size for f, _ in self.writes) + sum(f.size for f, _ in self.reads)
        if size <= max(1 << 22, 4 * touched) and n < (1 << 31) - 1:
            return self._conflict_owner(size)
        return self._conflict_sort(n)

    def _conflict_owner(self, size: int) -> bool:
        # One owner per element: every write stamps its task; an element two tasks wrote
        # keeps one stamp, so the other's check fails; a read by another task sees a
        # foreign stamp. O(accesses), no sort.
        owner = np.full(size, -1, np.int32)
        wf, wt = _accesses(self.writes)
        owner[wf] = wt  # of two tasks writing one element, one stamp stays
        if np.any(owner[wf] != wt):
            return True
        if self.reads:
            rf, rt = _accesses(self.reads)
            o = owner[rf]
            if np.any((o >= 0) & (o != rt)):
                return True
        return False

    def _conflict_sort(self, n: int) -> bool:
        wf, wt = _accesses(self.writes)
        if self.reads:
            rf, rt = _accesses(self.reads)
            wf2, wt2 = np.concatenate([wf, rf]), np.concatenate([wt, rt])
        else:
            wf2, wt2 = wf, wt
        key = np.sort(wf2.astype(np.int64) * n + wt2)
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # distinct (element, task)
        elem = key // n
        multi = elem[1:][elem[1:] == elem[:-1]]  # elements two tasks touched
        if not multi.size:
            return False
        written = np.sort(wf)
        at = np.searchsorted(written, multi).clip(0, len(written) - 1)
        return bool(np.any(written[at] == multi))

    def restore(self) -> None:
        view = self.mem.reshape(-1)
        for f, old in reversed(self.undo):
            view[f] = old


class _Run:
    def __init__(self, n: int, record: bool, outer_bufs: dict[Any, int]):
        self.n = n
        self.record = record
        self.gen = 0
        self.cls_of = np.zeros(n, np.int32)
        self.classes = [_Cls(0, [], dict(outer_bufs), {})] if record else []
        self.tracks: dict[int, _Track] = {}

    def split(self, ctx: _Ctx, mask: np.ndarray) -> None:
        """Give the tasks of `ctx` where `mask` is False their own classes."""
        if not self.record:
            return
        if mask.all() or not mask.any():
            return
        ids = self.cls_of[ctx.act]
        # the classes with tasks on both sides, in class order (as a walk over the groups
        # would meet them): only those are visited
        both = np.intersect1d(ids[mask], ids[~mask])
        for cid in both.tolist():
            c = self.classes[cid]
            f = (ids == cid) & ~mask
            nc = _Cls(len(self.classes), list(c.events), dict(c.bufs), dict(c.bf))
            self.classes.append(nc)
            self.cls_of[ctx.act[f]] = nc.id
            self.gen += 1


# =========================================================================== compiler


class _Val:
    __slots__ = ("slot", "var", "depth")

    def __init__(self, slot: int, var: bool, depth: int):
        self.slot = slot
        self.var = var
        self.depth = depth


class _Compiler:
    def __init__(self, outer_slot: Callable[[SSAValue], int], tensor_of: TensorOf, record: bool,
                 stored: set[SSAValue]):
        self.outer_slot = outer_slot
        self.tensor_of = tensor_of
        self.record = record
        self.stored = stored  # memrefs the scope stores into (tracked)
        self.vals: dict[SSAValue, _Val] = {}
        self.bslots: dict[SSAValue, int] = {}
        self.nslots = _FIRST
        self.depth = 0
        self.imports: list[tuple[int, int]] = []  # (outer slot, batched slot)

    def new_slot(self) -> int:
        self.nslots += 1
        return self.nslots - 1

    def val(self, v: SSAValue) -> _Val:
        got = self.vals.get(v)
        if got is None:
            if _is_tile(v.type):
                raise _Unsupported("a tile defined outside the scope")
            s = self.new_slot()
            self.imports.append((self.outer_slot(v), s))
            got = self.vals[v] = _Val(s, False, 0)
        return got

    def define(self, v: SSAValue, var: bool) -> _Val:
        got = self.vals[v] = _Val(self.new_slot(), var, self.depth)
        if _is_tile(v.type) and self.record:
            self.bslots[v] = self.new_slot()
        return got

    def bslot(self, v: SSAValue) -> int:
        return self.bslots[v]

    def get(self, v: SSAValue) -> Get:
        """A getter of `v` in the current context (gathering a varying outer value)."""
        x = self.val(v)
        s = x.slot
        if not x.var or x.depth == self.depth:
            return lambda b: b[s]
        d = x.depth

        def gather(b: B) -> Any:
            p = b[_CTX].pos[d]
            return b[s] if p is None else b[s][p]

        return gather

    def is_var(self, v: SSAValue) -> bool:
        return self.val(v).var

    def block(self, block: Block) -> tuple[list[Thunk], list[SSAValue]]:
        thunks: list[Thunk] = []
        yields: list[SSAValue] = []
        for op in block.ops:
            if isinstance(op, (pto.YieldOp, scf.YieldOp)):
                yields = list(op.operands)
                continue
            h = _HANDLERS.get(op.name)
            if h is None:
                raise _Unsupported(op.name)
            t = h(self, op)
            if t is not None:
                thunks.append(t)
        return thunks, yields

    # ------------------------------------------------------------------ recording

    def value(self, op: Operation, var: bool, compute: Callable[[B], Any],
              kind: EventKind | None, k: int = 0) -> Thunk:
        """A thunk storing `compute(b)` into the op's one result, and recording (as the
        interpreter's `value_op`; loads get their burst fields from `_load`)."""
        res = op.results[0]
        o = self.define(res, var).slot
        if not self.record or kind is None:
            def plain(b: B) -> None:
                b[o] = compute(b)

            return plain
        rt = res.type
        name = op.name
        dt, nb = _event_type(rt)
        if not _is_tile(rt):
            ev = OpEvent(kind, name, (), dt, nb)

            def scalar(b: B) -> None:
                b[o] = compute(b)
                for c in b[_CTX].groups():
                    c.events.append(ev)

            return scalar
        bo = self.bslot(res)
        shape = _shape(rt)
        rbs = tuple(self.bslot(x) for x in op.operands if _is_tile(x.type))
        cache: dict[Any, OpEvent] = {}

        def tile(b: B) -> None:
            b[o] = compute(b)
            key = (bo, b[_BCTX])
            for c in b[_CTX].groups():
                bufs, bf = c.bufs, c.bf
                w = bufs.get(key)
                if w is None:
                    w = bufs[key] = len(bufs)
                bf[bo] = w
                ck = (*(bf[r] for r in rbs), w)
                ev = cache.get(ck)
                if ev is None:
                    ev = cache[ck] = OpEvent(kind, name, shape, dt, nb, ck[:-1], w, k)
                c.events.append(ev)

        return tile

    def forward(self, dst: Sequence[SSAValue], src_b: Sequence[int]) -> Callable[[B], None]:
        """Copy buffer ids of tile values `src_b` (slots) to `dst`, for every class."""
        pairs = [(self.bslot(d), s) for d, s in zip(dst, src_b, strict=True)]
        if not self.record or not pairs:
            return lambda b: None

        def fwd(b: B) -> None:
            for c in b[_CTX].groups():
                bf = c.bf
                for d, s in pairs:
                    bf[d] = bf[s]

        return fwd


def _tiles(vs: Sequence[SSAValue]) -> list[SSAValue]:
    return [v for v in vs if _is_tile(v.type)]


# =========================================================================== handlers

_Handler = Callable[[_Compiler, Any], "Thunk | None"]
_HANDLERS: dict[str, _Handler] = {}


def _handles(*names: str) -> Callable[[_Handler], _Handler]:
    def reg(h: _Handler) -> _Handler:
        for n in names:
            _HANDLERS[n] = h
        return h

    return reg


def _kind(t: Attribute) -> EventKind:
    return "vector" if _is_tile(t) else "scalar"


def _uniform_if_possible(c: _Compiler, op: Operation, fn: Callable[..., Any],
                         kind: EventKind | None, vfn: Callable[..., Any] | None = None) -> Thunk:
    """An op computing `fn(*operands)`; `vfn` (default `fn`) when an operand varies."""
    gets = [c.get(x) for x in op.operands]
    var = any(c.is_var(x) for x in op.operands)
    f = vfn if (var and vfn is not None) else fn
    if len(gets) == 1:
        (g0,) = gets
        return c.value(op, var, lambda b: f(g0(b)), kind)
    if len(gets) == 2:
        g0, g1 = gets
        return c.value(op, var, lambda b: f(g0(b), g1(b)), kind)
    return c.value(op, var, lambda b: f(*(g(b) for g in gets)), kind)


@_handles("arith.constant")
def _constant(c: _Compiler, op: arith.ConstantOp) -> Thunk:
    rt = op.result.type
    val = nm.constant_value(op.value, rt)
    if val is None:
        raise _Unsupported(f"constant {op.value}")
    return c.value(op, False, lambda b: val, "vector" if _is_tile(rt) else None)


_VAR_INT: dict[str, Callable[[Any, Any], Any]] = {
    "addi": np.add,
    "subi": np.subtract,
    "muli": np.multiply,
    "andi": np.bitwise_and,
    "ori": np.bitwise_or,
    "xori": np.bitwise_xor,
    "maxsi": np.maximum,
    "minsi": np.minimum,
}


def _vdivsi(a: Any, b: Any) -> Any:
    if np.any(np.asarray(b) == 0):
        raise _Fallback("division by zero")
    q = np.abs(a) // np.abs(b)
    return np.where((np.asarray(a) < 0) != (np.asarray(b) < 0), -q, q)


def _vremsi(a: Any, b: Any) -> Any:
    if np.any(np.asarray(b) == 0):
        raise _Fallback("division by zero")
    r = np.abs(a) % np.abs(b)
    return np.where(np.asarray(a) < 0, -r, r)


def _vfloordivsi(a: Any, b: Any) -> Any:
    if np.any(np.asarray(b) == 0):
        raise _Fallback("division by zero")
    return np.floor_divide(a, b)


def _shift_amount(b: Any, top: int) -> Any:
    """A varying shift's amount, checked to be in [0, top) (else `_Fallback`)."""
    arr = np.asarray(b)
    if arr.size and (int(arr.min()) < 0 or int(arr.max()) >= top):
        raise _Fallback("shift amount outside the exact range")
    return b


def _vshli(a: Any, b: Any) -> Any:
    # |a| < 2**31 and 0 <= b < 32: a << b fits int64; wrapping then gives the bits' value
    return np.left_shift(a, _shift_amount(b, 32))


def _vshrsi(a: Any, b: Any) -> Any:
    return np.right_shift(a, _shift_amount(b, 63))  # arithmetic on signed values


_VAR_INT.update(divsi=_vdivsi, remsi=_vremsi, floordivsi=_vfloordivsi, shli=_vshli,
                shrsi=_vshrsi)


@_handles(*(f"arith.{n}" for n in (*_VAR_INT, "divui", "ceildivsi", "ceildivui", "remui",
                                   "shrui", "maxui", "minui")))
def _int_binary(c: _Compiler, op: Operation) -> Thunk:
    short = op.name.split(".")[1]
    rt = op.results[0].type
    if _is_tile(rt):
        tfn = nm.tile_int_binary(short)
        if tfn is None:
            raise _Unsupported(op.name)
        return _uniform_if_possible(c, op, tfn, "vector")
    # uniform: the interpreter's semantics (int_semantics); its UndefinedArith falls back
    bits = int_semantics.width(rt)
    sfn = int_semantics.binary_op(short, bits) if bits is not None else None
    if sfn is None:
        raise _Unsupported(op.name)
    vop = _VAR_INT.get(short)
    if any(c.is_var(x) for x in op.operands) and (vop is None or bits is None or bits < 32):
        raise _Unsupported(f"varying {op.name} on {rt}")

    def vfn(a: Any, b: Any) -> Any:
        return _small(_wrap(vop(_small_in(a), _small_in(b)), bits))  # pyright: ignore[reportOptionalCall]

    return _uniform_if_possible(c, op, sfn, "scalar", vfn)


@_handles(*nm.FLOAT_BINARY)
def _float_binary(c: _Compiler, op: Operation) -> Thunk:
    if not _is_tile(op.results[0].type) and any(c.is_var(x) for x in op.operands):
        raise _Unsupported("varying float scalars")
    return _uniform_if_possible(c, op, nm.FLOAT_BINARY[op.name], _kind(op.results[0].type))


@_handles(*nm.FLOAT_UNARY)
def _float_unary(c: _Compiler, op: Operation) -> Thunk:
    if not _is_tile(op.results[0].type) and any(c.is_var(x) for x in op.operands):
        raise _Unsupported("varying float scalars")
    return _uniform_if_possible(c, op, nm.FLOAT_UNARY[op.name], _kind(op.results[0].type))


_CMP = {0: np.equal, 1: np.not_equal, 2: np.less, 3: np.less_equal, 4: np.greater,
        5: np.greater_equal}
_CMP_PY: dict[int, Callable[[Any, Any], bool]] = {
    0: lambda a, b: a == b, 1: lambda a, b: a != b, 2: lambda a, b: a < b,
    3: lambda a, b: a <= b, 4: lambda a, b: a > b, 5: lambda a, b: a >= b,
}


@_handles("arith.cmpi")
def _cmpi(c: _Compiler, op: arith.CmpiOp) -> Thunk:
    pred = op.predicate.value.data
    if _is_tile(op.result.type) or pred >= 6 or nm.int_width(op.lhs.type) == 1:
        raise _Unsupported("cmpi form")
    return _uniform_if_possible(c, op, _CMP_PY[pred], "scalar", _CMP[pred])


@_handles("arith.index_cast", "arith.extsi", "arith.trunci")
def _int_cast(c: _Compiler, op: Operation) -> Thunk:
    st, rt = op.operands[0].type, op.results[0].type
    if _is_tile(rt):
        dt = nm.np_dtype(_elem(rt))
        return _uniform_if_possible(c, op, lambda a: a.astype(dt), "vector")
    sb, db = nm.int_width(st), nm.int_width(rt)
    if sb == 1 or db == 1:
        raise _Unsupported("i1 cast")
    return _uniform_if_possible(
        c, op, lambda a: nm.wrap(nm.signed(a, sb), db), "scalar",
        lambda a: _small(_wrap(_small_in(a), db)),
    )


@_handles("pto.cast")
def _cast(c: _Compiler, op: pto.CastOp) -> Thunk:
    dt = nm.np_dtype(_elem(op.result.type))
    mode = op.mode
    return _uniform_if_possible(c, op, lambda x: nm.cast_tile(x, dt, mode), "vector")


@_handles("pto.row_sum")
def _row_sum(c: _Compiler, op: pto.RowSumOp) -> Thunk:
    dt = nm.np_dtype(_elem(op.result.type))
    if dt.kind in "iu":
        fn: Callable[[Any], Any] = lambda x: np.sum(x, axis=-1, keepdims=True, dtype=dt)  # noqa: E731
    else:  # the vector unit's order along the last axis, as per task (leading axes free)
        fn = lambda x: nm.row_sum_tree(x).astype(dt, copy=False)  # noqa: E731
    return _uniform_if_possible(c, op, fn, "vector")


@_handles("pto.row_max", "pto.col_max")
def _reduce_max(c: _Compiler, op: pto.RowMaxOp | pto.ColMaxOp) -> Thunk:
    # the op's axis counts from the end, so a leading task axis of a batched run is left alone
    axis = op.AXIS
    return _uniform_if_possible(c, op, lambda x: np.max(x, axis=axis, keepdims=True), "vector")


@_handles("pto.row_min", "pto.col_min")
def _reduce_min(c: _Compiler, op: pto.RowMinOp | pto.ColMinOp) -> Thunk:
    axis = op.AXIS
    return _uniform_if_possible(c, op, lambda x: np.min(x, axis=axis, keepdims=True), "vector")


@_handles("pto.col_sum")
def _col_sum(c: _Compiler, op: pto.ColSumOp) -> Thunk:
    # rows are axis -2, so a leading task axis is left alone
    binary = op.binary is not None
    return _uniform_if_possible(c, op, lambda x: nm.col_sum(x, binary), "vector")


@_handles("pto.row_expand_mul", "pto.col_expand_mul")
def _expand_mul(c: _Compiler, op: Operation) -> Thunk:
    return _uniform_if_possible(c, op, np.multiply, "vector")


_F32 = np.dtype(np.float32)


def _as_f32(x: np.ndarray) -> np.ndarray:
    """`x.astype(float32)` (exact widening, `numerics.widen`)."""
    if x.dtype == _F32:
        return x
    return nm.widen(x, _F32)


class _F32Memo:
    """The f32 copies of the last few matmul operands (an operand is often shared)."""

    def __init__(self) -> None:
        self.items: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for k, v in self.items:
            if k is x:
                return v
        v = _as_f32(x)
        self.items = [(x, v), *self.items[:3]]
        return v


def _matmuls(c: _Compiler, op: pto.MatmulOp | pto.MatmulAccOp, acc: bool) -> Thunk:
    """`pto.matmul` / `pto.matmul_acc` on f32 results: one BLAS call per task, the same
    call (the same f32 operands, shapes and transposes) as the per-task path; operands
    widened once for all tasks."""
    f32 = np.float32
    ops = list(op.operands)
    var = [c.is_var(x) for x in ops]
    rt = op.results[0].type
    shape = _shape(rt)
    ta, tb = op.a_trans is not None, op.b_trans is not None
    sa = _shape(op.lhs.type)
    k = sa[0] if ta else sa[1]
    memo = _F32Memo()

    def prod(x: Any, y: Any) -> Any:
        x = x.astype(f32, copy=False)
        y = y.astype(f32, copy=False)
        return np.matmul(x.T if ta else x, y.T if tb else y)

    def one(*xs: Any) -> Any:
        if acc:
            return xs[0] + prod(xs[1], xs[2])
        return prod(xs[0], xs[1])

    def batch(*xs: Any) -> Any:
        n = next(len(x) for x, v in zip(xs, var, strict=True) if v)
        ys = [memo(x) if i >= len(xs) - 2 else x for i, x in enumerate(xs)]
        out = np.empty((n, *shape), f32)
        for t in range(n):
            out[t] = one(*(y[t] if v else y for y, v in zip(ys, var, strict=True)))
        return out

    gets = [c.get(x) for x in ops]
    is_var = any(var)
    f = batch if is_var else one
    return c.value(op, is_var, lambda b: f(*(g(b) for g in gets)), "matmul", k=k)


@_handles("pto.matmul")
def _matmul(c: _Compiler, op: pto.MatmulOp) -> Thunk:
    if nm.np_dtype(_elem(op.result.type)) != _F32:
        raise _Unsupported("matmul result not f32")
    return _matmuls(c, op, False)


@_handles("pto.matmul_acc")
def _matmul_acc(c: _Compiler, op: pto.MatmulAccOp) -> Thunk:
    if nm.np_dtype(_elem(op.result.type)) != _F32 or nm.np_dtype(_elem(op.acc.type)) != _F32:
        raise _Unsupported("matmul_acc not f32")
    return _matmuls(c, op, True)


@_handles("pto.gather")
def _gather(c: _Compiler, op: pto.GatherOp) -> Thunk:
    n = _shape(op.source.type)[-1]
    vs, vi = c.is_var(op.source), c.is_var(op.index)

    def gather(src: Any, idx: Any) -> Any:
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            raise _Fallback("gather index out of bounds")
        if vs != vi:
            if vs:
                idx = np.broadcast_to(idx, (len(src), *idx.shape))
            else:
                src = np.broadcast_to(src, (len(idx), *src.shape))
        return np.take_along_axis(src, idx.astype(np.intp), axis=-1)

    return _uniform_if_possible(c, op, gather, "vector")


@_handles("tensor.collapse_shape", "tensor.expand_shape")
def _tile_reshape(c: _Compiler, op: Operation) -> Thunk:
    """A tile in another shape, as the interpreter's alias: no event, and the result is
    the source's buffer in every class of tasks."""
    src, res = op.operands[0], op.results[0]
    shape = tuple(_shape(res.type))
    var = c.is_var(src)
    g = c.get(src)
    o = c.define(res, var).slot
    if var:
        def reshape(b: B) -> Any:
            x = g(b)
            return x.reshape((len(x), *shape)).copy()
    else:
        def reshape(b: B) -> Any:
            return g(b).reshape(shape).copy()
    if not c.record:
        def plain(b: B) -> None:
            b[o] = reshape(b)

        return plain
    bo, bs = c.bslot(res), c.bslot(src)

    def alias(b: B) -> None:
        b[o] = reshape(b)
        for cl in b[_CTX].groups():
            cl.bf[bo] = cl.bf[bs]

    return alias


@_handles("pto.arange")
def _arange(c: _Compiler, op: pto.ArangeOp) -> Thunk:
    rt = op.result.type
    shape = _shape(rt)
    dt = nm.np_dtype(_elem(rt))
    line = op.start.data + op.step.data * np.arange(shape[-1], dtype=np.int64)
    arr = np.broadcast_to(line.astype(dt), shape).copy()
    arr.flags.writeable = False
    return c.value(op, False, lambda b: arr, "vector")


@_handles("tensor.splat")
def _splat(c: _Compiler, op: Operation) -> Thunk:
    if op.operands[1:] or c.is_var(op.operands[0]):
        raise _Unsupported("splat form")
    rt = op.results[0].type
    shape, dt = _shape(rt), nm.np_dtype(_elem(rt))
    return _uniform_if_possible(c, op, lambda x: np.full(shape, x, dtype=dt), "vector")


# ------------------------------------------------------------------ memory


def _index_getters(c: _Compiler, idx: Sequence[SSAValue]) -> tuple[list[Get], bool]:
    return [c.get(i) for i in idx], any(c.is_var(i) for i in idx)


_BIG = 512
"""Tiles of at least this many elements are copied task by task (slices), smaller ones
gathered at once by flat index."""


def _starts(ivals: Sequence[Any], tile: Sequence[int], shape: Sequence[int], n: int
            ) -> list[np.ndarray]:
    """Per-task start indices (int64, length n) of an access; `_Fallback` when out of
    bounds."""
    out: list[Any] = []
    for i, t, m in zip(ivals, tile, shape, strict=True):
        if isinstance(i, np.ndarray):
            if i.size and (int(i.min()) < 0 or int(i.max()) + t > m):
                raise _Fallback("out of bounds")
        elif not 0 <= i <= m - t:
            raise _Fallback("out of bounds")
        out.append(i)  # an array over the tasks, or one int for all
    return out


def _flat(starts: Sequence[Any], tile: Sequence[int], mem: np.ndarray, n: int) -> np.ndarray:
    """Flat element indices (n, prod(tile)) of the accessed elements of `mem`."""
    if not mem.flags.c_contiguous:
        raise _Fallback("a non-contiguous memref")
    shape = mem.shape
    key = (tuple(tile), shape)
    offs = _OFFSETS.get(key)
    if offs is None:
        offs = np.zeros(1, np.int64)
        stride = 1
        for d in range(len(shape) - 1, -1, -1):
            offs = (np.arange(tile[d], dtype=np.int64)[:, None] * stride + offs[None, :]).reshape(-1)
            stride *= shape[d]
        if len(_OFFSETS) > 256:
            _OFFSETS.clear()
        _OFFSETS[key] = offs
    base: Any = 0
    stride = 1
    for d in range(len(shape) - 1, -1, -1):
        base = base + starts[d] * stride
        stride *= shape[d]
    base = np.broadcast_to(np.asarray(base, dtype=np.int64), (n,))
    return base[:, None] + offs[None, :]


_OFFSETS: dict[tuple[tuple[int, ...], tuple[int, ...]], np.ndarray] = {}


def _tid(ctx: _Ctx) -> np.ndarray:
    return ctx.act


def _gather_tiles(m: np.ndarray, starts: Sequence[Any], tile: tuple[int, ...], n: int
                  ) -> np.ndarray:
    out = np.empty((n, *tile), m.dtype)
    st = [np.broadcast_to(np.asarray(s, dtype=np.int64), (n,)) for s in starts]
    for t in range(n):
        out[t] = m[tuple(slice(int(s[t]), int(s[t]) + d) for s, d in zip(st, tile, strict=True))]
    return out


def _load_events(c: _Compiler, op: pto.LoadOp, compute: Callable[[B], Any], var: bool,
                 ms: Get) -> Thunk:
    """The load's thunk; recording, its event as the interpreter makes it (`_with_bursts`:
    the burst fields of the tile in the memref's shape, the GM tensor id)."""
    if not c.record:
        return c.value(op, var, compute, None)
    res = op.result
    rt = res.type
    o = c.define(res, var).slot
    bo = c.bslot(res)
    shape = _shape(rt)
    dt, nb = _event_type(rt)
    isz = nm.np_dtype(_elem(rt)).itemsize
    tid = c.tensor_of(op.source)
    cache: dict[Any, OpEvent] = {}

    def load_rec(b: B) -> None:
        b[o] = compute(b)
        mshape = ms(b).shape
        key = (bo, b[_BCTX])
        for cl in b[_CTX].groups():
            bufs = cl.bufs
            w = bufs.get(key)
            if w is None:
                w = bufs[key] = len(bufs)
            cl.bf[bo] = w
            ck = (w, mshape)
            ev = cache.get(ck)
            if ev is None:
                rows, rb, sb = gm_bursts(shape, mshape, isz)
                ev = cache[ck] = OpEvent("load", "pto.load", shape, dt, nb, (), w,
                                         rows=rows, row_bytes=rb, stride_bytes=sb, tensor=tid)
            cl.events.append(ev)

    return load_rec


@_handles("pto.load")
def _load(c: _Compiler, op: pto.LoadOp) -> Thunk:
    ms = c.get(op.source)
    gets = [c.get(i) for i in op.indices]
    vidx = any(c.is_var(i) for i in op.indices)
    tile = _shape(op.result.type)
    size = int(np.prod(tile, dtype=np.int64))
    tracked = op.source in c.stored
    if not vidx and not tracked:
        def uload(b: B) -> Any:
            m = ms(b)
            idx = [g(b) for g in gets]
            if not all(i >= 0 and i + t <= s for i, t, s in zip(idx, tile, m.shape, strict=True)):
                raise _Fallback("out of bounds")
            return m[tuple(slice(i, i + t) for i, t in zip(idx, tile, strict=True))].copy()

        return _load_events(c, op, uload, False, ms)
    si = c.val(op.source).slot

    def vload(b: B) -> Any:
        ctx: _Ctx = b[_CTX]
        m = ms(b)
        n = ctx.n
        starts = _starts([g(b) for g in gets], tile, m.shape, n)
        if size >= _BIG and not tracked:
            return _gather_tiles(m, starts, tile, n)
        flat = _flat(starts, tile, m, n)
        if tracked:
            ctx.run.tracks[si].reads.append((flat, _tid(ctx)))
        return m.reshape(-1)[flat].reshape((n, *tile))

    return _load_events(c, op, vload, True, ms)


@_handles("pto.read")
def _read(c: _Compiler, op: pto.ReadOp) -> Thunk:
    ms = c.get(op.source)
    gets = [c.get(i) for i in op.indices]
    vidx = any(c.is_var(i) for i in op.indices)
    rt = op.result.type
    as_int = isinstance(rt, (IntegerType, IndexType))
    tracked = op.source in c.stored
    o = c.define(op.result, vidx or tracked).slot
    rec = c.record
    dt, nb = _event_type(rt)
    tid = c.tensor_of(op.source)
    cache: dict[int, OpEvent] = {}

    def make(off: int) -> OpEvent:
        return OpEvent("read", "pto.read", (), dt, nb, tensor=tid, offset=off)

    if not vidx and not tracked:
        def uread(b: B) -> None:
            m = ms(b)
            idx = tuple(g(b) for g in gets)
            if not all(0 <= i < s for i, s in zip(idx, m.shape, strict=True)):
                raise _Fallback("out of bounds")
            b[o] = int(m[idx]) if as_int else m[idx]
            if rec:
                off = 0
                for i, s in zip(idx, m.shape, strict=True):
                    off = off * s + i
                ev = cache.get(off)
                if ev is None:
                    ev = cache[off] = make(off)
                for cl in b[_CTX].groups():
                    cl.events.append(ev)

        return uread
    si = c.val(op.source).slot
    ones = (1,) * len(op.indices)

    def vread(b: B) -> None:
        ctx: _Ctx = b[_CTX]
        m = ms(b)
        n = ctx.n
        flat = _flat(_starts([g(b) for g in gets], ones, m.shape, n), ones, m, n).reshape(-1)
        if tracked:
            ctx.run.tracks[si].reads.append((flat.reshape(n, 1), _tid(ctx)))
        v = m.reshape(-1)[flat]
        b[o] = _small(v.astype(np.int64)) if as_int else v
        if rec:
            run = ctx.run
            if n == run.n:  # all the tasks, in task order
                offs = flat
            else:
                offs = np.zeros(run.n, np.int64)
                offs[ctx.act] = flat
            item = _PerTask(offs, make, cache)
            for cl in ctx.groups():
                cl.events.append(item)

    return vread


@_handles("pto.store")
def _store(c: _Compiler, op: pto.StoreOp) -> Thunk:
    if op.atomic is not None:  # GM += tile in task order: run per task
        raise _Unsupported("atomic store")
    vs = c.get(op.value)
    ms = c.get(op.dest)
    gets = [c.get(i) for i in op.indices]
    tile = _shape(op.value.type)
    si = c.val(op.dest).slot

    def store(b: B) -> None:
        ctx: _Ctx = b[_CTX]
        m = ms(b)
        n = ctx.n
        flat = _flat(_starts([g(b) for g in gets], tile, m.shape, n), tile, m, n)
        tr = ctx.run.tracks[si]
        view = m.reshape(-1)
        tr.undo.append((flat, view[flat]))
        tr.writes.append((flat, _tid(ctx)))
        v = np.asarray(vs(b))
        view[flat] = np.broadcast_to(v, (n, *tile)).reshape(n, -1)

    if not c.record:
        return store
    vt = op.value.type
    bv = c.bslot(op.value)
    dt, nb = _event_type(vt)
    isz = nm.np_dtype(_elem(vt)).itemsize
    tid = c.tensor_of(op.dest)
    cache: dict[Any, OpEvent] = {}

    def store_rec(b: B) -> None:
        store(b)
        mshape = ms(b).shape
        for cl in b[_CTX].groups():
            r = cl.bf[bv]
            ck = (r, mshape)
            ev = cache.get(ck)
            if ev is None:
                rows, rb, sb = gm_bursts(tile, mshape, isz)
                ev = cache[ck] = OpEvent("store", "pto.store", tile, dt, nb, (r,), None,
                                         rows=rows, row_bytes=rb, stride_bytes=sb, tensor=tid)
            cl.events.append(ev)

    return store_rec


# ------------------------------------------------------------------ control


def _to_var(x: Any, n: int, t: Attribute) -> Any:
    if _is_tile(t):
        return np.broadcast_to(x, (n, *np.shape(x)))
    if isinstance(x, int) and not isinstance(x, bool):
        _small(x)
    return np.full(n, x, dtype=_var_dtype(t))


def _loop(c: _Compiler, op: Operation, block: Block, inits: Sequence[SSAValue],
          bounds: Callable[[B], range], stages: int, unrolled: bool) -> Thunk:
    init_var = [c.is_var(v) for v in inits]
    var = list(init_var)
    for _ in range(len(var) + 1):  # the iter_args that vary: a fixed point
        saved = dict(c.vals), dict(c.bslots), c.nslots, len(c.imports)
        idx = c.define(block.args[0], False).slot
        args = [c.define(a, v) for a, v in zip(block.args[1:], var, strict=True)]
        thunks, yields = c.block(block)
        yvar = [c.is_var(y) for y in yields]
        if all(y <= v for y, v in zip(yvar, var, strict=True)):
            break
        c.vals, c.bslots, c.nslots = saved[0], saved[1], saved[2]
        del c.imports[saved[3]:]
        var = [v or y for v, y in zip(var, yvar, strict=True)]
    else:
        raise _Unsupported("loop varying-ness does not settle")
    init_g = [c.get(v) for v in inits]
    yield_g = [c.get(y) for y in yields]
    arg_s = [a.slot for a in args]
    res_s = [c.define(r, v).slot for r, v in zip(op.results, var, strict=True)]
    conv = [
        (i, a.type) for i, (iv, v, a) in enumerate(zip(init_var, var, block.args[1:], strict=True))
        if v and not iv
    ]
    yconv = [
        (i, y.type) for i, (y, v) in enumerate(zip(yields, var, strict=True))
        if v and not c.is_var(y)
    ]
    rec = c.record
    tile_args = [a for a in block.args[1:] if _is_tile(a.type)]
    tile_inits = _tiles(inits)
    tile_yields = _tiles(yields)
    fwd_in = c.forward(tile_args, [c.bslot(v) for v in tile_inits]) if rec else None
    fwd_back = c.forward(tile_args, [c.bslot(v) for v in tile_yields]) if rec else None
    fwd_out = c.forward(_tiles(op.results), [c.bslot(a) for a in tile_args]) if rec else None
    rotate = rec and (unrolled or stages > 1)

    def run(b: B) -> None:
        vals = [g(b) for g in init_g]
        n = b[_CTX].n
        for i, t in conv:
            vals[i] = _to_var(vals[i], n, t)
        if fwd_in is not None:
            fwd_in(b)
        parent = b[_BCTX]
        for it, i in enumerate(bounds(b)):
            b[idx] = i
            for s, v in zip(arg_s, vals, strict=True):
                b[s] = v
            if rotate:
                b[_BCTX] = (parent, it if unrolled else it % stages)
            for th in thunks:
                th(b)
            vals = [g(b) for g in yield_g]
            for j, t in yconv:
                vals[j] = _to_var(vals[j], n, t)
            if fwd_back is not None:
                fwd_back(b)
        if rotate:
            b[_BCTX] = parent
        for s, v in zip(res_s, vals, strict=True):
            b[s] = v
        if fwd_out is not None:
            fwd_out(b)

    return run


def _uniform_bound(g: Get) -> Get:
    def get(b: B) -> int:
        v = g(b)
        if isinstance(v, np.ndarray):
            if not v.size or not np.all(v == v.flat[0]):
                raise _Fallback("loop bounds differ between tasks")
            return int(v.flat[0])
        return v

    return get


def _range_bounds(c: _Compiler, lb: SSAValue, ub: SSAValue, step: SSAValue) -> Callable[[B], range]:
    a, z, s = (_uniform_bound(c.get(v)) for v in (lb, ub, step))

    def bounds(b: B) -> range:
        st = s(b)
        if st <= 0:
            raise _Fallback("bad step")
        return range(a(b), z(b), st)

    return bounds


@_handles("pto.range")
def _range(c: _Compiler, op: pto.RangeOp) -> Thunk:
    return _loop(c, op, op.body.block, op.iter_args, _range_bounds(c, op.lb, op.ub, op.step),
                 op.stages, False)


@_handles("scf.for")
def _scf_for(c: _Compiler, op: scf.ForOp) -> Thunk:
    return _loop(c, op, op.body.block, op.iter_args, _range_bounds(c, op.lb, op.ub, op.step),
                 1, False)


@_handles("pto.unroll")
def _unroll(c: _Compiler, op: pto.UnrollOp) -> Thunk:
    n = op.trip_count
    return _loop(c, op, op.body.block, op.iter_args, lambda b: range(n), 1, True)


@_handles("scf.if")
def _scf_if(c: _Compiler, op: scf.IfOp) -> Thunk:
    cond = c.get(op.cond)
    has_else = bool(op.false_region.blocks)
    rec = c.record
    if not c.is_var(op.cond):
        then, ty = c.block(op.true_region.block)
        els, ey = c.block(op.false_region.block) if has_else else ([], [])
        var = [c.is_var(a) or c.is_var(b) for a, b in zip(ty, ey, strict=True)]
        tg, eg = [c.get(v) for v in ty], [c.get(v) for v in ey]
        res = [c.define(r, v) for r, v in zip(op.results, var, strict=True)]
        tconv = [(i, r.type) for i, (y, v, r) in enumerate(zip(ty, var, op.results, strict=True))
                 if v and not c.is_var(y)]
        econv = [(i, r.type) for i, (y, v, r) in enumerate(zip(ey, var, op.results, strict=True))
                 if v and not c.is_var(y)]
        tf = c.forward(_tiles(op.results), [c.bslot(v) for v in _tiles(ty)]) if rec else None
        ef = c.forward(_tiles(op.results), [c.bslot(v) for v in _tiles(ey)]) if rec else None

        def run_u(b: B) -> None:
            if cond(b):
                ths, gs, conv, fw = then, tg, tconv, tf
            else:
                ths, gs, conv, fw = els, eg, econv, ef
            for th in ths:
                th(b)
            vals = [g(b) for g in gs]
            n = b[_CTX].n
            for i, t in conv:
                vals[i] = _to_var(vals[i], n, t)
            for r, v in zip(res, vals, strict=True):
                b[r.slot] = v
            if fw is not None:
                fw(b)

        return run_u

    # a varying condition: split the tasks
    c.depth += 1
    then, ty = c.block(op.true_region.block)
    tg = [c.get(v) for v in ty]
    tvar = [c.is_var(v) for v in ty]
    els, ey = c.block(op.false_region.block) if has_else else ([], [])
    eg = [c.get(v) for v in ey]
    evar = [c.is_var(v) for v in ey]
    c.depth -= 1
    res = [c.define(r, True) for r in op.results]
    rtypes = [r.type for r in op.results]
    t_tiles = [c.bslot(v) for v in _tiles(ty)] if rec else []
    e_tiles = [c.bslot(v) for v in _tiles(ey)] if rec else []
    r_tiles = [c.bslot(v) for v in _tiles(op.results)] if rec else []

    def run_v(b: B) -> None:
        ctx: _Ctx = b[_CTX]
        mask = np.asarray(cond(b), dtype=np.bool_)
        ctx.run.split(ctx, mask)
        outs: list[Any] = [None] * len(res)
        for m, ths, gs, tb, vv in ((mask, then, tg, t_tiles, tvar), (~mask, els, eg, e_tiles, evar)):
            if not m.any():
                continue
            sub = ctx.child(m)
            b[_CTX] = sub
            try:
                for th in ths:
                    th(b)
                vals = [g(b) for g in gs]
            finally:
                b[_CTX] = ctx
            rel = sub.pos[ctx.depth]
            if rel is None:  # every task took this branch
                outs = [v if var else _to_var(v, ctx.n, t)
                        for v, t, var in zip(vals, rtypes, vv, strict=True)]
                if rec and tb:
                    for cl in sub.groups():
                        bf = cl.bf
                        for d, s in zip(r_tiles, tb, strict=True):
                            bf[d] = bf[s]
                continue
            for i, (v, t) in enumerate(zip(vals, rtypes, strict=True)):
                if outs[i] is None:
                    shape = _shape(t) if _is_tile(t) else ()
                    outs[i] = np.empty((ctx.n, *shape), dtype=_var_dtype(t))
                outs[i][rel] = v
            if rec and tb:
                for cl in sub.groups():
                    bf = cl.bf
                    for d, s in zip(r_tiles, tb, strict=True):
                        bf[d] = bf[s]
        for r, v in zip(res, outs, strict=True):
            b[r.slot] = v

    return run_v


# =========================================================================== entry


class ScopePlan:
    """A scope's batched plan, compiled on its first run of `MIN_TASKS` tasks or more
    (a variant whose scope has fewer tasks never pays for the second compilation)."""

    def __init__(self, op: pto.SpmdOp, outer_slot: Callable[[SSAValue], int],
                 tensor_of: TensorOf, record: bool):
        self.op = op
        self.outer_slot = outer_slot
        self.tensor_of = tensor_of
        self.record = record
        self._plan: _Plan | None = None
        self._compiled = False

    def run(self, f: list[Any], n: int, outer_bufs: dict[Any, int]) -> list[list[OpEvent]] | None:
        """Run all `n` tasks on the interpreter frame `f`'s memrefs: every task's events
        (task-id order), or None when the scope is to run per task (memrefs unchanged)."""
        if not _enabled[-1] or n < MIN_TASKS:  # a module global: tests lower it
            return None
        if not self._compiled:
            self._compiled = True
            self._plan = _compile(self.op, self.outer_slot, self.tensor_of, self.record)
        return None if self._plan is None else self._plan.run(f, n, outer_bufs)


class _Plan:
    """A scope's body compiled for batched execution."""

    def __init__(self, c: _Compiler, thunks: list[Thunk], tid: int,
                 stored: list[tuple[int, int]]):
        self.nslots = c.nslots
        self.imports = c.imports
        self.thunks = thunks
        self.tid = tid
        self.stored = stored  # (outer slot, batched slot) of the memrefs stored into
        self.record = c.record

    def run(self, f: list[Any], n: int, outer_bufs: dict[Any, int]) -> list[list[OpEvent]] | None:
        """Run all `n` tasks on the interpreter frame `f`'s memrefs: every task's events
        (task-id order), or None when the run was not exact (memrefs then restored)."""
        b: B = [None] * self.nslots
        for o, s in self.imports:
            b[s] = f[o]
        run = _Run(n, self.record, outer_bufs)
        for o, s in self.stored:
            if s not in run.tracks:
                run.tracks[s] = _Track(f[o])
        act = np.arange(n)
        b[_CTX] = _Ctx(run, act, 0, {})
        b[_BCTX] = ()
        b[self.tid] = act.astype(np.int64)
        try:
            for th in self.thunks:
                th(b)
            exact = not any(tr.conflict(n) for tr in run.tracks.values())
        except _RECOVER:
            exact = False
        if not exact:
            for tr in run.tracks.values():
                tr.restore()
            return None
        if not self.record:
            return []
        events: list[list[OpEvent]] = []
        per_task = [[(i, e) for i, e in enumerate(cl.events) if type(e) is _PerTask]
                    for cl in run.classes]
        for t, ci in enumerate(run.cls_of.tolist()):
            evs = list(run.classes[ci].events)
            for i, e in per_task[ci]:
                evs[i] = e.event(t)
            events.append(evs)
        return events


def compile_scope(op: pto.SpmdOp, outer_slot: Callable[[SSAValue], int], tensor_of: TensorOf,
                  record: bool) -> ScopePlan | None:
    """The batched plan of a scope, or None when it is to run per task.

    `outer_slot(v)` is the interpreter's frame slot of a value defined outside the scope
    (every such value has its slot when the scope is compiled); `tensor_of(m)` the GM
    tensor id of a memref value, as the interpreter records it.
    """
    for o in op.walk():
        for r in o.results:
            if _is_tile(r.type) and int(np.prod(_shape(r.type), dtype=np.int64)) > MAX_TILE:
                return None  # big tiles: numpy time dominates, per task is as fast
    return ScopePlan(op, outer_slot, tensor_of, record)


def _compile(op: pto.SpmdOp, outer_slot: Callable[[SSAValue], int], tensor_of: TensorOf,
             record: bool) -> _Plan | None:
    block = op.body.block
    stored: set[SSAValue] = set()
    for o in op.walk():
        if isinstance(o, pto.StoreOp):
            stored.add(o.dest)
    c = _Compiler(outer_slot, tensor_of, record, stored)
    try:
        tid = c.define(block.args[0], True).slot
        thunks, _ = c.block(block)
        st = [(outer_slot(m), c.val(m).slot) for m in stored]
    except (_Unsupported, ValueError, TypeError, KeyError, AttributeError, AssertionError):
        return None
    if any(not isinstance(m.type, MemRefType) for m in stored):
        return None
    return _Plan(c, thunks, tid, st)
