"""`pto-check-carried`: the legality check for values carried by `pto.range` loops."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, ModuleOp, StringAttr
from xdsl.ir import Attribute, OpResult, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ptoc.diagnostics import PtoDiagnostic, location_of, op_error, warn
from ptoc.dialects.pto import RangeOp, YieldOp
from ptoc.passes.carried_analysis import (
    FORWARD,
    INTENDED_CARRY_ATTR,
    LEAK,
    REDUCTION,
    RESET,
    CarryInfo,
    batch_index,
    classify_range,
    cond_name,
    enclosing_spmd,
    intended_carries,
    leak_sentence,
    loop_description,
    value_name,
)


@dataclass(frozen=True)
class CheckCarriedPass(ModulePass):
    """Check every iter_arg of every `pto.range` (see `ptoc.passes.carried_analysis`).

    For each `pto.range` the iter_args are classified per path through the body:

    * **reduction** (the yielded value depends on the incoming one on every path,
      e.g. `li = a * li + e`, also when one branch passes it through): legal, silent.
    * **forward** (recomputed on every path, but the incoming value is read in the
      body: iteration i+1 consumes what iteration i produced): legal, silent.
    * **reset** (recomputed on every path and never read): legal but a needless carry
      that makes all iterations share one buffer: a warning.
    * **leak** (recomputed from scratch on one path, passed through or updated on
      another, e.g. under a data-dependent `scf.if` gate): an error naming the values,
      the loop, the gate (`scf.if` at file:line:col and its condition) and both paths.
      All leaking values of a loop are reported in one diagnostic.

    **Cross-batch carries.** A `pto.range` that is the outermost loop of a `pto.spmd`
    task and whose index is combined with the task id by index arithmetic (the
    `%b = %g * G + %j` of `pto-spmd-coarsen{inner=range}`) iterates over batches. This
    is detected structurally, without cooperation from the coarsen pass. In such a
    loop every carry that crosses iterations (reduction, forward, leak) is an error:
    one batch must not observe another's state. Invariant carries (passed through
    unchanged on every path) and resets do not cross iterations.

    **Intended carries.** `{pto.intended_carry = ["acc"]}` (iter_arg names without `%`)
    or `{pto.intended_carry = [0]}` (indices) on a `pto.range` marks those carries as
    intended: they are neither reported nor changed (not as leaks, not as cross-batch
    carries, not as resets). A name or index that is not an iter_arg is an error.

    **fix=true** repairs instead of reporting, where the repair is semantics-defined:

    * a leaking carry is *privatized per iteration*: every use of the incoming block
      argument in the body is replaced by the carry's initial value, i.e. every
      iteration starts from the state the loop starts from. For the seed's
      softmax_pool grouped by a runtime loop this is exactly the per-batch kernel:
      each task of the per-batch form starts with fresh accumulators, and on the
      gate-false path no batch sees another batch's mi/li/oi. (Turning a static loop
      into `pto.unroll` would keep the pass-through in the IR, so it is not used.)
      After privatization the carry is a reset, and is handled as below.
    * a reset carry whose loop result is unused is dropped (operand, block argument,
      yielded value, result); `scf.if` results that only fed it are removed too, so
      that carries of nested loops that only fed it become droppable as well (loops
      are visited outermost first). A reset whose result is used after the loop is
      kept (the carry is what takes the last value out) and still warned about.
    * cross-batch reductions/forwards are not changed: a reduction across batches is
      meaningful computation, so the author must either mark it intended or rewrite it.
      They remain errors under `fix=true`.

    Memory is not tracked (a value stored and reloaded is not a carry).
    """

    name = "pto-check-carried"

    fix: bool = False

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        errors: list[PtoDiagnostic] = []
        for loop in [o for o in op.walk() if isinstance(o, RangeOp)]:
            if loop.parent is None:
                continue
            err = self._check(loop)
            if err is not None:
                errors.append(err)
        if errors:
            first = errors[0]
            if len(errors) > 1:
                more = ", ".join(location_of(e.op) or "?" for e in errors[1:])
                raise op_error(
                    first.op,
                    f"{first.message} (also {len(errors) - 1} more pto.range with carry "
                    f"errors, at {more})",
                )
            raise first

    # ------------------------------------------------------------------ one loop

    def _check(self, loop: RangeOp) -> PtoDiagnostic | None:
        intended = intended_carries(loop)
        infos = [i for i in classify_range(loop) if i.index not in intended]
        leaks = [i for i in infos if i.kind == LEAK]
        if self.fix and leaks:
            _privatize(loop, leaks)
            infos = [i for i in classify_range(loop) if i.index not in intended]
            leaks = [i for i in infos if i.kind == LEAK]
        batch = batch_index(loop)
        cross = [
            i
            for i in infos
            if batch is not None and i.kind in (REDUCTION, FORWARD) and i.crosses_iterations
        ]
        resets = [i for i in infos if i.kind == RESET]
        droppable = [i for i in resets if not i.live_out] if self.fix else []
        kept = [i for i in resets if i not in droppable]
        # the texts are made before any rewrite: they read the loop's block arguments
        warning = _reset_message(loop, kept) if kept else None
        error = _error_message(loop, leaks, cross, batch) if leaks or cross else None
        if droppable:
            loop = _drop_carries(loop, {i.index for i in droppable})
        if warning is not None:
            warn(loop, warning)
        if error is not None:
            return op_error(loop, error)
        return None


# --------------------------------------------------------------------------- messages


def _label(i: CarryInfo) -> str:
    """`%mi`, or `%mi (iter_arg #2)` when several iter_args of the loop share the name."""
    block = i.loop.regions[0].block
    shared = sum(1 for a in block.args[1:] if a.name_hint == i.name) > 1
    return f"%{i.name} (iter_arg #{i.index})" if shared else f"%{i.name}"


def _names(infos: Sequence[CarryInfo]) -> str:
    items = [_label(i) for i in infos]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _attr_hint(infos: Sequence[CarryInfo]) -> str:
    listed = ", ".join(f'"{i.name}"' if not i.name.startswith("#") else i.name[1:] for i in infos)
    return f"{{{INTENDED_CARRY_ATTR} = [{listed}]}}"


def _reset_message(loop: RangeOp, resets: Sequence[CarryInfo]) -> str:
    names = _names(resets)
    plural = len(resets) > 1
    it = "them" if plural else "it"
    head = (
        f"{loop_description(loop, False)} carries {names} but recomputes {it} from scratch on "
        f"every iteration and never reads the incoming value"
    )
    if any(i.live_out for i in resets):
        return (
            f"{head}: the carry only takes the last iteration's value out of the loop and "
            f"makes all iterations share one buffer (kept by fix=true: the loop's result "
            f"is used after it)"
        )
    return (
        f"{head}: the carry is needless and makes all iterations share one buffer; drop "
        f"{it} (pto-check-carried{{fix=true}} does)"
    )


def _gate_text(info: CarryInfo) -> str:
    gate = info.gate
    if gate is None:
        return "data-dependent control flow"
    loc = location_of(gate) or "?"
    if isinstance(gate, scf.IfOp):
        return f"the scf.if at {loc} on {cond_name(gate)}"
    return f"{loop_description(gate)}, whose trip count may be zero"


def _error_message(
    loop: RangeOp,
    leaks: Sequence[CarryInfo],
    cross: Sequence[CarryInfo],
    batch: SSAValue | None,
) -> str:
    parts: list[str] = []
    what = loop_description(loop, False)
    batch_text = ""
    if batch is not None:
        spmd = enclosing_spmd(loop)
        task = value_name(spmd.task_id) if spmd is not None else "the task id"
        batch_text = (
            f"{what} iterates over the batches of a coarsened pto.spmd "
            f"({value_name(batch)} is computed from task id {task} and {value_name(loop.index)})"
        )
    if leaks:
        groups: dict[tuple[int, str, str, bool], list[CarryInfo]] = {}
        for i in leaks:
            key = (id(i.gate), i.kept_when, i.fresh_when, i.passed_unchanged)
            groups.setdefault(key, []).append(i)
        gates = "; ".join(dict.fromkeys(_gate_text(g[0]) for g in groups.values()))
        sentences = "; and ".join(
            leak_sentence(
                [_label(i)[1:] for i in g], g[0].kept_when, g[0].fresh_when, g[0].passed_unchanged
            )
            for g in groups.values()
        )
        across = "one batch into the next" if batch is not None else "one iteration into the next"
        parts.append(
            f"{what} leaks {_names(leaks)} from {across} under a data-dependent gate "
            f"({gates}): {sentences}; so iteration i+1 can observe iteration i's state. "
            f"Privatize {'them' if len(leaks) > 1 else 'it'} per iteration "
            f"(pto-check-carried{{fix=true}} restarts every iteration from the initial value) "
            f"or mark the carry as intended with {_attr_hint(leaks)}"
        )
        if batch_text:
            parts.append(batch_text)
    if cross:
        kinds = ", ".join(
            f"{_label(i)} ({'a reduction' if i.kind == REDUCTION else 'read by the next batch'})"
            for i in cross
        )
        prefix = batch_text if not leaks else f"{what} also"
        parts.append(
            f"{prefix} and carries {kinds} from one batch into the next; a batch must not "
            f"observe another batch's state: keep the value private per batch (pto.unroll, or "
            f"define it inside the loop) or mark the carry as intended with {_attr_hint(cross)}"
            if not leaks
            else f"{prefix} carries {kinds} from one batch into the next; keep "
            f"{'them' if len(cross) > 1 else 'it'} private per batch or mark "
            f"{'them' if len(cross) > 1 else 'it'} as intended with {_attr_hint(cross)}"
        )
    return "; ".join(parts)


# --------------------------------------------------------------------------- fixes


def _privatize(loop: RangeOp, leaks: Sequence[CarryInfo]) -> None:
    """Every iteration starts from the initial value: uses of the incoming block
    argument become uses of the loop's initial value (which dominates the body)."""
    block = loop.body.block
    for info in leaks:
        block.args[info.index + 1].replace_all_uses_with(loop.iter_args[info.index])


