"""Which values does a `pto.range` carry from one iteration into the next, and how?

This is the analysis behind `pto-check-carried` (and a building block for
`pto-auto-coarsen`). It classifies every iter_arg of a runtime loop by asking, for
every path through one iteration of the body, how the value the body yields
(*outgoing*) relates to the value it received (*incoming*).

Paths and dependence
--------------------
A *path* is a choice of branch at every decision point inside the body: the two
branches of an `scf.if` with results, and "runs no iterations" / "runs at least
once" for a nested `pto.range` / `scf.for` whose trip count is not a known constant
(a zero-trip loop passes its initial values through, exactly like an untaken branch).
Along one path the outgoing value of iter_arg `k` is

* **pass**: the incoming value itself (`scf.yield %mi` when the gate is false);
* **dep**: computed from the incoming value (`li = a * li + e`);
* **fresh**: computed without it (loaded or built from scratch).

"Computed from" is transitive SSA data dependence: an op's results depend on all of
its operands (so the results of an `scf.if` also depend on its condition, and the
results of a loop on its bounds), the results of an `scf.if` depend on the values its
taken branch yields, and the results of a nested loop depend on its initial values
through its own iter_args (a fixed point over the nested loop's carries; the branch
choices made *inside* a nested loop may differ from one of its iterations to the
next, so they are not part of the outer path). The path classification is about SSA
values; carries through memory are found separately, for batch loops
(`memory_carries`, below).

Masks and slices: a `pto.select %m, %a, %b` is a choice per lane, decided like an
`scf.if` on `%m` (its lanes are the two paths): `select(m, v, acc)` with a fresh `v`
keeps the carried tile on some lanes and recomputes it on the others (the leak shape),
while a masked update `select(m, f(acc), acc)` is a reduction; an `arith.select` on a
scalar condition is decided the same way (a choice of the whole value). A `tensor.insert_slice`
into the carried tile is a partial update: it depends on the incoming tile (a
reduction: legal in an unmarked loop, a carry across batches in a batch loop). Memory
accesses are `pto.store` / `pto.store_valid` / `pto.write` and `pto.load` /
`pto.load_valid` / `pto.read`, through `memref` views mapped to the viewed tensor. An
atomic add does not overwrite what it adds to, so it never hides an earlier batch's
value from a later read; a memref the analysis cannot place (an `scf.if` result, a
loop's memref iter_arg) may be any tensor, so its accesses against another memref's
are undecided, not disjoint.

Kinds
-----
* `reduction`: every path is pass or dep, i.e. the outgoing value always derives from
  the incoming one (`li = a * li + e`; an `scf.if` that updates on one branch and
  passes through on the other is still a reduction). `invariant` is set when every
  path is a pure pass-through (the value never changes). Legal.
* `reset`: every path is fresh *and* the incoming value is not *read*: no side
  effect of the body (a store; the condition of an `scf.if`, or the bounds of a loop,
  that has no results) and no other iter_arg's yielded value depends on it on any
  path. (Its block argument may still have uses that lead nowhere, e.g. as the
  initial value of a nested loop's own reset carry; dropping the carry replaces them
  by the loop's initial value.) Nothing crosses iterations; the carry is needless and
  makes every iteration share one buffer. Legal, warned about; droppable when the
  loop's result is unused.
* `forward`: every path is fresh but the incoming value *is* read (e.g. stored, or
  feeding another carry): iteration i+1 reads what iteration i produced, like a
  software-pipelined prefetch. Not droppable without changing the program. Legal.
* `leak`: some path is fresh and another is pass (or dep): under some gate the value
  is recomputed from scratch, under the other it survives from the previous
  iteration, so iteration i+1 can observe iteration i's state. An error. This
  includes "updated on one path, restarted on another" (a segmented reduction): the
  IR cannot tell that intent from the hazard, so such a carry must be marked intended.

The kinds are decided per iter_arg: "depends on the incoming value" means on *its
own* incoming value; a carry computed only from other carries' incoming values is
fresh for itself (and makes those other carries *read*).

Batch loops
-----------
A loop is a *batch loop* when its iterations stand for distinct tasks: the loop that
`pto-spmd-coarsen` creates over the G tasks of a group carries the unit attribute
`{pto.batch}`, and an author may put it on any `pto.range`, `scf.for` or `pto.unroll`
by hand. That is a statement about meaning, so it holds whatever the loop op, its
nesting (e.g. inside a one-trip `pto.range`) or the source of the batch index (a
`pto.read` of a table): nothing is inferred from the shape of the index arithmetic.
In a batch loop every carry that crosses iterations is an error (one task must not
observe another's state): a value carry (reduction, forward, leak) and a *memory
carry*, a store in one iteration that a later iteration reads at an overlapping index
(decided with `ptoc.passes.index_expr`: proved absent, a witness, or undecided). A
batch loop inside another loop of the task is interleaved with that loop's
iterations: a store of batch j1 in an earlier outer iteration read by batch j2 != j1
in a later one is a memory carry too (an outer loop whose trip count is unknown makes
every such pair undecided).

A loop that is not marked runs over one task's own data: its reductions and
forwards are legal. Where a value it carries has the leak shape (passed through
unchanged on one path, recomputed from scratch on another) the analysis reports it
as a warning, since the loop may stand for tasks without saying so.

`intended_carries(loop)` reads `{pto.intended_carry = [k, ...]}`: the iter_arg
*positions* (0 is the first iter_arg) whose carry is intended (SSA names are cosmetic
and are rejected).

`analyze_loop(loop)` returns the findings as data (`CarryFinding`: value, loop, gate,
paths, kind); `pto-check-carried` renders them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    IntegerAttr,
    StringAttr,
    TensorType,
    UnitAttr,
)
from xdsl.ir import Attribute, Block, BlockArgument, Operation, OpResult, SSAValue
from xdsl.traits import IsTerminator

from ptoc.diagnostics import location_of, op_error
from ptoc.dialects.pto import LoadOp, RangeOp, ReadOp, SpmdOp, StoreOp, UnrollOp
from ptoc.dialects.pto_tiles import LoadValidOp, SelectOp, StoreValidOp, WriteOp
from ptoc.passes.index_expr import (
    DEFAULT_MAX_POINTS,
    LOOP,
    OPAQUE,
    TASK,
    UNIFORM,
    WRITE_OPS,
    Access,
    BoolOp,
    Cmp,
    Cond,
    Expr,
    IndexBuilder,
    LoopVar,
    Var,
    Verdict,
    add,
    base_memref,
    const,
    unmodelled_memref,
    decide,
    map_vars,
    mul,
    var,
)

REDUCTION = "reduction"
RESET = "reset"
LEAK = "leak"
FORWARD = "forward"
KINDS = (REDUCTION, RESET, LEAK, FORWARD)

INTENDED_CARRY_ATTR = "pto.intended_carry"

_MAX_OUTCOMES = 64
"""Beyond this many outcomes per value, outcomes with equal dependence are merged
(keeping only the decisions they share: an over-approximation of the paths)."""

_MAX_FIXPOINT_ROUNDS = 64

Loop = RangeOp | UnrollOp | scf.ForOp
_Decision = tuple[Operation, bool]
_Path = frozenset[_Decision]


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Decision:
    """One branch choice on a path: `taken` is the `scf.if` condition's value, or for a
    loop whether it runs at least once."""

    op: Operation
    taken: bool

    def describe(self) -> str:
        """`%gate is false`, or `pto.range %s at f:3:5 runs no iterations`."""
        if isinstance(self.op, scf.IfOp):
            return f"{cond_name(self.op)} is {'true' if self.taken else 'false'}"
        if isinstance(self.op, SelectOp):
            return (
                f"{mask_name(self.op)} is {'true' if self.taken else 'false'} "
                f"(on the lanes of the pto.select at {location_of(self.op) or '?'})"
            )
        if isinstance(self.op, arith.SelectOp):
            return (
                f"{select_cond_name(self.op)} is {'true' if self.taken else 'false'} "
                f"(the arith.select at {location_of(self.op) or '?'})"
            )
        what = _loop_name(self.op)
        return f"{what} {'runs at least once' if self.taken else 'runs no iterations'}"


@dataclass(frozen=True)
class CarryInfo:
    """The classification of iter_arg `index` of `loop`."""

    loop: Operation
    index: int
    name: str
    """The iter_arg's SSA name without `%` (`mi`), or `#index` when it has none."""
    kind: str
    """One of `reduction`, `reset`, `forward`, `leak`."""
    observed: bool
    """The incoming value is read: some side effect of the body (a store, the condition
    of an `scf.if` or the bounds of a loop without results), or the yielded value of
    another iter_arg, depends on it on some path. (An unobserved block argument may
    still have uses, e.g. as the initial value of a nested loop's reset carry.)"""
    live_out: bool
    """The loop's result for this iter_arg has a use after the loop."""
    invariant: bool = False
    """(reduction) the value is passed through unchanged on every path."""
    gate: Operation | None = None
    """(leak) the `scf.if` (or maybe-empty loop) whose choice separates the two paths."""
    passed_unchanged: bool = False
    """(leak) on `kept_path` the incoming value is passed through unchanged (else it is
    updated from it)."""
    kept_path: tuple[Decision, ...] = ()
    """(leak) a path on which the incoming value survives."""
    fresh_path: tuple[Decision, ...] = ()
    """(leak) a path on which the value is recomputed from scratch."""
    kept_when: str = ""
    """(leak) `when %gate is false`: the condition of `kept_path`."""
    fresh_when: str = ""
    """(leak) `when true`: the condition of `fresh_path` (relative to `kept_when`)."""
    path: str = ""
    """(leak) the two paths in words: `when %gate is false, %mi is passed through
    unchanged; when true, it is recomputed from scratch`."""

    @property
    def crosses_iterations(self) -> bool:
        """Does iteration i+1 observe a value that iteration i produced?"""
        return self.kind in (LEAK, FORWARD) or (self.kind == REDUCTION and not self.invariant)

    @property
    def legal(self) -> bool:
        return self.kind != LEAK


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class _Out:
    """How a value relates to the tracked iter_args along the paths in `path`."""

    path: _Path
    deps: frozenset[int]
    ident: int | None
    inner: tuple[_Decision, ...] = field(default=(), compare=False, hash=False)


