"""`pto-check-races`: prove that the tasks of a `pto.spmd` store to disjoint memory.

The tasks of one `pto.spmd` run in any order and in parallel, so two tasks must never
write the same element of a memref, and no task may read an element another task
writes. For every pair of `pto.store`s of a scope to the
same memref (a store paired with itself, and every two different stores), the pass
decides whether two *different* tasks can write overlapping boxes
`[i0, i0+t0) x [i1, i1+t1) ...` (the tile shape is the stored tensor's). The indices are
analysed symbolically (`ptoc.passes.index_expr`): functions of the task id, of loop
indices (`pto.range`, `pto.unroll`, `scf.for`, including the `%g * G + %j` of a
coarsened scope) and of constants, through `+ - *`, division and remainder by
constants and casts; `min` / `max` / `select` / `cmpi` of such values are evaluated
exactly when the pairs are enumerated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from xdsl.context import Context
from xdsl.dialects.builtin import MemRefType, ModuleOp
from xdsl.dialects import arith, memref
from xdsl.ir import Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.traits import IsTerminator

from ptoc.diagnostics import location_of, op_error, warn
from ptoc.dialects.pto import SpmdOp, StoreOp
from ptoc.dialects.pto_tiles import GatherRowOp, LoadValidOp, StoreValidOp
from ptoc.passes.index_expr import (
    DEFAULT_MAX_POINTS,
    READ_OPS,
    WRITE_OPS,
    DISTINCT_ATTR,
    Access,
    IndexBuilder,
    Verdict,
    Witness,
    WriteLike,
    base_memref,
    decide,
    unmodelled_memref,
)


@dataclass(frozen=True)
class Finding:
    """One diagnostic of the check: `severity` is `error` or `warning`."""

    severity: str
    op: Operation
    message: str
    verdict: Verdict


@dataclass(frozen=True)
class CheckRacesPass(ModulePass):
    """Check that different tasks of each `pto.spmd` write disjoint regions of memory.

    Verdicts, per pair of stores to the same memref:

    * **disjoint** (silent): proved, symbolically (e.g. the row is the task id; or
      `t floordiv 16` and `t mod 16` select the row and column blocks), or for a static
      task count by enumerating every pair of tasks and every value of the loop
      indices involved, when that grid (`n^2 * L` points for `n` tasks and `L` loop
      value combinations) has at most `max_points` (default 10^6) points. A larger
      grid is only sampled: a sample can find a race, never prove disjointness, so
      an analysable pair that is neither proved nor refuted is "may race: undecided".
    * **race** (error): a witness: `race: tasks 3 and 7 both write out[5, 0:64] (store
      at f:l:c ... and store at f:l:c ...)`, with the loop values of both stores.
      A witness counts only where both stores certainly run: `scf.if` conditions and
      loop trip counts are evaluated at the witness.
    * **may race, warning**: the doubt comes from values unknown at compile time:
      indices computed from memory (`pto.read`, block-table rows), function arguments
      or other unmodelled values, or an overlap that needs both stores to run under a
      data-dependent `scf.if` condition. Compilation continues.
    * **may race, error**: the indices are fully analysable, but neither disjointness
      nor a witness was found (too many combinations to enumerate, or a task count
      known only at run time); rewrite the indexing into a provable form.

    Values read from memory are unknown. Put the unit attribute `{pto.distinct_rows}`
    on a `pto.read` to assert that different rows (first index) of the memref it reads
    hold different values, as the rows of a block table do; the value read is then an
    injective function of its row. A read of a memref that a task of the same scope
    stores to is never trusted.

    Writes are `pto.store` (the tile), `pto.write` (one element) and `pto.store_valid`
    (its valid window, taken as the whole static tile unless a valid extent is a smaller
    constant). A write through `memref.collapse_shape` / `expand_shape` views is a write
    of the viewed tensor: its box is mapped to the base tensor's indices, and when it is
    not exactly a box there (not aligned, not contiguous, dynamic inner extents) the
    write is "may race: undecided" (error).

    Index arithmetic wraps as the interpreter's does (two's complement, `index` is 64
    bits): an `i32` product that may leave the `i32` range is analysed with its
    wrap-around, so tasks whose rows only collide after the wrap are a race. Assumed:
    distinct memref arguments do not alias; a 64-bit value computed from values of
    unknown magnitude (arguments, `index` / `i64` reads) does not overflow; a memref
    the task allocates (`memref.alloc` inside the scope) is private to it. Any other
    memref defined inside the scope (an `scf.if` result, a loop's memref iter_arg) may
    be any tensor, a kernel argument every task writes: a write through it is "may
    race: undecided" (error), a read a "may race" warning. A `pto.section` runs once
    per task: its stores are decided as if outside it. A `pto.spmd` nested in a task of
    another is an error (its writes would be the outer tasks' writes, which the check
    does not follow); so is any other op of a task that takes a memref and may touch
    its elements (`memref.store`, `memref.load`, `memref.copy`, ...: not modelled).
    The pass does not change the IR.

    Reads are checked against writes: a `pto.load` / `pto.load_valid` / `pto.read` of
    elements that another task of the scope writes (by a store or an atomic add) is a
    race, since what it reads depends on the task order (`race: task 1 writes
    out[1, 0:8], which task 0 reads ...`); a read of the task's own writes is not. A read
    through a view that is not a box of the base tensor is a "may race" warning.

    * **atomic adds** (`pto.store ... atomic add`): two atomic adds to the same element
      by different tasks are not a race (the adds commute; only the fp rounding order
      varies, docs/numerics.md). An atomic add against a plain store of the same element
      in another task is a race.
    """

    name = "pto-check-races"

    max_points: int = DEFAULT_MAX_POINTS

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        findings: list[Finding] = []
        for spmd in [o for o in op.walk() if isinstance(o, SpmdOp)]:
            outer = _scope_of(spmd)
            if outer is not None:
                # every task of the enclosing scope would run all of its tasks: their
                # writes are the enclosing tasks' writes, which this check does not follow
                raise op_error(
                    spmd,
                    f"a pto.spmd inside a task of the pto.spmd at {_where(outer)}: its "
                    "writes cannot be checked against the enclosing scope's other tasks "
                    "(every one of them would run all of its tasks)",
                )
            try:
                findings.extend(check_scope(spmd, self.max_points))
            except RecursionError:
                raise op_error(
                    spmd, "the index expressions of this scope nest too deeply to check for races"
                ) from None
        for f in findings:
            if f.severity == "warning":
                warn(f.op, f.message)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            msg = errors[0].message
            if len(errors) > 1:
                msg += f" (and {len(errors) - 1} more race error(s))"
            raise op_error(errors[0].op, msg)


def _mem_name(v: SSAValue) -> str:
    return v.name_hint or "memref"


def _where(op: Operation) -> str:
    return location_of(op) or "?"


def _store_phrase(op: Operation, loops: tuple[str, ...]) -> str:
    s = f"{op.name.removeprefix('pto.')} at {_where(op)}"
    if loops:
        s += " with " + ", ".join(loops)
    return s


def _pair_phrase(s1: Operation, s2: Operation, w: Witness | None) -> str:
    l1, l2 = w.loops if w is not None else ((), ())
    return f"({_store_phrase(s1, l1)} and {_store_phrase(s2, l2)})"


def _wrap_phrase(wraps: list[tuple[SSAValue, int]]) -> str:
    v, bits = wraps[0]
    owner = cast(OpResult, v).op
    more = f" (and {len(wraps) - 1} more)" if len(wraps) > 1 else ""
    name = f"%{v.name_hint} " if v.name_hint else ""
    what = f"the index value {name}({owner.name} at {_where(owner)}){more}"
    if bits >= 64:
        return f"{what} may leave the 64-bit range, where it wraps around at run time"
    return (
        f"{what} may wrap around in i{bits} arithmetic, and is analysed as it wraps "
        f"at run time; compute indices in index to rule that out"
    )


def _message(
    v: Verdict, mem: str, s1: Operation, s2: Operation, *, hint_distinct: bool = True
) -> str:
    w = v.witness
    pair = _pair_phrase(s1, s2, w)
    when = f" when the task count is at least {v.min_tasks}" if v.min_tasks is not None else ""
    if v.kind == "race":
        assert w is not None
        return (
            f"race: tasks {w.tasks[0]} and {w.tasks[1]} both write "
            f"{mem}[{', '.join(w.region)}] {pair}{when}"
        )
    if v.how == "unknown-condition":
        assert w is not None
        return (
            f"may race: if both stores run, tasks {w.tasks[0]} and {w.tasks[1]} both write "
            f"{mem}[{', '.join(w.region)}] {pair}{when}; whether they run depends on "
            f"{', '.join(v.unknowns) or 'a condition'}, unknown at compile time"
        )
    if v.how == "unknown-index":
        msg = (
            f"may race: cannot prove that different tasks write disjoint parts of {mem} "
            f"{pair}: the indices depend on {', '.join(v.unknowns) or 'unknown values'}, "
            "unknown at compile time"
        )
        if hint_distinct and any("(read from memory)" in u for u in v.unknowns):
            msg += (
                f"; if different rows of the table hold different values, add "
                f"{{{DISTINCT_ATTR}}} to the pto.read"
            )
        return msg
    return (
        f"may race: cannot prove that different tasks write disjoint parts of {mem} "
        f"{pair}: {v.detail}"
    )


def _private(builder: IndexBuilder, base: SSAValue) -> bool:
    """A scratch tensor allocated by the task itself (`memref.alloc` inside the scope).
    Only an allocation is private: a memref that is merely *defined* inside the scope
    (an `scf.if` result, a loop's iter_arg) may be a kernel argument."""
    return (
        isinstance(base, OpResult)
        and isinstance(base.op, memref.AllocOp)
        and builder.inside(base)
    )


def _runtime_valid(op: Operation) -> bool:
    """A `pto.store_valid` / `pto.load_valid` with a valid extent not known at compile
    time (taken as its whole tile)."""
    return isinstance(op, (StoreValidOp, LoadValidOp, GatherRowOp)) and any(
        not (isinstance(v, OpResult) and isinstance(v.op, arith.ConstantOp)) for v in op.valid
    )


_NO_ACCESS = (memref.DimOp, memref.CollapseShapeOp, memref.ExpandShapeOp)
"""Ops that take a memref without touching its elements (metadata and views)."""


def _unmodelled_access(op: Operation) -> bool:
    """An op of the scope that takes a GM tensor and may touch its elements in a way
    the check does not model (`memref.store`, `memref.copy`, ...). The modelled
    accesses, views, and the ops that only pass a memref on (terminators, loops and
    branches, whose results are checked where they are accessed) are not."""
    if isinstance(op, (*WRITE_OPS, *READ_OPS, *_NO_ACCESS)):
        return False
    if op.has_trait(IsTerminator) or op.regions:
        return False
    return any(isinstance(o.type, MemRefType) for o in op.operands)


def check_scope(spmd: SpmdOp, max_points: int = DEFAULT_MAX_POINTS) -> list[Finding]:
    """The race findings of one scope, errors and warnings, in program order."""
    builder = IndexBuilder(spmd)
    by_mem: dict[SSAValue, list[tuple[WriteLike, Access]]] = {}
    findings: list[Finding] = []
    for o in spmd.body.walk():
        if o is not spmd and _scope_of(o) is spmd and _unmodelled_access(o):
            msg = (
                f"may race: cannot prove that different tasks access disjoint parts of "
                f"memory: the check does not model how {o.name} accesses "
                f"{', '.join(_mem_name(v) for v in o.operands if isinstance(v.type, MemRefType))}"
            )
            findings.append(Finding("error", o, msg, Verdict("may", "undecided", detail=msg)))
    for store in builder.stores():
        base = base_memref(store.dest)
        if _private(builder, base):
            continue  # a memref created by the task itself is private to it
        why = unmodelled_memref(base)
        if why is not None:
            v = Verdict("may", "undecided", detail=why)
            msg = (
                f"may race: cannot prove that different tasks write disjoint parts of "
                f"{_mem_name(base)} ({_store_phrase(store, ())}): {why}"
            )
            findings.append(Finding("error", store, msg, v))
            continue
        acc = builder.access(store, _where(store))
        if acc is None:
            continue  # never runs, or writes nothing
        mapped = builder.base_access(store.dest, acc)
        if isinstance(mapped, str):
            v = Verdict("may", "undecided", detail=mapped)
            msg = (
                f"may race: cannot prove that different tasks write disjoint parts of "
                f"{_mem_name(base)} ({_store_phrase(store, ())} through the view "
                f"{_mem_name(store.dest)}): {mapped}"
            )
            findings.append(Finding("error", store, msg, v))
            continue
        by_mem.setdefault(base, []).append((store, mapped))
    warned: set[Operation] = set()
    for mem, stores in by_mem.items():
        for i, (s1, a1) in enumerate(stores):
            for s2, a2 in stores[i:]:
                if _atomic(s1) and _atomic(s2):
                    continue  # atomic adds commute: different tasks may add to one element
                v = decide(a1, a2, builder.task, builder.count, max_points=max_points)
                if v.kind == "disjoint":
                    continue
                severity = "error" if v.kind == "race" or v.how == "undecided" else "warning"
                if severity == "warning":
                    if s1 in warned or s2 in warned:
                        continue
                    warned.update((s1, s2))
                wraps = builder.wrapping([*s1.operands, *s2.operands])
                msg = _message(v, _mem_name(mem), s1, s2, hint_distinct=not wraps)
                if wraps:
                    msg += "; " + _wrap_phrase(wraps)
                if v.kind == "race" and (_runtime_valid(s1) or _runtime_valid(s2)):
                    msg += (
                        "; a pto.store_valid with a runtime valid extent is taken as its "
                        "whole tile (the race needs that extent to reach the overlap)"
                    )
                if v.kind == "race" and (_atomic(s1) or _atomic(s2)):
                    msg += "; an atomic add and a plain store of one element do not commute"
                findings.append(Finding(severity, s1, msg, v))
    findings.extend(_read_races(builder, by_mem, warned, max_points))
    return findings


def _atomic(op: Operation) -> bool:
    return isinstance(op, StoreOp) and op.atomic is not None


def _scope_of(op: Operation) -> SpmdOp | None:
    p = op.parent_op()
    while p is not None and not isinstance(p, SpmdOp):
        p = p.parent_op()
    return p


def _read_races(
    builder: IndexBuilder,
    by_mem: dict[SSAValue, list[tuple[WriteLike, Access]]],
    warned: set[Operation],
    max_points: int,
) -> list[Finding]:
    """A write against a load or read of the same elements in another task. The tasks of
    a scope run in any order, so what the read sees depends on whether the other task's
    write (or atomic add) came first: a race as two writes would be."""
    out: list[Finding] = []
    if not by_mem:
        return out
    for rd in builder.spmd.body.walk():
        if not isinstance(rd, READ_OPS) or _scope_of(rd) is not builder.spmd:
            continue
        base = base_memref(rd.source)
        if _private(builder, base):
            continue  # the task's own scratch
        why = unmodelled_memref(base)
        if why is not None:
            v = Verdict("may", "undecided", detail=why)
            msg = (
                f"may race: cannot prove that no other task writes what this "
                f"{rd.name.removeprefix('pto.')} reads of {_mem_name(base)}: {why}"
            )
            out.append(Finding("warning", rd, msg, v))
            continue
        writes = by_mem.get(base)
        if not writes:
            continue
        acc = builder.memory_access(rd, _where(rd))
        if acc is None:
            continue  # never runs
        mem = _mem_name(base)
        mapped = builder.base_access(rd.source, acc)
        if isinstance(mapped, str):
            v = Verdict("may", "undecided", detail=mapped)
            msg = (
                f"may race: cannot prove that no other task writes what this "
                f"{rd.name.removeprefix('pto.')} reads of {mem} through the view "
                f"{_mem_name(rd.source)}: {mapped}"
            )
            out.append(Finding("warning", rd, msg, v))
            continue
        for st, a1 in writes:
            v = decide(a1, mapped, builder.task, builder.count, max_points=max_points)
            if v.kind == "disjoint":
                continue
            severity = "error" if v.kind == "race" or v.how == "undecided" else "warning"
            if severity == "warning":
                if st in warned or rd in warned:
                    continue
                warned.update((st, rd))
            pair = _pair_phrase(st, rd, v.witness)
            if v.kind == "race":
                w = v.witness
                assert w is not None
                verb = "atomically adds to" if _atomic(st) else "writes"
                when = (
                    f" when the task count is at least {v.min_tasks}"
                    if v.min_tasks is not None
                    else ""
                )
                msg = (
                    f"race: task {w.tasks[0]} {verb} {mem}[{', '.join(w.region)}], "
                    f"which task {w.tasks[1]} reads {pair}{when}; the value read depends "
                    "on the order of the tasks"
                )
                if _runtime_valid(st) or _runtime_valid(rd):
                    msg += ("; a runtime valid extent is taken as the whole tile (the race "
                            "needs that extent to reach the overlap)")
            else:
                what = "an atomic add" if _atomic(st) else "a store"
                msg = (
                    f"may race: cannot prove that no other task reads what {what} "
                    f"writes in {mem} {pair}: {v.detail or ', '.join(v.unknowns)}"
                )
            wraps = builder.wrapping([*st.operands, *rd.operands])
            if wraps:
                msg += "; " + _wrap_phrase(wraps)
            out.append(Finding(severity, st, msg, v))
    return out
