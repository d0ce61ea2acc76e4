"""`pto-privatize-carries`: restart every batch of a batch loop from the initial state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from xdsl.context import Context
from xdsl.dialects import scf
from xdsl.dialects.builtin import ArrayAttr, DenseArrayBase, IntegerAttr, ModuleOp
from xdsl.ir import Attribute, Operation, OpResult, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from ptoc.dialects.pto import RangeOp, YieldOp
from ptoc.passes.carried_analysis import (
    BATCH_ATTR,
    INTENDED_CARRY_ATTR,
    LEAK,
    LOOP_OPS,
    RESET,
    CarryInfo,
    classify_loop,
    intended_carries,
    is_batch_loop,
)


@dataclass(frozen=True)
class PrivatizeCarriesPass(ModulePass):
    """Privatize the leaking carries of batch loops, and drop needless carries.

    * In a loop marked `{pto.batch}` (its iterations stand for distinct tasks), a
      carry with the leak shape (recomputed from scratch on one path, passed through
      or updated on another) is *privatized per iteration*: every use of the
      incoming block argument in the body becomes a use of the carry's initial
      value, so every batch starts from the state the loop starts from, as every
      task of the uncoarsened kernel does. For the seed's softmax_pool grouped by a
      runtime loop this is exactly the per-batch kernel. The carry is then a reset.
    * A reset carry of a `pto.range` (recomputed on every path, never read) whose
      loop result is unused is dropped (operand, block argument, yielded value,
      result); `scf.if` results that only fed it are removed too, so that carries of
      nested loops that only fed it become droppable as well (loops are visited
      outermost first). A reset whose result is used after the loop is kept.

    Reductions and forwards across batches are left alone (they are computation the
    author must rewrite or mark intended; `pto-check-carried` reports them), and so
    are carries marked `{pto.intended_carry = [...]}` and the carries of loops that
    are not batch loops (their leak shape may be a legal segmented reduction).
    """

    name = "pto-privatize-carries"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for o in op.walk():
            if BATCH_ATTR in o.attributes:
                is_batch_loop(o)  # verifies the mark
        for loop in [o for o in op.walk() if isinstance(o, LOOP_OPS)]:
            if loop.parent is None:
                continue  # replaced while an enclosing loop was rewritten
            intended = intended_carries(loop)
            if is_batch_loop(loop):
                leaks = [i for i in classify_loop(loop) if i.kind == LEAK and i.index not in intended]
                _privatize(loop, leaks)
            if isinstance(loop, RangeOp):
                drop = {
                    i.index
                    for i in classify_loop(loop)
                    if i.kind == RESET and not i.live_out and i.index not in intended
                }
                if drop:
                    _drop_carries(loop, drop)


def _privatize(loop: Operation, leaks: Sequence[CarryInfo]) -> None:
    """Every iteration starts from the initial value: uses of the incoming block
    argument become uses of the loop's initial value (which dominates the body)."""
    block = loop.regions[0].block
    inits = loop.operands[-len(block.args) + 1 :] if len(block.args) > 1 else ()
    for info in leaks:
        block.args[info.index + 1].replace_all_uses_with(inits[info.index])


def _remap_intended(attr: Attribute, keep: Sequence[int]) -> Attribute:
    if isinstance(attr, DenseArrayBase):
        attr = ArrayAttr([IntegerAttr.from_index_int_value(int(x)) for x in attr.get_values()])
    if not isinstance(attr, ArrayAttr):
        return attr
    items: list[Attribute] = []
    old: tuple[Attribute, ...] = cast("ArrayAttr[Attribute]", attr).data
    for item in old:
        if isinstance(item, IntegerAttr) and item.value.data in keep:
            items.append(IntegerAttr(keep.index(item.value.data), item.type))
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


__all__ = ["PrivatizeCarriesPass"]