_EMPTY_PATH: _Path = frozenset()
_FRESH = _Out(_EMPTY_PATH, frozenset(), None)
_TRIVIAL: frozenset[_Out] = frozenset({_FRESH})


def _compatible(a: _Path, b: _Path) -> bool:
    if len(a) > len(b):
        a, b = b, a
    return all((op, not taken) not in b for op, taken in a)


def _merge_inner(a: tuple[_Decision, ...], b: tuple[_Decision, ...]) -> tuple[_Decision, ...]:
    if not b:
        return a
    if not a:
        return b
    return tuple(dict.fromkeys(a + b))[:8]


def _cap(outs: Iterable[_Out]) -> frozenset[_Out]:
    result = frozenset(outs)
    if len(result) <= _MAX_OUTCOMES:
        return result
    groups: dict[tuple[frozenset[int], int | None], list[_Out]] = {}
    for o in result:
        groups.setdefault((o.deps, o.ident), []).append(o)
    merged: list[_Out] = []
    for (deps, ident), members in groups.items():
        common: _Path = members[0].path
        for m in members[1:]:
            common = common & m.path
        merged.append(_Out(common, deps, ident, members[0].inner))
    return frozenset(merged)


def _combine(sets: Sequence[frozenset[_Out]]) -> frozenset[_Out]:
    """Outcomes of a value computed from values with outcome sets `sets`."""
    acc: frozenset[_Out] = _TRIVIAL
    for s in sets:
        if s == _TRIVIAL:
            continue
        new: set[_Out] = set()
        for a in acc:
            for b in s:
                if _compatible(a.path, b.path):
                    new.add(
                        _Out(a.path | b.path, a.deps | b.deps, None, _merge_inner(a.inner, b.inner))
                    )
        acc = _cap(new)
    return acc


