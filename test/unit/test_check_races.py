"""Index expressions (`ptoc.passes.index_expr`) and the race check built on them.

The algebra is checked against plain Python integer semantics, and the disjointness
decision against brute-force enumeration of every task pair and loop value: a
"disjoint" verdict must never have an overlapping pair, a "race" witness must really
overlap, and with exhaustive enumeration the verdict is exact.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.dialects.pto import SpmdOp
from ptoc.passes.check_races import check_scope
from ptoc.passes.index_expr import (
    LOOP,
    TASK,
    UNIFORM,
    Access,
    App,
    BoolConst,
    Cmp,
    Div,
    Expr,
    LoopVar,
    Rem,
    Var,
    atom,
    bounds,
    const,
    decide,
    eval_int,
    floordiv,
    map_vars,
    mod,
    prove_disjoint,
    rename,
    truncdiv,
    truncrem,
    var,
)

# --------------------------------------------------------------------------- helpers


def task_var(n: int | None) -> Var:
    return Var(1, TASK, 0, "t", 0, None if n is None else n - 1)


def loop_var(trip: int, key: int = 2, name: str = "k") -> Var:
    return Var(key, LOOP, 0, name, 0, trip - 1)


def tdiv(x: int, c: int) -> int:
    q = abs(x) // c
    return q if x >= 0 else -q


def trem(x: int, c: int) -> int:
    return x - c * tdiv(x, c)


# --------------------------------------------------------------------------- algebra


def test_normal_form_of_grouped_task_ids() -> None:
    g = var(Var(1, TASK, 0, "g", 0, 15))
    # (2g + 1) floordiv 16 and (2g) floordiv 16 are both g floordiv 8
    assert floordiv(2 * g + 1, 16) == floordiv(2 * g, 16) == floordiv(g, 8)
    assert mod(2 * g + 1, 16) == 2 * mod(g, 8) + 1
    # multiples of the divisor come out of the division
    assert floordiv(64 * g + 3, 64) == g
    assert mod(64 * g + 3, 64) == const(3)
    # nested divisions combine
    assert floordiv(floordiv(g, 2), 4) == floordiv(g, 8)
    assert mod(mod(g, 8), 4) == mod(g, 4)
    # a value known to lie within one block
    j = var(loop_var(4, 3, "j"))
    assert floordiv(j, 4) == const(0)
    assert mod(j, 4) == j
    assert mod(j + 4, 4) == j


def test_truncating_division_of_nonnegative_values_is_floor() -> None:
    t = var(task_var(64))
    assert truncdiv(t, 16) == floordiv(t, 16)
    assert truncrem(t, 16) == mod(t, 16)
    u = var(Var(9, UNIFORM, 0, "u"))
    assert isinstance(next(iter(truncdiv(u, 4).terms))[0], Div)
    assert isinstance(next(iter(truncrem(u, 4).terms))[0], Rem)
    assert bounds(truncrem(u, 4)) == (-3, 3)


def test_bounds() -> None:
    t = var(task_var(32))
    assert bounds(64 * floordiv(t, 16)) == (0, 64)
    assert bounds(64 * mod(t, 16)) == (0, 960)
    assert bounds(var(task_var(None))) == (0, None)
    assert bounds(var(Var(9, UNIFORM, 0, "u"))) == (None, None)


def test_rename_keeps_uniform_values() -> None:
    t = var(task_var(8))
    u = var(Var(9, UNIFORM, 0, "u"))
    e = t + u
    d = rename(e, 2) - rename(e, 1)
    assert all(isinstance(a, Var) and a.kind == TASK for a, _ in d.terms)
    assert str(e) == "t + u"


# random expression trees: (Expr, python function of (t, k)) pairs

Fn = Callable[[int, int], int]
Tree = tuple[Expr, Fn]


# A tree is drawn as a recipe (nested tuples naming the task index "t", the loop index
# "k", constants and operators), from one strategy built once: building a recursive
# strategy per example (it depends on the task count and trip) made hypothesis validate
# it afresh every draw, which was most of these tests' time. `realize` turns a recipe
# into the (Expr, function) pair for a given task count and trip.

_LEAVES = st.one_of(st.just(("t",)), st.just(("k",)), st.integers(-5, 70).map(lambda c: ("c", c)))
_CS = st.integers(1, 20)


def _extend(children: st.SearchStrategy[tuple]) -> st.SearchStrategy[tuple]:  # type: ignore[type-arg]
    return st.one_of(
        st.tuples(st.just("add"), children, children),
        st.tuples(st.just("sub"), children, children),
        st.tuples(st.just("scale"), children, st.integers(-8, 70)),
        st.tuples(st.just("fdiv"), children, _CS),
        st.tuples(st.just("fmod"), children, _CS),
        st.tuples(st.just("tdiv"), children, _CS),
        st.tuples(st.just("trem"), children, _CS),
        st.tuples(st.just("prod"), children, children),
    )


RECIPES = st.recursive(_LEAVES, _extend, max_leaves=8)


def realize(recipe: tuple, n: int, trip: int) -> Tree:  # type: ignore[type-arg]
    t, k = var(task_var(n)), var(loop_var(trip))

    def go(r: tuple) -> Tree:  # type: ignore[type-arg]
        kind = r[0]
        if kind == "t":
            return t, lambda a, b: a
        if kind == "k":
            return k, lambda a, b: b
        if kind == "c":
            c = r[1]
            return const(c), lambda a, b, c=c: c
        x = go(r[1])
        if kind in ("add", "sub", "prod"):
            y = go(r[2])
            if kind == "add":
                return x[0] + y[0], lambda a, b: x[1](a, b) + y[1](a, b)
            if kind == "sub":
                return x[0] - y[0], lambda a, b: x[1](a, b) - y[1](a, b)
            return x[0] * y[0], lambda a, b: x[1](a, b) * y[1](a, b)
        c = r[2]
        if kind == "scale":
            return x[0] * c, lambda a, b: x[1](a, b) * c
        if kind == "fdiv":
            return floordiv(x[0], c), lambda a, b: x[1](a, b) // c
        if kind == "fmod":
            return mod(x[0], c), lambda a, b: x[1](a, b) % c
        if kind == "tdiv":
            return truncdiv(x[0], c), lambda a, b: tdiv(x[1](a, b), c)
        assert kind == "trem"
        return truncrem(x[0], c), lambda a, b: trem(x[1](a, b), c)

    return go(recipe)


def trees(n: int, trip: int) -> st.SearchStrategy[Tree]:
    return RECIPES.map(lambda r: realize(r, n, trip))


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_algebra_matches_integer_semantics(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 40))
    trip = data.draw(st.integers(1, 6))
    e, f = data.draw(trees(n, trip))
    t, k = task_var(n), loop_var(trip)
    lo, hi = bounds(e)
    for a in range(n):
        for b in range(trip):
            want = f(a, b)
            assert eval_int(e, {t: a, k: b}) == want, str(e)
            assert lo is None or lo <= want
            assert hi is None or want <= hi


# --------------------------------------------------------------------------- decisions


def acc(indices: tuple[Expr, ...], tile: tuple[int, ...], *loops: Var, guards: tuple = ()) -> Access:  # type: ignore[type-arg]
    return Access(indices, tile, guards, "store", tuple(LoopVar(v, var(v), v.name) for v in loops))


def test_kv_score_proj_pattern_is_disjoint_symbolically() -> None:
    tv = task_var(32)
    t = var(tv)
    a = acc((64 * floordiv(t, 16), 64 * mod(t, 16)), (64, 64))
    assert prove_disjoint(a, a, tv)
    assert decide(a, a, tv, 32).how == "symbolic"
    # the same for every task count
    tn = task_var(None)
    an = acc((64 * floordiv(var(tn), 16), 64 * mod(var(tn), 16)), (64, 64))
    assert decide(an, an, tn, None).kind == "disjoint"


def test_coarsened_forms_are_disjoint() -> None:
    for g_count, group in ((32, 2), (16, 4)):
        gv = task_var(g_count)
        j = loop_var(group, 3, "j")
        hb = loop_var(8, 4, "hb")
        b = group * var(gv) + var(j)
        a = acc((b, 64 * var(hb)), (1, 64), j, hb)
        assert decide(a, a, gv, g_count).how == "symbolic"
        # after unroll-expand: one store per j value
        stores = [acc((group * var(gv) + jj, 64 * var(hb)), (1, 64), hb) for jj in range(group)]
        for s1, s2 in itertools.combinations_with_replacement(stores, 2):
            assert decide(s1, s2, gv, g_count).kind == "disjoint"


def test_off_by_one_tile_is_a_race_with_witness() -> None:
    tv = task_var(15)
    a = acc((const(0), 64 * var(tv)), (1, 65))
    v = decide(a, a, tv, 15)
    assert v.kind == "race"
    assert v.witness is not None
    assert v.witness.tasks == (0, 1)
    assert v.witness.region == ("0", "64")


def test_distinct_rows_assertion() -> None:
    tv = task_var(64)
    p = loop_var(4, 3, "p")

    def page(distinct: bool) -> Expr:
        return atom(App("read#7", (var(tv), const(0)), distinct, "block_table", True))

    for distinct, want in ((False, "may"), (True, "disjoint")):
        a = acc((4 * page(distinct) + var(p), const(0)), (1, 1024), p)
        v = decide(a, a, tv, 64)
        assert v.kind == want
        if want == "may":
            assert v.how == "unknown-index"
            assert v.unknowns == ("block_table[t, 0] (read from memory)",)


def test_equal_reads_are_equal_values() -> None:
    # out[table[t / 2]]: tasks 0 and 1 read the same entry, so write the same row
    tv = task_var(8)
    row = atom(App("read#7", (floordiv(var(tv), 2),), False, "table", True))
    a = acc((row,), (1,))
    v = decide(a, a, tv, 8)
    assert v.kind == "race"
    assert v.witness is not None and v.witness.region == ("table[0]",)


def test_guards() -> None:
    tv = task_var(8)
    t = var(tv)
    row = floordiv(t, 2)
    # only task 0 stores: no pair of distinct tasks
    only0 = acc((row,), (1,), guards=(Cmp("eq", t, const(0)),))
    assert decide(only0, only0, tv, 8).kind == "disjoint"
    # a condition that always holds: still a race
    always = acc((row,), (1,), guards=(Cmp("slt", t, const(8)),))
    assert decide(always, always, tv, 8).kind == "race"
    # a data-dependent condition: may race
    u = var(Var(9, UNIFORM, 0, "flag"))
    maybe = acc((row,), (1,), guards=(Cmp("ne", u, const(0), "%on"),))
    v = decide(maybe, maybe, tv, 8)
    assert (v.kind, v.how, v.unknowns) == ("may", "unknown-condition", ("%on",))
    never = acc((row,), (1,), guards=(BoolConst(False),))
    assert decide(never, never, tv, 8).kind == "disjoint"


def test_undecided_when_too_many_points() -> None:
    tv = task_var(1024)
    a = acc((mod(3 * var(tv), 1024),), (1,))
    v = decide(a, a, tv, 1024)
    assert (v.kind, v.how) == ("may", "undecided")
    assert decide(a, a, tv, 1024, max_points=2_000_000).how == "enumeration"


# --------------------------------------------------------------------------- soundness


@dataclass
class Store:
    trees: list[Tree]
    tile: tuple[int, ...]


def brute_force(s1: Store, s2: Store, n: int, trip: int) -> list[tuple[int, int, int, int]]:
    hits: list[tuple[int, int, int, int]] = []
    for t1, t2 in itertools.permutations(range(n), 2):
        for k1, k2 in itertools.product(range(trip), repeat=2):
            if all(
                f1(t1, k1) < f2(t2, k2) + w2 and f2(t2, k2) < f1(t1, k1) + w1
                for (_, f1), (_, f2), w1, w2 in zip(s1.trees, s2.trees, s1.tile, s2.tile, strict=True)
            ):
                hits.append((t1, t2, k1, k2))
    return hits


def stores(n: int, trip: int, rank: int) -> st.SearchStrategy[Store]:
    return st.builds(
        Store,
        st.lists(trees(n, trip), min_size=rank, max_size=rank),
        st.tuples(*[st.integers(1, 20)] * rank),
    )


@given(st.data())
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_verdicts_agree_with_brute_force(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 10), "tasks")
    trip = data.draw(st.integers(1, 4), "trip")
    rank = data.draw(st.integers(1, 2), "rank")
    s1 = data.draw(stores(n, trip, rank), "store 1")
    same = data.draw(st.booleans(), "same store")
    s2 = s1 if same else data.draw(stores(n, trip, rank), "store 2")
    tv, kv = task_var(n), loop_var(trip)
    a1 = acc(tuple(e for e, _ in s1.trees), s1.tile, kv)
    a2 = acc(tuple(e for e, _ in s2.trees), s2.tile, kv)
    hits = brute_force(s1, s2, n, trip)
    # the symbolic argument alone must be sound
    if prove_disjoint(a1, a2, tv):
        assert not hits, f"symbolic proof contradicted by {hits[0]}"
    # exhaustive enumeration: exact
    exact = decide(a1, a2, tv, n)
    assert exact.kind == ("race" if hits else "disjoint")
    # a tiny budget (sampled search): sound both ways
    sampled = decide(a1, a2, tv, n, max_points=4)
    if sampled.kind == "disjoint":
        assert not hits
    for v in (exact, sampled):
        if v.kind == "race":
            assert v.witness is not None
            t1, t2 = v.witness.tasks
            assert any(h[0] == t1 and h[1] == t2 for h in hits)


@given(st.data())
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_sampled_grid_never_proves_disjoint(data: st.DataObject) -> None:
    """Budgets between n(n-1)L and n^2 L - 1: the grid of n^2 L points is sampled, so a
    "disjoint" verdict must come from the symbolic proof alone (issue 12, finding 1:
    the check used to call this regime exhaustive)."""
    n = data.draw(st.integers(2, 10), "tasks")
    trip = data.draw(st.integers(1, 4), "trip")
    rank = data.draw(st.integers(1, 2), "rank")
    s1 = data.draw(stores(n, trip, rank), "store 1")
    s2 = data.draw(stores(n, trip, rank), "store 2")
    tv, kv = task_var(n), loop_var(trip)
    a1 = acc(tuple(e for e, _ in s1.trees), s1.tile, kv)
    a2 = acc(tuple(e for e, _ in s2.trees), s2.tile, kv)
    grid = n * n * trip * trip
    budget = data.draw(st.integers(n * (n - 1) * trip * trip, grid - 1), "max_points")
    hits = brute_force(s1, s2, n, trip)
    v = decide(a1, a2, tv, n, max_points=budget)
    if v.kind == "disjoint":
        assert not hits, f"disjoint ({v.how}) contradicted by {hits[0]}"
    elif v.kind == "race":
        assert v.witness is not None and hits
    else:
        assert v.how == "undecided"


def test_issue_example_shifted_task_is_not_disjoint() -> None:
    """100 tasks; task t writes out[t, 60] and, at k = 60 of a 101-trip loop,
    out[(t + 37) mod 100, k]: 100 * 100 * 101 points exceed the default budget."""
    tv = task_var(100)
    kv = loop_var(101)
    t, k = var(tv), var(kv)
    row = mod(t + 37, 100)
    first = acc((t, const(60)), (1, 1))
    second = acc((row, k), (1, 1), kv, guards=(Cmp("eq", k, const(60)),))
    v = decide(first, second, tv, 100)
    assert (v.kind, v.how) == ("may", "undecided")
    assert "1010000 combinations" in v.detail
    full = decide(first, second, tv, 100, max_points=1_010_000)
    assert full.kind == "race" and full.witness is not None
    t1, t2 = full.witness.tasks
    assert (t1 + 37) % 100 == t2 or (t2 + 37) % 100 == t1


@given(st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_dynamic_count_disjoint_holds_for_every_count(data: st.DataObject) -> None:
    trip = data.draw(st.integers(1, 3), "trip")
    tv_dyn = Var(1, TASK, 0, "t", 0, None)
    kv = loop_var(trip)
    # expressions over an unbounded task id (no bounds-based simplification)
    e, f = data.draw(trees(10**9, trip))
    e = rename(e, 0)
    tile = data.draw(st.integers(1, 20))
    # rebuild with the unbounded task variable


    big = Var(1, TASK, 0, "t", 0, 10**9 - 1)
    e_dyn = map_vars(e, lambda v: var(tv_dyn) if v == big else var(v))
    a = acc((e_dyn,), (tile,), kv)
    v = decide(a, a, tv_dyn, None)
    if v.kind == "disjoint":
        s = Store([(e, f)], (tile,))
        assert not brute_force(s, s, 24, trip)


# --------------------------------------------------------------------------- IR


KERNEL = """
func.func @k(%x: memref<1x64xf32>, %bt: memref<8x4xi32>, %out: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    %half = arith.divsi %t, %c2 : index
    pto.store %v, %out[%half, %c0] : tensor<1x64xf32>, memref<64x64xf32>
    %p = pto.read %bt[%t, %c0] : memref<8x4xi32> -> i32
    %pi = arith.index_cast %p : i32 to index
    pto.store %v, %out[%pi, %c0] : tensor<1x64xf32>, memref<64x64xf32>
  }
  func.return
}
"""


def test_check_scope_findings() -> None:
    module = ptoc.parse(KERNEL, "k.mlir")
    spmd = next(op for op in module.walk() if isinstance(op, SpmdOp))
    findings = check_scope(spmd)
    kinds = [(f.severity, f.verdict.kind, f.verdict.how) for f in findings]
    assert kinds[0] == ("error", "race", "witness")
    assert findings[0].message.startswith("race: tasks 0 and 1 both write out[0, 0:64] (store at k.mlir:8:5")
    assert ("warning", "may", "unknown-index") in kinds


def test_pass_raises_located_error_and_leaves_clean_ir_alone() -> None:
    from xdsl.utils.exceptions import DiagnosticException

    module = ptoc.parse(KERNEL, "k.mlir")
    with pytest.raises(DiagnosticException, match=r"k.mlir:8:5: error: 'pto.store' op race"):
        ptoc.run_pipeline(module, "pto-check-races")


class RowTable:
    """A random table whose rows hold disjoint sets of values (the distinct-rows promise)."""

    def __init__(self, rnd: random.Random, distinct: bool):
        self.rnd = rnd
        self.distinct = distinct
        self.cells: dict[tuple[int, int], int] = {}
        self.used: dict[int, int] = {}  # value -> row

    def __call__(self, row: int, col: int) -> int:
        key = (row, col)
        if key not in self.cells:
            while True:
                v = self.rnd.randrange(-40, 40)
                if not self.distinct or self.used.setdefault(v, row) == row:
                    break
            self.cells[key] = v
        return self.cells[key]


@given(st.data(), st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reads_from_memory_agree_with_brute_force(data: st.DataObject, rnd: random.Random) -> None:
    n = data.draw(st.integers(2, 8), "tasks")
    trip = data.draw(st.integers(1, 3), "trip")
    distinct = data.draw(st.booleans(), "distinct")
    # the task id itself, as for block_table[b, ...], or any expression
    tid: Tree = (var(task_var(n)), lambda t, k: t)
    row_e, row_f = data.draw(st.one_of(st.just(tid), trees(n, trip)), "row argument")
    col_e, col_f = data.draw(trees(n, trip), "column argument")
    rest_e, rest_f = data.draw(trees(n, trip), "rest")
    c = data.draw(st.integers(-70, 70).filter(lambda x: x != 0), "coefficient")
    tile = data.draw(st.integers(1, 12), "tile")
    tv, kv = task_var(n), loop_var(trip)
    read = atom(App("read#1", (row_e, col_e), distinct, "table", True))
    a = acc((c * read + rest_e,), (tile,), kv)
    v = decide(a, a, tv, n)
    for _ in range(4):
        table = RowTable(rnd, distinct)

        def f(t: int, k: int, table: RowTable = table) -> int:
            return c * table(row_f(t, k), col_f(t, k)) + rest_f(t, k)

        hits = brute_force(Store([(a.indices[0], f)], (tile,)), Store([(a.indices[0], f)], (tile,)), n, trip)
        if v.kind == "disjoint":
            assert not hits, f"{a.indices[0]}: disjoint, but {hits[0]} overlap"
        if v.kind == "race":
            assert v.witness is not None
            assert any(h[:2] == v.witness.tasks for h in hits)


# --------------------------------------------------------------------------- atomic adds

ATOMIC = """
func.func @k(%x: memref<64x128xf32>, %acc: memref<16x1024xf32>, %o: memref<256x128xf32>) {
  pto.spmd %t = 0 to 16 {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c16 = arith.constant 16 : index
    %c128 = arith.constant 128 : index
    %n = arith.divsi %t, %c2 : index
    %n0 = arith.muli %n, %c128 : index
    %ks = arith.remsi %t, %c2 : index
    %r = arith.muli %ks, %c16 : index
    %p = pto.load %x[%r, %c0] : memref<64x128xf32> -> tensor<16x128xf32>
    pto.store %p, %acc[%c0, %n0] SECOND : tensor<16x128xf32>, memref<16x1024xf32>
    pto.store %p, %acc[%c0, %n0] atomic add : tensor<16x128xf32>, memref<16x1024xf32>
    READBACK
  }
  func.return
}
"""


def _atomic_findings(second: str, readback: str = "") -> list[str]:
    text = ATOMIC.replace("SECOND", second).replace("READBACK", readback)
    module = ptoc.parse(text, "k.mlir")
    spmd = next(o for o in module.walk() if isinstance(o, SpmdOp))
    return [f"{f.severity}: {f.message}" for f in check_scope(spmd)]


def test_atomic_adds_of_split_k_partials_do_not_race() -> None:
    # tasks 2n and 2n+1 add into the same window, through two stores: no finding
    assert _atomic_findings("atomic add") == []


def test_atomic_add_against_plain_store_is_a_race() -> None:
    got = _atomic_findings("")
    # the plain store races with itself (tasks 0, 1) and with the atomic add
    assert len(got) == 2
    assert all(g.startswith("error: race: tasks 0 and 1 both write acc[0:16, 0:128]") for g in got)
    assert "an atomic add and a plain store of one element do not commute" in got[1]


def test_atomic_add_against_a_read_in_another_task_is_a_race() -> None:
    readback = (
        "%q = pto.load %acc[%c0, %n0] : memref<16x1024xf32> -> tensor<16x128xf32>\n"
        "    %w = arith.muli %t, %c16 : index\n"
        "    pto.store %q, %o[%w, %c0] : tensor<16x128xf32>, memref<256x128xf32>"
    )
    got = _atomic_findings("atomic add", readback)
    # each of the two atomic stores against the load: tasks 0 and 1 share the window
    assert len(got) == 2
    assert got[0].startswith("error: race: task 0 atomically adds to acc[0:16, 0:128], which task 1 reads")


# --------------------------------------------------------------------------- wrap-around

# Row indices computed in narrow integer types wrap around at run time (two's
# complement, `ptoc.dialects.int_semantics`, which the interpreter runs). The check
# must analyse the wrapped values: a chain that only collides after a wrap is a race,
# and one that never collides is proved disjoint. Ground truth: the chain evaluated
# per task with the interpreter's integer functions.

_WIDTHS = (8, 16, 32)
_STEP = st.one_of(
    st.tuples(st.sampled_from(["addi", "subi", "muli"]), st.integers(-300, 70000)),
    st.tuples(st.just("shli"), st.integers(0, 20)),
    st.tuples(st.sampled_from(["divsi", "remsi", "floordivsi"]), st.integers(1, 40)),
    st.tuples(st.just("andi"), st.sampled_from([3, 15, 255, 4095])),
    st.tuples(st.sampled_from(["extsi", "extui", "trunci"]), st.sampled_from(_WIDTHS)),
)


def _chain_kernel(n: int, start: int, steps: list[tuple[str, int]], final: str) -> tuple[str, list[int]]:
    """The kernel text, and the row each task stores (by the interpreter's semantics)."""
    from ptoc.dialects import int_semantics as ints

    lines = [f"    %v0 = arith.index_cast %t : index to i{start}"]
    rows = [ints.wrap(t, start) for t in range(n)]
    bits, k = start, 0
    for name, arg in steps:
        src = f"%v{k}"
        k += 1
        if name in ("extsi", "extui", "trunci"):
            to = arg
            if (name == "trunci") != (to < bits) or to == bits:
                k -= 1
                continue  # not a legal cast between these widths
            lines.append(f"    %v{k} = arith.{name} {src} : i{bits} to i{to}")
            if name == "extui":
                rows = [ints.unsigned(r, bits) for r in rows]
            rows = [ints.wrap(r, to) for r in rows]
            bits = to
            continue
        c = ints.wrap(arg, bits)
        fn = ints.binary_op(name, bits)
        assert fn is not None
        lines.append(f"    %c{k} = arith.constant {c} : i{bits}")
        lines.append(f"    %v{k} = arith.{name} {src}, %c{k} : i{bits}")
        rows = [fn(r, c) for r in rows]
    last = f"%v{k}"
    if final == "extui":
        lines.append(f"    %w = arith.extui {last} : i{bits} to i64")
        lines.append("    %r = arith.index_cast %w : i64 to index")
        rows = [ints.unsigned(r, bits) for r in rows]
    else:
        lines.append(f"    %r = arith.index_cast {last} : i{bits} to index")
    body = "\n".join(lines)
    text = f"""
func.func @chain(%x: memref<1x64xf32>, %out: memref<65536x64xf32>) {{
  pto.spmd %t = 0 to {n} {{
    %c0 = arith.constant 0 : index
{body}
    %v = pto.load %x[%c0, %c0] : memref<1x64xf32> -> tensor<1x64xf32>
    pto.store %v, %out[%r, %c0] : tensor<1x64xf32>, memref<65536x64xf32>
  }}
  func.return
}}
"""
    return text, rows


@given(
    st.integers(2, 24),
    st.sampled_from(_WIDTHS),
    st.lists(_STEP, min_size=1, max_size=5),
    st.sampled_from(["index_cast", "extui"]),
)
@settings(max_examples=300, deadline=None)
def test_narrow_integer_rows_are_analysed_as_they_wrap(
    n: int, start: int, steps: list[tuple[str, int]], final: str
) -> None:
    text, rows = _chain_kernel(n, start, steps, final)
    spmd = next(op for op in ptoc.parse(text, "k.mlir").walk() if isinstance(op, SpmdOp))
    findings = check_scope(spmd)
    collide = len(set(rows)) < n
    # sound: a collision is never passed, a race always has a real witness
    assert bool(findings) == collide, (text, rows)
    for f in findings:
        w = f.verdict.witness
        assert f.verdict.kind == "race" and w is not None, (text, f.message)
        assert rows[w.tasks[0]] == rows[w.tasks[1]]


def test_an_i32_product_that_wraps_to_one_row_is_a_race() -> None:
    # t * 2^30 * 2^30 is 0 in i32 for every task: every task writes row 0
    text, rows = _chain_kernel(8, 32, [("muli", 1 << 30), ("muli", 1 << 30)], "index_cast")
    assert set(rows) == {0}
    spmd = next(op for op in ptoc.parse(text, "k.mlir").walk() if isinstance(op, SpmdOp))
    (f,) = check_scope(spmd)
    assert f.severity == "error" and f.verdict.kind == "race"
    assert "may wrap around in i32 arithmetic" in f.message


# --------------------------------------------------------------------------- reads

# A task that loads what another task stores sees the store or not, depending on the
# order the tasks run in: the check reports it as it reports two stores. The property
# checked on random kernels: the findings are exactly the brute-force collisions (store
# against store, store against load, both of different tasks), and a kernel without a
# finding gives the same outputs bit for bit in forward and in reverse task order.


def _rw_kernel(n: int, store: tuple[int, int, int], load: tuple[int, int, int], shift: int) -> str:
    (a, b, d), (c, e, q) = store, load
    return f"""
func.func @rw(%x: memref<64x16xf32>, %out: memref<64x16xf32>) {{
  pto.spmd %t = 0 to {n} {{
    %c0 = arith.constant 0 : index
    %ca = arith.constant {a} : index
    %cb = arith.constant {b} : index
    %cd = arith.constant {d} : index
    %cc = arith.constant {c} : index
    %ce = arith.constant {e} : index
    %cq = arith.constant {q} : index
    %cs = arith.constant {shift} : index
    %sa = arith.muli %t, %ca : index
    %sb = arith.addi %sa, %cb : index
    %srow = arith.divui %sb, %cd : index
    %la = arith.muli %t, %cc : index
    %lb = arith.addi %la, %ce : index
    %lrow = arith.divui %lb, %cq : index
    %scol = arith.addi %c0, %cs : index
    %v = pto.load %out[%lrow, %c0] : memref<64x16xf32> -> tensor<1x8xf32>
    %w = pto.load %x[%t, %c0] : memref<64x16xf32> -> tensor<1x8xf32>
    %s = arith.addf %v, %w : tensor<1x8xf32>
    pto.store %s, %out[%srow, %scol] : tensor<1x8xf32>, memref<64x16xf32>
  }}
  func.return
}}
"""


_AFFINE = st.tuples(st.integers(0, 3), st.integers(0, 5), st.integers(1, 3))


@given(st.integers(2, 8), _AFFINE, _AFFINE, st.sampled_from([0, 4, 8]), st.integers(0, 2**16))
@settings(max_examples=120, deadline=None)
def test_loads_of_other_tasks_stores_are_races(
    n: int, store: tuple[int, int, int], load: tuple[int, int, int], shift: int, seed: int
) -> None:
    from ptoc.backend.interpreter import compile_module

    (a, b, d), (c, e, q) = store, load
    srow = [(a * t + b) // d for t in range(n)]
    lrow = [(c * t + e) // q for t in range(n)]
    # store box: row srow, columns [shift, shift + 8); load box: row lrow, columns [0, 8)
    ww = any(srow[i] == srow[j] for i in range(n) for j in range(n) if i != j)
    rw = shift < 8 and any(srow[i] == lrow[j] for i in range(n) for j in range(n) if i != j)
    text = _rw_kernel(n, store, load, shift)
    module = ptoc.parse(text, "k.mlir")
    spmd = next(op for op in module.walk() if isinstance(op, SpmdOp))
    findings = check_scope(spmd)
    assert all(f.severity == "error" and f.verdict.kind == "race" for f in findings), text
    reads = [f for f in findings if "reads" in f.message]
    assert bool(reads) == rw, (text, [f.message for f in findings])
    assert len(findings) - len(reads) == int(ww), (text, [f.message for f in findings])
    if not findings:
        rng = np.random.default_rng(seed)
        inputs = {k: rng.standard_normal((64, 16)).astype(np.float32) for k in ("x", "out")}
        prog = compile_module(module)
        fwd = prog.run(inputs, task_order="forward", record=False).outputs
        rev = prog.run(inputs, task_order="reverse", record=False).outputs
        np.testing.assert_array_equal(fwd["out"], rev["out"])


def test_a_load_of_the_next_tasks_row_is_a_race() -> None:
    # task t loads row t + 1 and stores row t: the result depends on the task order
    text = _rw_kernel(4, (1, 0, 1), (1, 1, 1), 0)
    spmd = next(op for op in ptoc.parse(text, "k.mlir").walk() if isinstance(op, SpmdOp))
    (f,) = check_scope(spmd)
    assert f.severity == "error"
    assert f.message.startswith("race: task 1 writes out[1, 0:8], which task 0 reads (store at k.mlir:")
    assert f.message.endswith("the value read depends on the order of the tasks")