def _remap_intended(attr: Attribute, keep: Sequence[int]) -> Attribute:
    if not isinstance(attr, ArrayAttr):
        return attr
    items: list[Attribute] = []
    old: tuple[Attribute, ...] = cast("ArrayAttr[Attribute]", attr).data
    for item in old:
        if isinstance(item, IntegerAttr) and item.value.data in keep:
            items.append(IntegerAttr.from_index_int_value(keep.index(item.value.data)))
        elif isinstance(item, StringAttr):
            items.append(item)
    return ArrayAttr(items)


def _drop_carries(loop: RangeOp, drop: set[int]) -> RangeOp:
    """Remove iter_args `drop` (unused block arguments, unused results) from `loop`."""
    block = loop.body.block
    n = len(loop.iter_args)
    keep = [k for k in range(n) if k not in drop]
    term = block.last_op
    assert isinstance(term, YieldOp)
    removed = [term.values[k] for k in sorted(drop)]
    Rewriter.replace_op(term, YieldOp(*[term.values[k] for k in keep]), [])
    for k in sorted(drop, reverse=True):
        arg = block.args[k + 1]
        arg.replace_all_uses_with(loop.iter_args[k])  # uses that lead nowhere (see reset)
        block.erase_arg(arg)
    inits = [loop.iter_args[k] for k in keep]
    names = [loop.res[k].name_hint for k in keep]
    pipeline = loop.pipeline.value.data if loop.pipeline is not None else None
    body = loop.detach_region(loop.body)
    new = RangeOp(loop.lb, loop.ub, loop.step, inits, body, pipeline)
    new.location = loop.location
    for key, value in loop.attributes.items():
        new.attributes[key] = _remap_intended(value, keep) if key == INTENDED_CARRY_ATTR else value
    for res, name in zip(new.res, names, strict=False):
        res.name_hint = name
    Rewriter.replace_op(
        loop, new, [new.res[keep.index(k)] if k in keep else None for k in range(n)]
    )
    for v in removed:
        _prune(v)
    return new


