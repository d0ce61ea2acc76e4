"""`pto-check-carried`: the legality check for values and memory carried by loops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from ptoc.diagnostics import PtoDiagnostic, location_of, op_error, warn
from ptoc.dialects.pto_tiles import SelectOp
from ptoc.passes.carried_analysis import (
    BATCH_ATTR,
    BATCH_MEMORY,
    BATCH_VALUE,
    INTENDED_CARRY_ATTR,
    LEAK,
    LEAK_SHAPE,
    LOOP_OPS,
    NEEDLESS,
    REDUCTION,
    CarryFinding,
    analyze_loop,
    batch_index,
    cond_name,
    is_batch_loop,
    leak_sentence,
    loop_description,
    mask_name,
    select_cond_name,
    value_name,
)
from ptoc.passes.index_expr import DEFAULT_MAX_POINTS


@dataclass(frozen=True)
class CheckCarriedPass(ModulePass):
    """Check what the loops of a kernel carry from one iteration into the next.

    The analysis (`ptoc.passes.carried_analysis`) classifies every iter_arg of every
    `pto.range`, `scf.for` and `pto.unroll` per path through the body (reduction,
    forward, reset, leak) and, for batch loops, finds the stores that a later
    iteration reads. This pass reports its findings and never changes the IR
    (`pto-privatize-carries` is the rewrite).

    * **Batch loops** (`{pto.batch}`: the iterations stand for distinct tasks; the
      loop `pto-spmd-coarsen` creates is marked, and an author may mark any loop):
      every carry that crosses iterations is an error, one diagnostic per loop naming
      the values, the gate (`scf.if` at file:line:col and its condition) and both
      paths: a value carry (a reduction, a forward, a leak) and a memory carry (a
      store of one batch that a later batch reads at an overlapping index: a witness
      names the two batches; "undecided" is an error too; a doubt from indices or
      conditions unknown at compile time is a warning).
    * **Other loops** run over one task's own data: reductions and forwards are
      legal. A carry with the leak shape (passed through unchanged on one path,
      recomputed from scratch on another) is a warning that says how to mark the
      loop, in case its iterations do stand for tasks.
    * **Resets** of a `pto.range` (recomputed on every path, never read) are a
      warning: the carry is needless and makes all iterations share one buffer.

    `{pto.intended_carry = [k, ...]}` on a loop (iter_arg positions, 0 first) marks
    those carries as intended: they are not reported. A position that is not an
    iter_arg, or a name, is an error; so is `{pto.batch}` on an op that is not a loop.

    Option `max_points` bounds the enumeration of the memory-carry decision (as in
    `pto-check-races`).
    """

    name = "pto-check-carried"

    max_points: int = DEFAULT_MAX_POINTS

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for o in op.walk():
            if BATCH_ATTR in o.attributes:
                is_batch_loop(o)  # verifies the mark
        errors: list[PtoDiagnostic] = []
        for loop in [o for o in op.walk() if isinstance(o, LOOP_OPS)]:
            findings = analyze_loop(loop, self.max_points)
            resets = [f for f in findings if f.kind == NEEDLESS]
            if resets:
                warn(loop, _reset_message(resets))
            shapes = [f for f in findings if f.kind == LEAK_SHAPE]
            if shapes:
                warn(loop, _leak_shape_message(shapes))
            for f in findings:
                if f.severity == "warning" and f.kind not in (NEEDLESS, LEAK_SHAPE):
                    warn(f.loop, render(f))
            bad = [f for f in findings if f.severity == "error"]
            if bad:
                errors.append(op_error(loop, render_errors(loop, bad)))
        if errors:
            first = errors[0]
            if len(errors) > 1:
                more = ", ".join(location_of(e.op) or "?" for e in errors[1:])
                raise op_error(
                    first.op,
                    f"{first.message} (also {len(errors) - 1} more loop(s) with carry "
                    f"errors, at {more})",
                )
            raise first


# --------------------------------------------------------------------------- messages


def _label(f: CarryFinding) -> str:
    """`%mi`, or `%mi (iter_arg #2)` when several iter_args of the loop share the name."""
    i = f.carry
    assert i is not None
    block = f.loop.regions[0].block
    shared = sum(1 for a in block.args[1:] if a.name_hint == i.name) > 1
    return f"%{i.name} (iter_arg #{i.index})" if shared else f"%{i.name}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _intended_hint(fs: Sequence[CarryFinding]) -> str:
    positions = ", ".join(str(f.carry.index) for f in fs if f.carry is not None)
    return f"{{{INTENDED_CARRY_ATTR} = [{positions}]}}"


def _gate_text(f: CarryFinding) -> str:
    gate = f.gate
    if gate is None:
        return "data-dependent control flow"
    loc = location_of(gate) or "?"
    if isinstance(gate, scf.IfOp):
        return f"the scf.if at {loc} on {cond_name(gate)}"
    if isinstance(gate, SelectOp):
        return f"the lane-wise pto.select at {loc} on {mask_name(gate)}"
    if isinstance(gate, arith.SelectOp):
        return f"the arith.select at {loc} on {select_cond_name(gate)}"
    return f"{loop_description(gate)}, whose trip count may be zero"


def _leak_sentences(fs: Sequence[CarryFinding]) -> tuple[str, str]:
    """(the gates, the two paths of each group of leaks sharing a gate and paths)."""
    groups: dict[tuple[int, str, str, bool], list[CarryFinding]] = {}
    for f in fs:
        assert f.carry is not None
        key = (id(f.gate), f.paths[0], f.paths[1], f.carry.passed_unchanged)
        groups.setdefault(key, []).append(f)
    gates = "; ".join(dict.fromkeys(_gate_text(g[0]) for g in groups.values()))
    sentences = "; and ".join(
        leak_sentence(
            [_label(f)[1:] for f in g],
            g[0].paths[0],
            g[0].paths[1],
            bool(g[0].carry and g[0].carry.passed_unchanged),
        )
        for g in groups.values()
    )
    return gates, sentences


def render(f: CarryFinding) -> str:
    """The message of one finding."""
    if f.kind == NEEDLESS:
        return _reset_message([f])
    if f.kind == LEAK_SHAPE:
        return _leak_shape_message([f])
    if f.kind == BATCH_MEMORY:
        return _memory_message(f, standalone=True)
    return render_errors(f.loop, [f])


def _leak_shape_message(fs: Sequence[CarryFinding]) -> str:
    loop = fs[0].loop
    what = loop_description(loop, False)
    gates, sentences = _leak_sentences(fs)
    hint = ""
    b = batch_index(loop)
    if b is not None:
        hint = f" ({value_name(b)} is computed from the task id and its index)"
    plural = len(fs) > 1
    return (
        f"{what} is not marked as a batch loop, but its {'carries' if plural else 'carry'} "
        f"{_join([_label(f) for f in fs])} {'have' if plural else 'has'} the leak shape "
        f"under a data-dependent gate ({gates}): {sentences}. If the iterations of {what} "
        f"stand for distinct tasks{hint}, mark it with {{{BATCH_ATTR}}} (pto-check-carried "
        f"then rejects the carry, and pto-privatize-carries restarts every iteration from "
        f"the initial value); if the carry is intended, mark it with {_intended_hint(fs)}"
    )


def _batch_intro(loop: Operation) -> str:
    return (
        f"{loop_description(loop, False)} is a batch loop (marked {{{BATCH_ATTR}}}: its "
        "iterations stand for distinct tasks)"
    )


def _memory_message(f: CarryFinding, standalone: bool) -> str:
    m = f.memory
    assert m is not None
    v = m.verdict
    mem = value_name(m.memref)
    store, read = f.paths
    head = _batch_intro(f.loop) + " and " if standalone else ""
    if v.kind == "race":
        assert v.witness is not None
        k1, k2 = v.witness.tasks
        region = ", ".join(v.witness.region[:-1])
        l1, l2 = (f", with {', '.join(ls)}" if ls else "" for ls in v.witness.loops)
        return (
            f"{head}carries memory from one batch into the next: batch {k1} stores "
            f"{mem}[{region}] ({store}{l1}) and batch {k2} reads it ({read}{l2})"
        )
    if v.how == "unknown-index":
        why = f"the indices depend on {', '.join(v.unknowns) or 'unknown values'}, unknown at compile time"
    elif v.how == "unknown-condition":
        why = f"whether both run depends on {', '.join(v.unknowns) or 'a condition'}, unknown at compile time"
    else:
        why = v.detail
    return (
        f"{head}may carry memory from one batch into the next: cannot prove that no later "
        f"batch reads what {store} writes to {mem} ({read}): {why}"
    )


def render_errors(loop: Operation, fs: Sequence[CarryFinding]) -> str:
    """One message for all errors of one batch loop."""
    values = [f for f in fs if f.kind == BATCH_VALUE]
    memory = [f for f in fs if f.kind == BATCH_MEMORY]
    parts: list[str] = []
    leaks = [f for f in values if f.carry is not None and f.carry.kind == LEAK]
    cross = [f for f in values if f not in leaks]
    if leaks:
        gates, sentences = _leak_sentences(leaks)
        them = "them" if len(leaks) > 1 else "it"
        parts.append(
            f"leaks {_join([_label(f) for f in leaks])} from one batch into the next under a "
            f"data-dependent gate ({gates}): {sentences}; so batch i+1 can observe batch "
            f"i's state. Privatize {them} per batch (pto-privatize-carries restarts every "
            f"batch from the initial value) or mark the carry as intended with "
            f"{_intended_hint(leaks)}"
        )
    if cross:
        kinds = ", ".join(
            f"{_label(f)} ({'a reduction' if f.carry and f.carry.kind == REDUCTION else 'read by the next batch'})"
            for f in cross
        )
        them = "them" if len(cross) > 1 else "it"
        parts.append(
            f"carries {kinds} from one batch into the next; a batch must not observe "
            f"another batch's state: keep {them} private per batch (define {them} inside "
            f"the loop) or mark the carry as intended with {_intended_hint(cross)}"
        )
    for f in memory:
        parts.append(_memory_message(f, standalone=False))
    return _batch_intro(loop) + " and " + "; it also ".join(parts)


def _reset_message(fs: Sequence[CarryFinding]) -> str:
    loop = fs[0].loop
    plural = len(fs) > 1
    it = "them" if plural else "it"
    head = (
        f"{loop_description(loop, False)} carries {_join([_label(f) for f in fs])} but "
        f"recomputes {it} from scratch on every iteration and never reads the incoming value"
    )
    if any(f.carry is not None and f.carry.live_out for f in fs):
        return (
            f"{head}: the carry only takes the last iteration's value out of the loop and "
            f"makes all iterations share one buffer"
        )
    return (
        f"{head}: the carry is needless and makes all iterations share one buffer; drop "
        f"{it} (pto-privatize-carries does)"
    )


__all__ = ["CheckCarriedPass", "render", "render_errors"]
