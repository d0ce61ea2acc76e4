"""`pto-unroll-expand`: replace every `pto.unroll` by its copies, one per iteration.

```
%r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (T) { body(%j, %a); pto.yield %b : T }
```
becomes
```
%j = arith.constant 0 : index
body(%j, %x)            // yields %b
%j_1 = arith.constant 1 : index
body(%j_1, %b)          // yields %b_1; uses of %r now use %b_1
```
Copies keep the iteration order (copy 0, then copy 1, ...); iter_args are chained from
one copy to the next and the op's results are the last copy's yielded values. Nested
unrolls are expanded innermost first, so no `pto.unroll` is left.

The index arithmetic that expansion leaves behind (`%g * 2 + 0`, one constant per copy)
is then cleaned with xDSL's canonicalization patterns and CSE, run over the regions that
held an unroll. Canonicalization is limited to scalar integer/index `arith` ops: xDSL
folds float constants in double precision, which could change a kernel's results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, TensorType
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
)
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.transforms.canonicalize import CanonicalizationRewritePattern
from xdsl.transforms.common_subexpression_elimination import cse
from xdsl.transforms.dead_code_elimination import is_trivially_dead

from ptoc.diagnostics import op_error
from ptoc.dialects import int_semantics
from ptoc.dialects.pto import UnrollOp, YieldOp
from ptoc.passes.index_builders import const_index, is_scalar_int_arith

DEFAULT_MAX_OPS = 20_000  # a few seconds of expansion; the seed at factor 64 makes ~5000


@dataclass(frozen=True)
class UnrollExpandPass(ModulePass):
    """Expand every `pto.unroll` into one copy of its body per iteration.

    Options:

    * `max_ops=N` (default 20000): refuse, with a diagnostic naming the unroll, to
      expand when the copies would hold more than N ops in total (nested unrolls
      multiply). A trace-time unroll that large is almost certainly a mistake, and
      expanding it would take the compiler minutes and gigabytes.

    After expansion, the integer/index `arith` ops of the regions that held an unroll
    are canonicalized and CSE runs over those regions, so that each copy's task index
    folds to `%group_base` or `%group_base + k` and the copies share their constants.
    """

    name = "pto-unroll-expand"

    max_ops: int = DEFAULT_MAX_OPS

    def __post_init__(self) -> None:
        if isinstance(self.max_ops, bool) or not isinstance(self.max_ops, int):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"{self.name}: max_ops must be an integer, got {self.max_ops!r}")
        if self.max_ops < 1:
            raise ValueError(f"{self.name}: max_ops must be positive, got {self.max_ops}")

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        # Innermost first: expanding an inner unroll only edits its parent's body, so
        # every op of this list stays valid until its own turn.
        unrolls = [u for u in op.walk(region_first=True) if isinstance(u, UnrollOp)]
        if not unrolls:
            return
        outermost = [u for u in unrolls if _enclosing_unroll(u) is None]
        total = 0
        for u in outermost:
            total += _expanded_size(u, self.max_ops)
            if total > self.max_ops:
                raise op_error(
                    u,
                    f"expanding the unrolled loops would create more than {self.max_ops} "
                    "ops; use a pto.range, or raise pto-unroll-expand{max_ops=...}",
                )
        regions: list[Region] = []
        for u in outermost:
            region = u.parent_region()
            if region is not None and all(region is not r for r in regions):
                regions.append(region)
        # Clean each region once, from its outermost enclosing selected region: the
        # cleanup of a region reaches the regions nested in it, and may erase an op
        # that holds one (a side-effect-free `scf.if` around an unroll).
        regions = [r for r in regions if not any(_inside(r, o) for o in regions if o is not r)]

        for u in unrolls:
            expand_unroll(u)

        for region in regions:
            simplify_index_arith(ctx, region)


def _inside(region: Region, outer: Region) -> bool:
    """Whether `region` is nested (at any depth) in an op of `outer`."""
    op = region.parent_op()
    while op is not None:
        if op.parent_region() is outer:
            return True
        op = op.parent_op()
    return False


def _enclosing_unroll(op: Operation) -> UnrollOp | None:
    parent = op.parent_op()
    while parent is not None:
        if isinstance(parent, UnrollOp):
            return parent
        parent = parent.parent_op()
    return None


def _expanded_size(op: Operation, limit: int) -> int:
    """Ops that `op` stands for once all unrolls in it are expanded (capped above limit)."""
    inner = 0
    for region in op.regions:
        for block in region.blocks:
            for child in block.ops:
                inner += _expanded_size(child, limit)
                if inner > limit:
                    return limit + 1
    if isinstance(op, UnrollOp):
        return min(op.trip_count * inner, limit + 1)
    return 1 + inner


def expand_unroll(unroll: UnrollOp) -> list[Operation]:
    """Replace `unroll` by one copy of its body per iteration; return the new ops.

    The body's scalar constants move before the unroll, once, instead of being copied
    (the cleanup's CSE would merge the copies again; a scalar constant records no event,
    so the execution record is the same). Tile constants are copied: each is a fill."""
    body: Block = unroll.body.block
    term = body.last_op
    loc = unroll.location
    index_name = unroll.index.name_hint
    carried: list[SSAValue] = list(unroll.iter_args)
    created: list[Operation] = []
    for child in list(body.ops):  # scalar constants: one for all copies
        if isinstance(child, arith.ConstantOp) and not isinstance(child.result.type, TensorType):
            child.detach()
            Rewriter.insert_op(child, InsertPoint.before(unroll))
    for k in range(unroll.trip_count):
        index = const_index(k, loc, index_name)
        Rewriter.insert_op(index, InsertPoint.before(unroll))
        created.append(index)
        mapper: dict[SSAValue, SSAValue] = {body.args[0]: index.result}
        mapper.update(zip(body.args[1:], carried, strict=True))
        for child in body.ops:
            if child is term:
                break
            copy = child.clone(value_mapper=mapper)
            Rewriter.insert_op(copy, InsertPoint.before(unroll))
            created.append(copy)
        if isinstance(term, YieldOp):
            carried = [mapper.get(v, v) for v in term.values]
    Rewriter.replace_op(unroll, [], carried)
    return created


class _FoldIntArith(RewritePattern):
    """Fold integer/index `arith` ops with ptoc's one integer semantics.

    `ptoc.dialects.int_semantics`: two's complement on the type's bits, `index` as 64
    bits, the same functions the interpreter runs. An op on constants is folded with
    them (and left alone where its result is undefined, e.g. a division by zero); an
    `index` constant outside the 64-bit range (xDSL folds `index` additions and
    products without wrapping) is wrapped, which for the ring ops xDSL folds is the
    two's complement result.
    """

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> bool:
        """Rewrite `op` if it is ours to fold; True when xDSL must not touch it."""
        if isinstance(op, arith.ConstantOp):
            val = op.value
            bits = int_semantics.width(op.result.type)
            if (
                bits is not None
                and bits > 1  # xDSL holds an i1 true as -1 (ptoc's semantics: 1), one bit either way
                and isinstance(val, IntegerAttr)
                and not int_semantics.in_range(val.value.data, bits)
            ):
                new = arith.ConstantOp(
                    IntegerAttr(int_semantics.wrap(val.value.data, bits), op.result.type)
                )
                rewriter.replace(op, new)
                return True
            return False
        short = op.name.removeprefix("arith.")
        if short not in int_semantics.BINARY_OPS or len(op.operands) != 2:
            return False
        bits = int_semantics.width(op.results[0].type)
        consts = [_int_constant(v) for v in op.operands]
        if bits is None or consts[0] is None or consts[1] is None:
            return False
        folded = int_semantics.fold_binary(short, consts[0], consts[1], bits)
        if folded is None:
            return True  # undefined: keep the op, so that running it reports the error
        rewriter.replace(op, arith.ConstantOp(IntegerAttr(folded, op.results[0].type)))
        return True


def _int_constant(v: SSAValue) -> int | None:
    owner = v.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


class _ScalarIntCanonicalization(RewritePattern):
    """xDSL's canonicalization, applied only to integer/index `arith` ops, after
    ptoc's own folds (`_FoldIntArith`)."""

    def __init__(self, ctx: Context):
        self._fold = _FoldIntArith()
        self._patterns = GreedyRewritePatternApplier(
            [CanonicalizationRewritePattern()], ctx=ctx, folding_enabled=True
        )

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter, /) -> None:
        if not is_scalar_int_arith(op):
            return
        if self._fold.match_and_rewrite(op, rewriter):
            return
        self._patterns.match_and_rewrite(op, rewriter)