def _guard(
    values: frozenset[_Out], control: frozenset[_Out], decision: _Decision | None
) -> frozenset[_Out]:
    """`values` as seen after a choice controlled by `control` (keeps identity)."""
    extra: _Path = frozenset({decision}) if decision is not None else _EMPTY_PATH
    out: set[_Out] = set()
    for c in control:
        cpath = c.path | extra
        if decision is not None and (decision[0], not decision[1]) in c.path:
            continue
        for v in values:
            if not _compatible(cpath, v.path):
                continue
            out.add(_Out(cpath | v.path, c.deps | v.deps, v.ident, _merge_inner(c.inner, v.inner)))
    return _cap(out)


def _strip(values: frozenset[_Out], loop: Operation) -> frozenset[_Out]:
    """Forget the decisions made inside `loop` (they differ between its iterations)."""
    out: set[_Out] = set()
    for v in values:
        inside = [d for d in v.path if d[0] is not loop and loop.is_ancestor(d[0])]
        if not inside:
            out.add(v)
            continue
        out.add(
            _Out(v.path.difference(inside), v.deps, v.ident, _merge_inner(v.inner, tuple(inside)))
        )
    return _cap(out)


# --------------------------------------------------------------------------- helpers


def constant_int(v: SSAValue) -> int | None:
    """The value of an integer/index `arith.constant`, else None."""
    owner = v.owner
    if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
        return owner.value.value.data
    return None


def static_trip_count(op: Operation) -> int | None:
    """Trip count of a `pto.unroll`, or of a `pto.range`/`scf.for` with constant bounds."""
    if isinstance(op, UnrollOp):
        return op.trip_count
    if isinstance(op, (RangeOp, scf.ForOp)):
        lb, ub, step = constant_int(op.lb), constant_int(op.ub), constant_int(op.step)
        if lb is None or ub is None or step is None or step <= 0:
            return None
        return max(0, math.ceil((ub - lb) / step))
    return None


def value_name(v: SSAValue) -> str:
    """`%name` of a value, or a description when it has no name."""
    if v.name_hint:
        return f"%{v.name_hint}"
    if isinstance(v, OpResult):
        return f"result #{v.index} of {v.op.name}"
    if isinstance(v, BlockArgument):
        return f"block argument #{v.index}"
    return "an unnamed value"


def cond_name(op: scf.IfOp) -> str:
    """`%gate`, the name of the condition of an `scf.if`."""
    if op.cond.name_hint:
        return f"%{op.cond.name_hint}"
    return f"the condition of the scf.if at {location_of(op) or '?'}"


def mask_name(op: SelectOp) -> str:
    """`%m`, the name of the mask of a `pto.select`."""
    if op.mask.name_hint:
        return f"%{op.mask.name_hint}"
    return "its mask"


def select_cond_name(op: arith.SelectOp) -> str:
    """`%c`, the name of the condition of an `arith.select`."""
    if op.cond.name_hint:
        return f"%{op.cond.name_hint}"
    return "its condition"


def _loop_name(op: Operation, with_loc: bool = True) -> str:
    idx = op.regions[0].block.args[0] if op.regions and op.regions[0].blocks else None
    name = f" %{idx.name_hint}" if idx is not None and idx.name_hint else ""
    loc = location_of(op) if with_loc else None
    return f"{op.name}{name}" + (f" at {loc}" if loc else "")


def loop_description(op: Operation, with_loc: bool = True) -> str:
    """`pto.range %j at f.mlir:12:5` (or just `pto.range %j`)."""
    return _loop_name(op, with_loc)


def carry_name(op: Operation, k: int) -> str:
    arg = op.regions[0].block.args[k + 1]
    if arg.name_hint:
        return arg.name_hint
    res = op.results[k] if k < len(op.results) else None
    if res is not None and res.name_hint:
        return res.name_hint
    return f"#{k}"


def _loop_parts(op: Loop) -> tuple[Block, Sequence[SSAValue], Sequence[SSAValue]]:
    """(body block, initial values, yielded values) of a loop with iter_args."""
    block = op.body.block
    term = block.last_op
    yielded: Sequence[SSAValue] = term.operands if term is not None else ()
    return block, op.iter_args, yielded


# --------------------------------------------------------------------------- evaluator


