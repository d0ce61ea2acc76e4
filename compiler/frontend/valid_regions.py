"""Stores of tiles with a valid region, as PyPTO stores them.

In PyPTO a tile loaded with `valid_shape=` (`pl.slice(x, shape, offs, valid_shape=[r, c])`
or `pl.load(..., valid_shape=...)`) carries that region in its type, elementwise ops
pass it on, and a store writes only the valid rectangle (`tile.store` "transfers only
the valid rectangle", PyPTO's AutoTile documentation): the rest of the destination keeps
its contents. The frontend emits such a load as `pto.load_valid` (the rest of the tile
is padding) and every store as a whole-tile `pto.store`, which would overwrite the rows
or columns past the valid region. `store_valid_regions(module)` runs after translation
and before verification:

* a value's valid region is followed from each `pto.load_valid` whose extents are not
  all the tile's own (constant) extents, through shape-preserving elementwise ops
  (`arith`, `math`, the `pto` tile-scalar, broadcast, compare, select and cast ops, a
  handoff, an element write), and through loop carries and `scf.if` results when every
  incoming value has the same region;
* a `pto.store` of such a value becomes `pto.store_valid` with the region's extents,
  if they are visible at the store;
* a store of a value that derives from a valid-region tile in any other way (a matmul, a
  reduction, a slice or reshape, a merge of different regions, extents defined in a loop
  the store is outside of, an atomic store) stays a whole-tile store, with a located
  warning: ptoc writes the whole tile where PyPTO writes part of it. pypto-lib's kernels
  do this for tail tiles whose padding rows land in padded buffers nothing reads, which
  an error would stop from being read at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Block, BlockArgument, Operation, OpResult, SSAValue

from ptoc.diagnostics import location_of, warn
from ptoc.dialects import pto, pto_tiles

_ELEMENTWISE_PTO = frozenset({
    "pto.adds", "pto.subs", "pto.muls", "pto.divs", "pto.maxs", "pto.mins",
    "pto.cast", "pto.cmp", "pto.cmps", "pto.select", "pto.handoff",
    "pto.row_expand", "pto.col_expand",
    "pto.row_expand_add", "pto.row_expand_sub", "pto.row_expand_mul", "pto.row_expand_div",
    "pto.row_expand_max", "pto.row_expand_min",
    "pto.col_expand_add", "pto.col_expand_sub", "pto.col_expand_mul", "pto.col_expand_div",
    "pto.col_expand_max", "pto.col_expand_min",
    "tensor.insert",
})


@dataclass(frozen=True)
class _Region:
    """The valid extents of a tile and the load they come from."""

    extents: tuple[SSAValue, ...]
    origin: Operation


class _Unknown:
    """Derived from a valid-region tile in a way whose region ptoc does not follow."""

    def __init__(self, origin: Operation):
        self.origin = origin


_Taint = _Region | _Unknown


def partial_extents(op: pto_tiles.LoadValidOp) -> tuple[int | SSAValue, ...] | None:
    """The valid extents of a `pto.load_valid` (a constant as its number), or None when
    they are all the tile's own: then the tile is whole."""
    shape = tuple(op.result.type.get_shape())  # pyright: ignore[reportAttributeAccessIssue]
    ext: list[int | SSAValue] = []
    for v in op.valid:
        c = v.op.value if isinstance(v, OpResult) and isinstance(v.op, arith.ConstantOp) else None
        ext.append(int(c.value.data) if c is not None and hasattr(c, "value") else v)  # pyright: ignore[reportAttributeAccessIssue]
    return None if tuple(ext) == shape else tuple(ext)


def _join(ts: Sequence[_Taint | None]) -> _Taint | None:
    got = [t for t in ts if t is not None]
    if not got:
        return None
    first = got[0]
    if len(got) == len(ts) and all(isinstance(t, _Region) and isinstance(first, _Region)
                                   and t.extents == first.extents for t in got):
        return first
    return _Unknown(first.origin)


def _shape(v: SSAValue) -> tuple[int, ...] | None:
    t = v.type
    return tuple(t.get_shape()) if isinstance(t, TensorType) else None