class _WorklistWalker(PatternRewriteWalker):
    """xDSL's rewrite walker, run on a given worklist (the whole region, or some ops) to
    empty, without its confirming walk of the whole region afterwards: the worklist
    already takes every op a rewrite touches (new ops, users of replaced results,
    operands of erased ops), so the confirming walk only finds what is done."""

    def run(self, region: Region, seed: Sequence[Operation] | None = None) -> bool:
        """Rewrite from `seed` (every op of `region` when None); True if the IR changed."""
        listener = self._get_rewriter_listener()  # pyright: ignore[reportPrivateUsage]
        if seed is None:
            self._populate_worklist(region)  # pyright: ignore[reportPrivateUsage]
        else:
            for op in reversed(seed):  # a stack: the first op is rewritten first
                self._worklist.push(op)  # pyright: ignore[reportPrivateUsage]
        return self._process_worklist(listener)  # pyright: ignore[reportPrivateUsage]


def simplify_index_arith(ctx: Context, region: Region) -> None:
    """Canonicalize the integer/index `arith` ops of `region` and CSE it, to a fixed
    point, in one walk: the rewrite worklist runs to empty over the region, CSE runs
    after it, and while CSE changes the region the worklist runs again, on the ops
    whose operands or users CSE changed (and their users) only: that is where a merge
    can enable a fold."""
    walker = _WorklistWalker(_ScalarIntCanonicalization(ctx))
    # the first run starts from the ops the pattern can rewrite, in the order the
    # walker's own full worklist would pop them (the others it would pop and leave)
    seed: list[Operation] | None = [o for o in region.walk() if is_scalar_int_arith(o)]
    while True:
        walker.run(region, seed)
        ops = list(region.walk())
        before: dict[Operation, _Links] = {o: _links(o) for o in ops if is_scalar_int_arith(o)}
        top = {o for b in region.blocks for o in b.ops}  # the region's own ops
        cse(region)
        erased = [o for o in ops if o.parent is None]
        if not erased:
            break  # CSE merged and erased nothing: done
        # what CSE changed that a pattern can see (`_changed`)
        touched = [o for o, links in before.items() if o.parent is not None and _changed(o, links)]
        seed = list(dict.fromkeys(
            [*touched, *(u.operation for o in touched for r in o.results for u in r.uses)]
        ))
        if not seed and all(o in top for o in erased) and not any(map(_exposed_dead, erased)):
            # Nothing to rewrite, CSE erased only ops of the region's own blocks (an
            # erasure inside a nested region can make two region-holding ops equal), and
            # its erasures left no producer dead: another CSE would find nothing (every
            # pair it could merge it merged, a merge rewiring the users before they are
            # visited).
            break