class _Evaluator:
    """Abstract interpretation of a body: the outcome set of every SSA value."""

    def __init__(self, env: dict[SSAValue, frozenset[_Out]]):
        self.env = env
        self.read: set[int] = set()
        """Tracked iter_args that reach a side effect (a store, a branch condition or loop
        bound of an op without results, an op the analysis does not model)."""

    def sink(self, values: Iterable[SSAValue]) -> None:
        for v in values:
            for o in self.get(v):
                self.read |= o.deps

    def get(self, v: SSAValue) -> frozenset[_Out]:
        return self.env.get(v, _TRIVIAL)

    def run_block(self, block: Block) -> None:
        for op in block.ops:
            self.run_op(op)

    def run_op(self, op: Operation) -> None:
        if op.has_trait(IsTerminator):
            return  # read by the op that owns the block
        if isinstance(op, scf.IfOp):
            if not op.results:
                self.sink([op.cond])
            self._if(op)
        elif isinstance(op, SelectOp):
            self._select(op)
        elif isinstance(op, arith.SelectOp):
            self._arith_select(op)
        elif isinstance(op, (RangeOp, UnrollOp, scf.ForOp)):
            if not op.results and not isinstance(op, UnrollOp):
                self.sink([op.lb, op.ub, op.step])
            self._loop(op)
        elif op.regions:
            self._opaque(op)
        elif not op.results:
            self.sink(op.operands)
        else:
            res = _combine([self.get(o) for o in op.operands])
            for r in op.results:
                self.env[r] = res

    def _if(self, op: scf.IfOp) -> None:
        cond = self.get(op.cond)
        results: list[set[_Out]] = [set() for _ in op.results]
        for region, taken in ((op.true_region, True), (op.false_region, False)):
            if not region.blocks:
                continue
            block = region.block
            self.run_block(block)
            term = block.last_op
            if term is None or len(term.operands) != len(op.results):
                continue
            for i, v in enumerate(term.operands):
                results[i] |= _guard(self.get(v), cond, (op, taken))
        for r, s in zip(op.results, results, strict=False):
            self.env[r] = _cap(s)

    def _select(self, op: SelectOp) -> None:
        """A lane-wise choice: like an `scf.if` per lane, so a carried tile kept on the
        lanes where the mask is false and recomputed on the others has both outcomes
        (the leak shape), and a masked update `select(m, f(acc), acc)` is a reduction."""
        mask = self.get(op.mask)
        self.env[op.result] = _cap(
            _guard(self.get(op.lhs), mask, (op, True)) | _guard(self.get(op.rhs), mask, (op, False))
        )

    def _arith_select(self, op: arith.SelectOp) -> None:
        """A choice of one of two values on a condition, like an `scf.if` with one
        result (also a tile chosen whole on a scalar `i1`): `select(c, v, acc)` with a
        fresh `v` is the leak shape, not a reduction."""
        cond = self.get(op.cond)
        self.env[op.result] = _cap(
            _guard(self.get(op.lhs), cond, (op, True)) | _guard(self.get(op.rhs), cond, (op, False))
        )

    def _loop(self, op: Loop) -> None:
        block, inits, yielded = _loop_parts(op)
        bounds: list[frozenset[_Out]] = []
        index: frozenset[_Out] = _TRIVIAL
        if isinstance(op, (RangeOp, scf.ForOp)):
            bounds = [self.get(op.lb), self.get(op.ub), self.get(op.step)]
            index = _combine([self.get(op.lb), self.get(op.step)])
        control = _combine(bounds)
        init_sets = [self.get(v) for v in inits]
        self.env[block.args[0]] = index
        args = block.args[1:]
        state = list(init_sets)
        ys = list(init_sets)
        for _ in range(_MAX_FIXPOINT_ROUNDS):
            for a, s in zip(args, state, strict=False):
                self.env[a] = s
            self.run_block(block)
            ys = [_strip(self.get(v), op) for v in yielded]
            new = [_cap(s | y) for s, y in zip(state, ys, strict=False)]
            if new == state:
                break
            state = new
        else:  # did not converge: every carry may depend on every tracked value
            merged = _combine(state)
            ys = [merged for _ in state]
        trips = static_trip_count(op)
        for i, r in enumerate(op.results):
            if trips is not None and trips >= 1:
                self.env[r] = _guard(ys[i], control, None)
            elif trips == 0:
                self.env[r] = _guard(init_sets[i], control, None)
            else:
                self.env[r] = _cap(
                    _guard(init_sets[i], control, (op, False)) | _guard(ys[i], control, (op, True))
                )

    def _opaque(self, op: Operation) -> None:
        """An op with regions that the analysis does not model: its results depend on
        everything it uses, including values captured by its regions."""
        used: list[SSAValue] = list(op.operands)
        for inner in op.walk():
            if inner is op:
                continue
            for v in inner.operands:
                owner = v.owner
                owner_op = owner.parent_op() if isinstance(owner, Block) else owner
                if owner_op is None or not op.is_ancestor(owner_op) or owner_op is op:
                    used.append(v)
        self.sink(used)
        res = _combine([self.get(v) for v in used])
        for r in op.results:
            self.env[r] = res


# --------------------------------------------------------------------------- classification


def _order(loop: Operation) -> dict[Operation, int]:
    return {o: i for i, o in enumerate(loop.walk())}


def _sorted(path: Iterable[_Decision], order: dict[Operation, int]) -> list[_Decision]:
    return sorted(path, key=lambda d: order.get(d[0], 1 << 30))


def _conflicts(a: _Path, b: _Path) -> list[_Decision]:
    """Decisions of `a` that `b` takes the other way."""
    return [d for d in a if (d[0], not d[1]) in b]


_WitnessKey = tuple[int, int, int, list[tuple[int, bool]], list[tuple[int, bool]]]


def _leak_witness(
    kept: Sequence[_Out], fresh: Sequence[_Out], order: dict[Operation, int]
) -> tuple[_Out, _Out, _Decision | None, bool]:
    """A pair of paths (value kept, value fresh) and the decision that separates them:
    on the body's own paths if possible (`inner` False), else a decision taken inside a
    nested loop (`inner` True)."""

    def rank(path: Iterable[_Decision]) -> list[tuple[int, bool]]:
        return sorted((order.get(op, 1 << 30), not taken) for op, taken in path)

    best: tuple[_WitnessKey, _Out, _Out, _Decision | None, bool] | None = None
    for p in kept:
        for f in fresh:
            conf = _sorted(_conflicts(p.path, f.path), order)
            inner = [d for d in p.inner if (d[0], not d[1]) in f.inner]
            gate = conf[0] if conf else (inner[0] if inner else None)
            key: _WitnessKey = (
                0 if conf else 1 if inner else 2,
                len(conf),
                len(p.path) + len(f.path),
                rank(p.path),
                rank(f.path),
            )
            if best is None or key < best[0]:
                best = (key, p, f, gate, not conf and bool(inner))
    assert best is not None
    return best[1], best[2], best[3], best[4]