class _Flow:
    def __init__(self) -> None:
        self.taint: dict[SSAValue, _Taint] = {}
        self.changed = False

    def set(self, v: SSAValue, t: _Taint | None) -> None:
        if t is None:
            return
        old = self.taint.get(v)
        if old is None or (isinstance(old, _Region) and not (
                isinstance(t, _Region) and t.extents == old.extents)):
            self.taint[v] = t if old is None else _Unknown(old.origin)
            self.changed = True

    def op(self, op: Operation) -> None:
        if isinstance(op, pto_tiles.LoadValidOp):
            if partial_extents(op) is not None:
                self.set(op.result, _Region(tuple(op.valid), op))
            return
        if isinstance(op, (pto.RangeOp, scf.ForOp, pto.UnrollOp)):
            self.loop(op)
            return
        if isinstance(op, scf.IfOp):
            ends = []
            for r in op.regions:
                for b in r.blocks:
                    self.block(b)
                    if b.last_op is not None:
                        ends.append(b.last_op)
            for i, res in enumerate(op.results):
                self.set(res, _join([self.taint.get(e.operands[i]) for e in ends]))
            return
        yielded: list[_Taint] = []
        for r in op.regions:
            for b in r.blocks:
                self.block(b)
                if b.last_op is not None and b.last_op is not op:
                    yielded += [self.taint[x] for x in b.last_op.operands if x in self.taint]
        if yielded:  # another op whose results come out of its regions: not followed
            for res in op.results:
                if _shape(res) is not None:
                    self.set(res, _Unknown(yielded[0].origin))
        tainted = [(x, self.taint[x]) for x in op.operands if x in self.taint]
        if not tainted or not op.results:
            return
        elementwise = op.name in _ELEMENTWISE_PTO or op.name.split(".")[0] in ("arith", "math")
        for res in op.results:
            rs = _shape(res)
            if rs is None:
                continue  # a scalar (an element read) carries no region
            # the region passes through when every full-shape tile operand has the same
            # one (a broadcast vector or a scalar operand has none); a full tile combined
            # with a partial one is not followed
            same = [x for x in op.operands if _shape(x) == rs]
            if elementwise and all(_shape(x) == rs for x, _ in tainted):
                self.set(res, _join([self.taint.get(x) for x in same]))
            else:
                self.set(res, _Unknown(tainted[0][1].origin))

    def loop(self, op: Operation) -> None:
        body = op.regions[0].block
        n = len(op.results)
        inits = list(op.operands)[-n:] if n else []
        args = list(body.args)[-n:] if n else []
        # to the fixpoint (a value only goes none -> region -> unknown, so this ends); the
        # flag is the enclosing loop's too, so it is restored with this loop's changes
        outer, ever = self.changed, False
        while True:
            self.changed = False
            for a, i in zip(args, inits, strict=True):
                self.set(a, self.taint.get(i))
            self.block(body)
            last = body.last_op
            ys = list(last.operands) if last is not None else []
            for a, i, y in zip(args, inits, ys, strict=False):
                # the carry holds the initial value in the first iteration, the yielded
                # one after: one region only if both have the same
                self.set(a, _join([self.taint.get(i), self.taint.get(y)]))
            if not self.changed:
                break
            ever = True
        self.changed = outer or ever
        for r, a in zip(op.results, args, strict=True):
            self.set(r, self.taint.get(a))

    def block(self, b: Block) -> None:
        for o in b.ops:
            self.op(o)


def _visible(v: SSAValue, at: Operation) -> bool:
    """Whether `v` is defined in a block enclosing `at` (so usable there)."""
    block = v.block if isinstance(v, BlockArgument) else v.op.parent_block()  # pyright: ignore[reportAttributeAccessIssue]
    p: Operation | None = at
    while p is not None:
        if p.parent_block() is block:
            return True
        p = p.parent_op()
    return False


def _where(op: Operation) -> str:
    loc = location_of(op)
    return f" (the valid_shape= load at {loc})" if loc else ""


def store_valid_regions(module: ModuleOp) -> None:
    """Turn stores of valid-region tiles into `pto.store_valid` (see the module docstring);
    a located warning for one whose region ptoc does not follow."""
    flow = _Flow()
    for o in module.ops:
        for r in o.regions:
            for b in r.blocks:
                flow.block(b)
    for st in [o for o in module.walk() if isinstance(o, pto.StoreOp)]:
        t = flow.taint.get(st.value)
        if t is None:
            continue
        if isinstance(t, _Region) and st.atomic is None and all(
                _visible(v, st) for v in t.extents):
            new = pto_tiles.StoreValidOp(st.value, st.dest, list(st.indices), list(t.extents))
            new.attributes.update(st.attributes)
            parent = st.parent_block()
            assert parent is not None  # a store is always inside the function
            parent.insert_op_before(new, st)
            parent.erase_op(st)
            continue
        why = ("the store is atomic" if isinstance(t, _Region) and st.atomic is not None else
               "the region's extents are computed where this store cannot see them"
               if isinstance(t, _Region) else
               "the tile reaches the store through an op whose region ptoc does not follow: "
               "a matmul, a reduction, a slice or reshape, a loop carry or branch merging "
               "different regions")
        warn(st, "this store writes the whole tile, while PyPTO writes only its valid "
             f"rectangle: the tile derives from a tile with a valid region{_where(t.origin)}, "
             f"and {why}. Where the destination holds data past the valid region, the "
             "results differ from PyPTO's")


__all__ = ["partial_extents", "store_valid_regions"]
