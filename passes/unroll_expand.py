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

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import IntegerAttr, ModuleOp
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

from ptoc.diagnostics import op_error
from ptoc.dialects import int_semantics
from ptoc.dialects.pto import UnrollOp, YieldOp
from ptoc.passes.index_builders import const_index, is_scalar_int_arith

DEFAULT_MAX_OPS = 1_000_000


@dataclass(frozen=True)
class UnrollExpandPass(ModulePass):
    """Expand every `pto.unroll` into one copy of its body per iteration.

    Options:

    * `max_ops=N` (default 1000000): refuse, with a diagnostic naming the unroll, to
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
    """Replace `unroll` by one copy of its body per iteration; return the new ops."""
    body: Block = unroll.body.block
    term = body.last_op
    loc = unroll.location
    index_name = unroll.index.name_hint
    carried: list[SSAValue] = list(unroll.iter_args)
    created: list[Operation] = []
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
                and isinstance(val, IntegerAttr)
                and not int_semantics.in_range(val.value.data, bits)
            ):
                new = arith.ConstantOp(
                    IntegerAttr(int_semantics.wrap(val.value.data, bits), op.result.type)
                )
                rewriter.replace_op(op, new)
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
        rewriter.replace_op(op, arith.ConstantOp(IntegerAttr(folded, op.results[0].type)))
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


def simplify_index_arith(ctx: Context, region: Region) -> None:
    """Canonicalize the integer/index `arith` ops of `region` and CSE it, to a fixed
    point: the rewrite walker iterates until no pattern applies; CSE runs after it,
    and the walker runs again only when CSE merged ops (which can enable a fold)."""
    while True:
        PatternRewriteWalker(_ScalarIntCanonicalization(ctx)).rewrite_region(region)
        before = sum(1 for _ in region.walk())
        cse(region)
        if sum(1 for _ in region.walk()) == before:
            break