def _enclosing_loop(op: Operation) -> Operation | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, (RangeOp, UnrollOp, scf.ForOp)):
        parent = parent.parent_op()
    return parent


def _describe_paths(
    kept: _Out, fresh: _Out, gate: _Decision | None, inner: bool, order: dict[Operation, int]
) -> tuple[str, str]:
    """('when %gate is false', 'when true') for a leak's two paths."""
    if gate is None:
        return ("on some paths", "on others")
    if inner:
        loop = _enclosing_loop(gate[0])
        where = f" in the iterations of {_loop_name(loop)}" if loop is not None else ""
        return (
            f"when {Decision(*gate).describe()}{where}",
            f"when {Decision(gate[0], not gate[1]).describe()} in one of them",
        )
    kept_text = " and ".join(Decision(*d).describe() for d in _sorted(kept.path, order))
    diff = _sorted(fresh.path - kept.path, order)
    if (
        len(kept.path) == 1
        and len(diff) == 1
        and diff[0] == (gate[0], not gate[1])
        and isinstance(gate[0], (scf.IfOp, SelectOp, arith.SelectOp))
    ):
        fresh_text = "true" if diff[0][1] else "false"
    else:
        fresh_text = " and ".join(Decision(*d).describe() for d in diff) or "otherwise"
    return f"when {kept_text}", f"when {fresh_text}"


def leak_sentence(names: Sequence[str], kept_when: str, fresh_when: str, unchanged: bool) -> str:
    """`when %gate is false, %mi is passed through unchanged; when true, it is
    recomputed from scratch` (plural for several names)."""
    subject = _join([f"%{n}" for n in names])
    plural = len(names) > 1
    verb = ("are" if plural else "is") + (
        " passed through unchanged" if unchanged else " updated from the previous iteration's value"
    )
    pron = "they are" if plural else "it is"
    return f"{kept_when}, {subject} {verb}; {fresh_when}, {pron} recomputed from scratch"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def classify_loop(op: Loop) -> list[CarryInfo]:
    """Classify every iter_arg of a `pto.range` (also works for `pto.unroll`/`scf.for`)."""
    block, _inits, yielded = _loop_parts(op)
    env: dict[SSAValue, frozenset[_Out]] = {}
    args = block.args[1:]
    for k, a in enumerate(args):
        env[a] = frozenset({_Out(_EMPTY_PATH, frozenset({k}), k)})
    ev = _Evaluator(env)
    ev.run_block(block)
    order = _order(op)
    infos: list[CarryInfo] = []
    for k, v in enumerate(yielded):
        outs = ev.get(v)
        kept_pass = [o for o in outs if o.ident == k]
        kept_dep = [o for o in outs if o.ident != k and k in o.deps]
        fresh = [o for o in outs if k not in o.deps]
        name = carry_name(op, k)
        observed = k in ev.read or any(
            k in o.deps for j, w in enumerate(yielded) if j != k for o in ev.get(w)
        )
        live_out = k < len(op.results) and bool(op.results[k].uses)
        if not fresh:
            infos.append(
                CarryInfo(op, k, name, REDUCTION, observed, live_out, invariant=not kept_dep)
            )
        elif not kept_pass and not kept_dep:
            infos.append(CarryInfo(op, k, name, FORWARD if observed else RESET, observed, live_out))
        else:
            kept_side = kept_pass or kept_dep
            p, f, gate, inner = _leak_witness(kept_side, fresh, order)
            kept_when, fresh_when = _describe_paths(p, f, gate, inner, order)
            infos.append(
                CarryInfo(
                    op,
                    k,
                    name,
                    LEAK,
                    observed,
                    live_out,
                    gate=gate[0] if gate else None,
                    passed_unchanged=bool(kept_pass),
                    kept_path=tuple(Decision(*d) for d in _sorted(p.path, order)),
                    fresh_path=tuple(Decision(*d) for d in _sorted(f.path, order)),
                    kept_when=kept_when,
                    fresh_when=fresh_when,
                    path=leak_sentence([name], kept_when, fresh_when, bool(kept_pass)),
                )
            )
    return infos


def classify_range(op: RangeOp) -> list[CarryInfo]:
    """Classify every iter_arg of a `pto.range` (see the module docstring)."""
    return classify_loop(op)


# --------------------------------------------------------------------------- batch loops


_INDEX_ARITH = (
    arith.AddiOp,
    arith.SubiOp,
    arith.MuliOp,
    arith.DivSIOp,
    arith.DivUIOp,
    arith.FloorDivSIOp,
    arith.CeilDivSIOp,
    arith.RemSIOp,
    arith.RemUIOp,
    arith.IndexCastOp,
    arith.ConstantOp,
)


def _roots(v: SSAValue, memo: dict[SSAValue, frozenset[SSAValue]]) -> frozenset[SSAValue]:
    """Block arguments that `v` is computed from by integer/index arithmetic alone."""
    if v in memo:
        return memo[v]
    if isinstance(v, BlockArgument):
        res: frozenset[SSAValue] = frozenset({v})
    elif isinstance(v.owner, _INDEX_ARITH):
        memo[v] = frozenset()  # guard against cycles (there are none in SSA)
        acc: set[SSAValue] = set()
        for o in v.owner.operands:
            acc |= _roots(o, memo)
        res = frozenset(acc)
    else:
        res = frozenset()
    memo[v] = res
    return res