def simplify_index_arith_reference(ctx: Context, region: Region) -> None:
    """The plain fixed-point loop that `simplify_index_arith` must equal, printed IR for
    printed IR: xDSL's rewrite walker to its fixed point (a worklist over the region and
    confirming walks), CSE, and all of it again while CSE merges ops. Slower; kept as the
    reference for the test and the bench that compare the two."""
    while True:
        PatternRewriteWalker(_ScalarIntCanonicalization(ctx)).rewrite_region(region)
        before = sum(1 for _ in region.walk())
        cse(region)
        if sum(1 for _ in region.walk()) == before:
            break


_Links = tuple[tuple[SSAValue, ...], tuple[object, ...], tuple[int, ...]]


def _links(op: Operation) -> _Links:
    """An op's operands, what a pattern sees of each (`_const_key`), its results' uses."""
    operands = tuple(op.operands)
    return (
        operands,
        tuple(_const_key(v) for v in operands),
        tuple(r.uses.get_length() for r in op.results),
    )


def _const_key(v: SSAValue) -> object:
    """What a pattern can see of an operand defined by a constant: its value and type
    (None for any other operand)."""
    owner = v.owner
    if isinstance(owner, arith.ConstantOp):
        return (owner.value, v.type)
    return None


def _exposed_dead(erased: Operation) -> bool:
    """Whether erasing `erased` left one of its operands' producers without uses and
    free of side effects (dead code a further CSE would erase)."""
    for v in erased.operands:
        owner = v.owner
        if isinstance(owner, Operation) and owner.parent is not None and is_trivially_dead(owner):
            return True
    return False


def _changed(op: Operation, links: _Links) -> bool:
    """Whether CSE changed `op` in a way a rewrite pattern can see: an operand that is
    now another value (other than a constant of the same value), two operands that are
    now one value, or results that lost all their uses."""
    operands, keys, uses = links
    now = tuple(op.operands)
    if now != operands:
        for old, key, new in zip(operands, keys, now, strict=True):
            if old is not new and (key is None or _const_key(new) != key):
                return True
        if len(set(now)) != len(set(operands)):
            return True
    return any(n and not r.uses for n, r in zip(uses, op.results, strict=True))