def _prune(v: SSAValue) -> None:
    """Remove `scf.if` results that are no longer used, transitively."""
    if v.uses or not isinstance(v, OpResult) or not isinstance(v.op, scf.IfOp):
        return
    ifop = v.op
    if ifop.parent is None:
        return
    keep = [i for i, r in enumerate(ifop.results) if r.uses]
    removed: list[SSAValue] = []
    for region in ifop.regions:
        if not region.blocks:
            continue
        y = region.block.last_op
        if not isinstance(y, scf.YieldOp):
            return
        removed.extend(y.operands[i] for i in range(len(y.operands)) if i not in keep)
        Rewriter.replace_op(y, scf.YieldOp(*[y.operands[i] for i in keep]), [])
    true_region = ifop.detach_region(0)
    false_region = ifop.detach_region(0) if ifop.regions else Region()
    if not keep and false_region.blocks:
        ops = list(false_region.block.ops)
        if len(ops) == 1 and isinstance(ops[0], scf.YieldOp):
            false_region = Region()
    new = scf.IfOp(ifop.cond, [ifop.results[i].type for i in keep], true_region, false_region)
    new.location = ifop.location
    new.attributes.update(ifop.attributes)
    for i, res in zip(keep, new.results, strict=False):
        res.name_hint = ifop.results[i].name_hint
    n = len(ifop.results)
    Rewriter.replace_op(
        ifop, new, [new.results[keep.index(i)] if i in keep else None for i in range(n)]
    )
    for r in removed:
        _prune(r)


__all__ = ["CheckCarriedPass"]