def enclosing_spmd(op: Operation) -> SpmdOp | None:
    """The `pto.spmd` whose task `op` is the outermost loop of, if any."""
    parent = op.parent_op()
    while parent is not None:
        if isinstance(parent, SpmdOp):
            return parent
        if isinstance(parent, (RangeOp, UnrollOp, scf.ForOp)):
            return None
        parent = parent.parent_op()
    return None


def batch_index(op: Operation) -> SSAValue | None:
    """A value of the body computed by index arithmetic from both the task id and the
    loop's index (`%b = %g * G + %j`), when `op` is the outermost loop of a `pto.spmd`
    task; else None. A hint only (the loop *may* iterate over batches): whether a loop
    is a batch loop is its `{pto.batch}` mark."""
    spmd = enclosing_spmd(op)
    if spmd is None or not op.regions or not op.regions[0].blocks:
        return None
    want = {spmd.task_id, op.regions[0].block.args[0]}
    memo: dict[SSAValue, frozenset[SSAValue]] = {}
    for inner in op.regions[0].walk():
        if isinstance(inner, _INDEX_ARITH) and not isinstance(inner, arith.ConstantOp):
            for r in inner.results:
                if want <= _roots(r, memo):
                    return r
    return None


def intended_carries(op: Operation) -> set[int]:
    """Positions of the iter_args that `{pto.intended_carry = [k, ...]}` marks as
    intended (0 is the first iter_arg). Verified: an entry that is not the position of
    an iter_arg is an error, and so is a name (SSA names are cosmetic)."""
    attr = op.attributes.get(INTENDED_CARRY_ATTR)
    if attr is None:
        return set()
    n = len(op.regions[0].block.args) - 1
    if isinstance(attr, DenseArrayBase):
        items: tuple[Attribute, ...] = tuple(
            IntegerAttr.from_index_int_value(int(x)) for x in attr.get_values()
        )
    elif isinstance(attr, ArrayAttr):
        items = cast("ArrayAttr[Attribute]", attr).data
    else:
        raise op_error(
            op,
            f"{INTENDED_CARRY_ATTR} must be an array of iter_arg positions, e.g. [0, 2], "
            f"got {attr}",
        )
    result: set[int] = set()
    for item in items:
        if isinstance(item, StringAttr):
            key = item.data.removeprefix("%")
            where = [k for k in range(n) if carry_name(op, k) == key]
            hint = f" (%{key} is at position {where[0]})" if len(where) == 1 else ""
            raise op_error(
                op,
                f'{INTENDED_CARRY_ATTR} names "{item.data}": name the iter_args by position '
                f"(0 is the first), since SSA names are cosmetic{hint}",
            )
        if isinstance(item, IntegerAttr):
            idx = item.value.data
            if not 0 <= idx < n:
                raise op_error(
                    op,
                    f"{INTENDED_CARRY_ATTR} position {idx} is out of range: the loop has {n} "
                    "iter_args",
                )
            result.add(idx)
        else:
            raise op_error(
                op, f"{INTENDED_CARRY_ATTR} entries must be iter_arg positions, got {item}"
            )
    return result


# --------------------------------------------------------------------------- batch loops

BATCH_ATTR = "pto.batch"
"""Unit attribute on a loop whose iterations stand for distinct tasks (see above)."""

LOOP_OPS = (RangeOp, UnrollOp, scf.ForOp)


def is_batch_loop(op: Operation) -> bool:
    """Whether `op` is marked `{pto.batch}` (verified: a unit attribute on a loop)."""
    attr = op.attributes.get(BATCH_ATTR)
    if attr is None:
        return False
    if not isinstance(attr, UnitAttr):
        raise op_error(op, f"{BATCH_ATTR} is a unit attribute ({{{BATCH_ATTR}}}), got {attr}")
    if not isinstance(op, LOOP_OPS):
        raise op_error(
            op, f"{BATCH_ATTR} marks a loop (pto.range, pto.unroll or scf.for), not {op.name}"
        )
    return True


def mark_batch_loop(op: Operation) -> None:
    """Mark `op` as a loop whose iterations stand for distinct tasks."""
    op.attributes[BATCH_ATTR] = UnitAttr()


# --------------------------------------------------------------------------- memory carries


@dataclass(frozen=True)
class MemoryCarry:
    """A store of one iteration of `loop` that a later iteration may read.

    `verdict` is the index-expression decision on "iteration k1 stores, iteration
    k2 > k1 reads an overlapping box": `race` (a witness: `iterations`, `region`),
    or `may` with its reason (`how`: `unknown-index`, `unknown-condition`,
    `undecided`)."""

    loop: Operation
    memref: SSAValue
    """The memref stored to (the viewed tensor, for a store through a view)."""
    store: Operation
    read: Operation
    verdict: Verdict

    @property
    def certain(self) -> bool:
        return self.verdict.kind == "race"


def _scope_of(op: Operation) -> SpmdOp | None:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, SpmdOp):
        parent = parent.parent_op()
    return parent


_MemOp = StoreOp | StoreValidOp | WriteOp | LoadOp | LoadValidOp | ReadOp
_READ_OPS = (LoadOp, LoadValidOp, ReadOp)


def _memory_ops(loop: Operation, scope: SpmdOp) -> list[_MemOp]:
    return [
        o
        for o in loop.walk()
        if isinstance(o, (*WRITE_OPS, *_READ_OPS)) and _scope_of(o) is scope
    ]


def _mem_of(op: _MemOp) -> SSAValue:
    """The memref `op` accesses (a view, if through one)."""
    return op.dest if isinstance(op, WRITE_OPS) else op.source


def _killed(read: LoadOp | LoadValidOp | ReadOp, ops: Sequence[_MemOp]) -> bool:
    """Whether an earlier store of the same iteration, in the same block, certainly
    overwrites every element `read` reads (same memref, same index values, a tile at
    least as large): the read then sees this iteration's value."""
    block = read.parent_block()
    if block is None:
        return False
    rt = read.result.type
    rshape = (
        tuple(int(x) for x in cast(TensorType[Attribute], rt).get_shape())
        if isinstance(rt, TensorType)
        else (1,) * len(read.indices)
    )
    for o in block.ops:
        if o is read:
            return False
        if (
            isinstance(o, (StoreOp, WriteOp))  # not store_valid: its window may be smaller
            and not (isinstance(o, StoreOp) and o.atomic is not None)  # adds, keeps the old
            and o.dest is read.source
            and tuple(o.indices) == tuple(read.indices)
        ):
            vt = o.value.type
            sshape = (
                tuple(int(x) for x in cast(TensorType[Attribute], vt).get_shape())
                if isinstance(vt, TensorType)
                else (1,) * len(o.indices)
            )
            if all(a >= b for a, b in zip(sshape, rshape, strict=True)):
                return True
    return False


def _per_iteration(
    acc: Access, counter: Var, inside: Callable[[Var], bool], order_dim: tuple[Expr, int] | None
) -> Access:
    """`acc` as a function of the iteration (`counter`, as the "task" of the decision):
    variables of the loop body stay per instance, every other per-task variable (the
    task id, outer loop counters) is shared by both iterations."""
    as_task = replace(counter, kind=TASK)

    def f(v: Var) -> Expr:
        if v == counter:
            return var(as_task)
        if v.per_instance and not inside(v):
            return var(replace(v, kind=UNIFORM))
        return var(v)

    def fc(c: Cond) -> Cond:
        if isinstance(c, Cmp):
            return Cmp(c.pred, map_vars(c.lhs, f), map_vars(c.rhs, f), c.label)
        if isinstance(c, BoolOp):
            return BoolOp(c.op, tuple(fc(a) for a in c.args))
        return c

    indices = tuple(map_vars(e, f) for e in acc.indices)
    tile = acc.tile
    if order_dim is not None:
        indices = (*indices, order_dim[0])
        tile = (*tile, order_dim[1])
    loops = tuple(
        LoopVar(lv.counter, map_vars(lv.index, f), lv.name)
        for lv in acc.loops
        if lv.counter != counter
    )
    return Access(indices, tile, tuple(fc(g) for g in acc.guards), acc.label, loops)


def memory_carries(loop: Operation, max_points: int = DEFAULT_MAX_POINTS) -> list[MemoryCarry]:
    """The stores of `loop` that a later iteration of it may read (see `MemoryCarry`);
    a pair proved not to carry is left out. Only loops inside a `pto.spmd`."""
    scope = _scope_of(loop)
    if scope is None or not isinstance(loop, LOOP_OPS):
        return []
    builder = IndexBuilder(scope)
    ops = _memory_ops(loop, scope)
    stores = [o for o in ops if isinstance(o, WRITE_OPS)]
    if not stores:
        return []
    lv, trip = builder.loop(loop)
    accesses: dict[Operation, Access | str | None] = {}
    for o in ops:
        a = builder.memory_access(o)
        # in the coordinates of the tensor a view is of, or why not
        accesses[o] = None if a is None else builder.base_access(_mem_of(o), a)
    if lv is None:
        # a loop whose step is not a positive constant: its iterations are not modelled
        counter = Var(-1, LOOP, 0, "?", 0, None)
    else:
        counter = lv.counter
    loops_by_key = builder.loop_of_counter()
    values_by_key = builder.value_of_key()

    # The loops of the task around the batch loop: their iterations interleave the
    # batches, so a store of batch j1 in an earlier iteration of them is read by batch
    # j2 in a later one whatever j1 and j2 are. Their counters (and the values computed
    # inside them) differ between the two accesses, and the order of two accesses is
    # the lexicographic order of (outer counters..., batch counter).
    enclosing: list[Operation] = []
    p = loop.parent_op()
    while p is not None and p is not scope:
        if isinstance(p, LOOP_OPS):
            enclosing.append(p)
        p = p.parent_op()
    enclosing.reverse()
    top = enclosing[0] if enclosing else loop
    outer_counters: list[tuple[Var, int]] = []
    unordered: str | None = None
    for o in enclosing:
        olv, _otrip = builder.loop(o)
        if olv is None or olv.counter.hi is None:
            unordered = (
                f"the batches run inside {loop_description(o)}, whose iterations are not "
                "modelled (a trip count unknown at compile time, or a step that is not a "
                "positive constant), so the order of two batches' accesses is unknown"
            )
            break
        outer_counters.append((olv.counter, olv.counter.hi + 1))

    def inside(v: Var) -> bool:
        if v.kind == LOOP:
            op = loops_by_key.get(v.key)
            return op is not None and (op is top or top.is_ancestor(op))
        if v.kind == OPAQUE:
            val = values_by_key.get(v.key)
            owner = val.owner if val is not None else None
            node = owner.parent_op() if isinstance(owner, Block) else owner
            return node is not None and top.is_ancestor(node)
        return False

    span = trip if trip is not None else 1 << 40
    found: list[MemoryCarry] = []
    for st in stores:
        a_st = accesses[st]
        if a_st is None:
            continue
        for rd in ops:
            if isinstance(rd, WRITE_OPS):
                continue
            b_st, b_rd = base_memref(st.dest), base_memref(_mem_of(rd))
            if b_rd is not b_st:
                # a memref the analysis cannot place (an scf.if result, a loop's
                # memref iter_arg) may be the other one: undecided, not disjoint
                odd, other = (b_st, b_rd) if unmodelled_memref(b_st) else (b_rd, b_st)
                why = unmodelled_memref(odd)
                if why is not None and accesses[rd] is not None:
                    detail = f"{value_name(odd)} may be the same tensor as {value_name(other)}: {why}"
                    found.append(
                        MemoryCarry(loop, b_st, st, rd, Verdict("may", "undecided", detail=detail))
                    )
                continue
            a_rd = accesses[rd]
            if a_rd is None or _killed(rd, ops):
                continue
            if isinstance(a_st, str) or isinstance(a_rd, str):
                why = a_st if isinstance(a_st, str) else a_rd
                found.append(
                    MemoryCarry(
                        loop, base_memref(st.dest), st, rd,
                        Verdict("may", "undecided", detail=str(why)),
                    )
                )
                continue
            if lv is None:
                found.append(
                    MemoryCarry(
                        loop, base_memref(st.dest), st, rd,
                        Verdict("may", "undecided", detail="the loop's step is not a positive constant"),
                    )
                )
                continue
            if unordered is not None:
                found.append(
                    MemoryCarry(
                        loop, base_memref(st.dest), st, rd,
                        Verdict("may", "undecided", detail=unordered),
                    )
                )
                continue
            as_task = var(replace(counter, kind=TASK))
            # an extra dimension orders the two iterations: with the order key
            # K = (outer counters..., k) read as one mixed-radix number, the store's box
            # [K1 + 1, K1 + 1 + total) meets the read's [K2, K2 + 1) iff K1 < K2
            key, total = as_task, span
            for oc, ospan in reversed(outer_counters):
                key = add(key, mul(var(oc), const(total)))
                total *= ospan
            s_acc = _per_iteration(a_st, counter, inside, (add(key, const(1)), total))
            r_acc = _per_iteration(a_rd, counter, inside, (key, 1))
            v = decide(s_acc, r_acc, replace(counter, kind=TASK), trip, max_points=max_points)
            if v.kind != "disjoint":
                found.append(MemoryCarry(loop, base_memref(st.dest), st, rd, v))
    return found


# --------------------------------------------------------------------------- findings

BATCH_VALUE = "batch-value-carry"
"""A value carried across the iterations of a batch loop (error)."""
BATCH_MEMORY = "batch-memory-carry"
"""A store of one batch read by a later batch, or possibly so (error or warning)."""
LEAK_SHAPE = "leak-shape"
"""A carry of an unmarked loop with the leak shape (warning)."""
NEEDLESS = "needless-carry"
"""A reset carry of a `pto.range` (warning)."""


@dataclass(frozen=True)
class CarryFinding:
    """One result of `analyze_loop`, as data; `pto-check-carried` renders it.

    `value` is the carried iter_arg (its block argument) or, for a memory carry, the
    memref; `gate` the `scf.if` (or maybe-empty loop) that separates the two paths of
    a leak; `paths` the two paths in words (`("when %gate is false", "when true")`),
    or for a memory carry the store and the read (`("store at f:3:5", "load at
    f:4:5")`); `kind` one of `BATCH_VALUE`, `BATCH_MEMORY`, `LEAK_SHAPE`, `NEEDLESS`;
    `severity` `error` or `warning`."""

    kind: str
    severity: str
    loop: Operation
    value: SSAValue
    gate: Operation | None = None
    paths: tuple[str, str] = ("", "")
    carry: CarryInfo | None = None
    memory: MemoryCarry | None = None


def _iter_arg(loop: Operation, k: int) -> SSAValue:
    return loop.regions[0].block.args[k + 1]


def analyze_loop(
    loop: Operation, max_points: int = DEFAULT_MAX_POINTS
) -> list[CarryFinding]:
    """The carry findings of one loop (`pto.range`, `scf.for`, `pto.unroll`)."""
    if not isinstance(loop, LOOP_OPS):
        return []
    batch = is_batch_loop(loop)
    intended = intended_carries(loop)
    infos = [i for i in classify_loop(loop) if i.index not in intended]
    out: list[CarryFinding] = []
    for i in infos:
        value = _iter_arg(loop, i.index)
        if batch and i.crosses_iterations:
            out.append(
                CarryFinding(
                    BATCH_VALUE, "error", loop, value, i.gate, (i.kept_when, i.fresh_when), i
                )
            )
        elif not batch and i.kind == LEAK and i.passed_unchanged:
            out.append(
                CarryFinding(
                    LEAK_SHAPE, "warning", loop, value, i.gate, (i.kept_when, i.fresh_when), i
                )
            )
        elif i.kind == RESET and isinstance(loop, RangeOp):
            out.append(CarryFinding(NEEDLESS, "warning", loop, value, carry=i))
    if batch:
        for m in memory_carries(loop, max_points):
            sev = (
                "error"
                if m.verdict.kind == "race" or m.verdict.how == "undecided"
                else "warning"
            )
            paths = (
                f"{m.store.name} at {location_of(m.store) or '?'}",
                f"{m.read.name} at {location_of(m.read) or '?'}",
            )
            out.append(CarryFinding(BATCH_MEMORY, sev, loop, m.memref, None, paths, memory=m))
    return out


__all__ = [
    "BATCH_ATTR",
    "BATCH_MEMORY",
    "BATCH_VALUE",
    "FORWARD",
    "LEAK_SHAPE",
    "NEEDLESS",
    "CarryFinding",
    "MemoryCarry",
    "analyze_loop",
    "is_batch_loop",
    "mark_batch_loop",
    "memory_carries",
    "INTENDED_CARRY_ATTR",
    "KINDS",
    "LEAK",
    "REDUCTION",
    "RESET",
    "CarryInfo",
    "Decision",
    "batch_index",
    "classify_loop",
    "classify_range",
    "cond_name",
    "constant_int",
    "select_cond_name",
    "enclosing_spmd",
    "intended_carries",
    "leak_sentence",
    "loop_description",
    "static_trip_count",
    "value_name",
]
