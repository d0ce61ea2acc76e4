"""Symbolic index expressions of SPMD tasks, and whether two tasks' tiles can overlap.

Three layers, each usable on its own:

1. **Expressions** (`Expr`): an integer value as `const + sum(coef * atom)`, where an
   atom is a variable (`Var`: the task id, a loop counter, an opaque or a uniform
   value), a floor/truncating division or remainder by a positive constant (`Div`,
   `Rem`), a product of two non-constant expressions (`Mul`), or an uninterpreted
   deterministic function of expressions (`App`: a `pto.read` of memory that no task
   writes, or an `arith` op the algebra does not model; `minsi` / `maxsi` / `minui` /
   `maxui` / `select` / `cmpi` Apps are computable, `App.ev`, and the enumeration
   evaluates them exactly). The smart constructors
   (`add`, `mul`, `floordiv`, `mod`, ...) keep a normal form, so `(2*g + 1) floordiv 16`
   and `(2*g) floordiv 16` are both `g floordiv 8`. Expressions of two *instances*
   (two different tasks running the same code) are told apart by `rename`: per-task
   variables get the instance number, uniform values (defined outside the `pto.spmd`)
   do not, so they cancel in differences.

2. **The decision** (`decide`): given two stores (`Access`: index expressions, tile
   shape, the conditions under which the store runs) and the task variable, decide
   whether two *distinct* tasks can write overlapping boxes. A symbolic proof is tried
   first (`prove_disjoint`); then, for a static task count and at most `max_points`
   combinations of task pairs and loop values, exhaustive enumeration with numpy,
   which for expressions without unknown values is a complete decision procedure;
   otherwise a sampled search for a witness. The verdict is `disjoint` (proved),
   `race` (a witness whose stores certainly run), or `may` (with the reason).

3. **The IR bridge** (`IndexBuilder`): expressions for the `index` values inside one
   `pto.spmd` (and the conditions of `scf.if`s), and the `Access` of each `pto.store`.

Integer arithmetic is the two's complement arithmetic of `ptoc.dialects.int_semantics`:
an op whose exact result may leave its type's range is modelled with the wrap-around
(`iN`, N <= 32), or left opaque (wider types, where the exact range is known to leave
int64). Assumptions (documented in `pto-check-races`): a 64-bit value computed from
values of unknown magnitude (function arguments, `index` / `i64` reads) does not
overflow; distinct memref arguments do not alias; a `pto.read` of a memref that no task of the
scope stores to returns the same value for the same indices in every task.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import numpy.typing as npt
from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import IndexType, IntegerAttr, IntegerType, MemRefType, TensorType
from xdsl.ir import Attribute, Block, BlockArgument, Operation, OpResult, SSAValue

from ptoc.diagnostics import location_of
from ptoc.dialects import int_semantics
from ptoc.dialects.pto import LoadOp, RangeOp, ReadOp, SectionOp, SpmdOp, StoreOp, UnrollOp
from ptoc.dialects.pto_tiles import GatherRowOp, LoadValidOp, StoreValidOp, WriteOp

WriteLike: TypeAlias = "StoreOp | StoreValidOp | WriteOp"
WRITE_OPS = (StoreOp, StoreValidOp, WriteOp)
READ_OPS = (LoadOp, LoadValidOp, GatherRowOp, ReadOp)
"""The ops that read a memref's elements (`IndexBuilder.memory_access` gives their box)."""
"""The ops that write global memory: a tile (`pto.store`), the valid window of a tile
(`pto.store_valid`) or one scalar (`pto.write`)."""
VIEW_OPS = (memref.CollapseShapeOp, memref.ExpandShapeOp)


def base_memref(v: SSAValue) -> SSAValue:
    """The memref a chain of `memref.collapse_shape` / `expand_shape` views is a view of."""
    while isinstance(v, OpResult) and isinstance(v.op, VIEW_OPS):
        v = cast(SSAValue, v.op.src)
    return v


def unmodelled_memref(base: SSAValue) -> str | None:
    """Why the checks cannot tell which tensor in memory `base` (the base of a chain of
    views, `base_memref`) is, or None when they can: a kernel argument (a block argument
    of the function) or a `memref.alloc`. Any other memref, made by an op that is not a
    modelled view (`scf.if`, `pto.section`, ...) or carried by a loop (an iter_arg), may
    be any tensor: the checks neither trust it as private nor as distinct."""
    if isinstance(base, OpResult):
        if isinstance(base.op, memref.AllocOp):
            return None
        return f"it is made by {base.op.name}, which the check does not model as a view"
    owner = cast(BlockArgument, base).block.parent_op()
    if owner is None or owner.name == "func.func":
        return None
    return (
        f"it is a block argument of the {owner.name} at {location_of(owner) or '?'} (a memref "
        "carried by a loop), which the check does not follow to the tensor it stands for"
    )

Arr: TypeAlias = npt.NDArray[np.int64]
Mask: TypeAlias = npt.NDArray[np.bool_]
Bound: TypeAlias = "int | None"
Interval: TypeAlias = "tuple[int | None, int | None]"

TASK = "task"
"""The task id of a `pto.spmd` (per instance, range [0, N))."""
LOOP = "loop"
"""A loop counter: 0, 1, ... of a `pto.range` / `pto.unroll` (per instance)."""
OPAQUE = "opaque"
"""A value of one task that nothing is known about (per instance)."""
UNIFORM = "uniform"
"""A value defined outside the `pto.spmd`: the same in every task, otherwise unknown."""

VarKind: TypeAlias = Literal["task", "loop", "opaque", "uniform"]

# --------------------------------------------------------------------------- atoms


@dataclass(frozen=True)
class Var:
    """A variable: equal when key, kind, instance and bounds are; the name rides along."""

    key: int
    kind: VarKind
    inst: int = 0
    name: str = field(default="?", compare=False)
    lo: int | None = None
    hi: int | None = None  # inclusive

    @property
    def per_instance(self) -> bool:
        return self.kind != UNIFORM

    def __str__(self) -> str:
        return self.name


def _paren(e: Expr) -> str:
    s = str(e)
    return f"({s})" if len(e.terms) + (e.const != 0) > 1 else s


@dataclass(frozen=True)
class Div:
    """`arg floordiv c` (or, with `trunc`, division rounding toward zero), `c > 1`."""

    arg: Expr
    c: int
    trunc: bool = False

    def __str__(self) -> str:
        return f"({_paren(self.arg)} {'divsi' if self.trunc else 'floordiv'} {self.c})"


@dataclass(frozen=True)
class Rem:
    """`arg mod c` (result in [0, c)), or with `trunc` the remainder of `Div(trunc)`."""

    arg: Expr
    c: int
    trunc: bool = False

    def __str__(self) -> str:
        return f"({_paren(self.arg)} {'remsi' if self.trunc else 'mod'} {self.c})"


@dataclass(frozen=True)
class Mul:
    """A product of two non-constant expressions."""

    a: Expr
    b: Expr

    def __str__(self) -> str:
        x, y = sorted((_paren(self.a), _paren(self.b)))
        return f"({x} * {y})"


@dataclass(frozen=True)
class App:
    """An uninterpreted deterministic function of its arguments.

    `distinct` (for reads): values read with different first indices differ (the
    author's assertion that the rows of the table hold distinct values).
    """

    fn: str
    args: tuple[Expr, ...]
    distinct: bool = False
    name: str = field(default="", compare=False)
    is_read: bool = field(default=False, compare=False)
    lo: int | None = field(default=None, compare=False)
    hi: int | None = field(default=None, compare=False)  # inclusive: its type's range
    ev: str = field(default="", compare=False)
    """For an `arith` op that the algebra has no normal form for but whose value is
    computable from its arguments (`minsi`, `maxsi`, `minui`, `maxui`, `select`,
    `cmpi:PRED`): how to compute it, so that the enumeration evaluates it exactly (as
    the interpreter does) instead of calling it unknown. Empty for reads and other
    ops: those are uninterpreted."""

    def __str__(self) -> str:
        inner = ", ".join(str(a) for a in self.args)
        return f"{self.name}[{inner}]" if self.is_read else f"{self.name}({inner})"


Atom: TypeAlias = "Var | Div | Rem | Mul | App"


@dataclass(frozen=True)
class Expr:
    """`const + sum(coef * atom)`; build with the functions below, not directly."""

    const: int = 0
    terms: frozenset[tuple[Atom, int]] = frozenset()
    _hash: int = field(default=0, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.const, self.terms)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def is_const(self) -> bool:
        return not self.terms

    def coefs(self) -> dict[Atom, int]:
        return dict(self.terms)

    def __add__(self, other: Expr | int) -> Expr:
        return add(self, lift(other))

    def __radd__(self, other: int) -> Expr:
        return add(lift(other), self)

    def __sub__(self, other: Expr | int) -> Expr:
        return sub(self, lift(other))

    def __rsub__(self, other: int) -> Expr:
        return sub(lift(other), self)

    def __neg__(self) -> Expr:
        return scale(self, -1)

    def __mul__(self, other: Expr | int) -> Expr:
        return mul(self, lift(other))

    def __rmul__(self, other: int) -> Expr:
        return mul(lift(other), self)

    def __floordiv__(self, c: int) -> Expr:
        return floordiv(self, c)

    def __mod__(self, c: int) -> Expr:
        return mod(self, c)

    def __str__(self) -> str:
        parts: list[tuple[str, int]] = sorted(((str(a), c) for a, c in self.terms))
        out = ""
        for s, c in parts:
            mag = abs(c)
            body = s if mag == 1 else f"{mag}*{s}"
            if not out:
                out = body if c > 0 else f"-{body}"
            else:
                out += f" + {body}" if c > 0 else f" - {body}"
        if not out:
            return str(self.const)
        if self.const > 0:
            out += f" + {self.const}"
        elif self.const < 0:
            out += f" - {-self.const}"
        return out


def _make(const: int, coefs: Mapping[Atom, int]) -> Expr:
    return Expr(const, frozenset((a, c) for a, c in coefs.items() if c != 0))


def const(k: int) -> Expr:
    return Expr(k)


def lift(x: Expr | int) -> Expr:
    return x if isinstance(x, Expr) else Expr(x)


def atom(a: Atom) -> Expr:
    return Expr(0, frozenset({(a, 1)}))


def var(v: Var) -> Expr:
    return atom(v)


def add(a: Expr, b: Expr) -> Expr:
    if not b.terms:
        return a if b.const == 0 else Expr(a.const + b.const, a.terms)
    if not a.terms:
        return b if a.const == 0 else Expr(a.const + b.const, b.terms)
    coefs = a.coefs()
    for t, c in b.terms:
        coefs[t] = coefs.get(t, 0) + c
    return _make(a.const + b.const, coefs)


def scale(a: Expr, k: int) -> Expr:
    if k == 1:
        return a
    if k == 0:
        return Expr(0)
    return Expr(a.const * k, frozenset((t, c * k) for t, c in a.terms))


def sub(a: Expr, b: Expr) -> Expr:
    return add(a, scale(b, -1))


def mul(a: Expr, b: Expr) -> Expr:
    if a.is_const:
        return scale(b, a.const)
    if b.is_const:
        return scale(a, b.const)
    x, y = (a, b) if hash(a) <= hash(b) else (b, a)
    return atom(Mul(x, y))


def _split(e: Expr, c: int) -> tuple[Expr, Expr]:
    """`e = c*q + r` with the multiples of `c` in `q` and `r.const` in [0, c)."""
    kq, kr = divmod(e.const, c)
    q: dict[Atom, int] = {}
    r: dict[Atom, int] = {}
    for t, k in e.terms:
        if k % c == 0:
            q[t] = k // c
        else:
            r[t] = k
    return _make(kq, q), _make(kr, r)


def _single(e: Expr) -> tuple[Atom, int] | None:
    if len(e.terms) == 1 and e.const == 0:
        return next(iter(e.terms))
    return None


def _check_divisor(c: int) -> None:
    if c <= 0:
        raise ValueError(f"division by a non-positive constant {c}")


def floordiv(e: Expr, c: int) -> Expr:
    """`floor(e / c)` for a constant `c > 0`, in normal form."""
    _check_divisor(c)
    if c == 1:
        return e
    q, r = _split(e, c)
    if r.is_const:  # r in [0, c)
        return q
    g = math.gcd(c, *(k for _, k in r.terms))
    if g > 1:
        # r = g*(R + kq2) + kr2 with kr2 in [0, g): floor(r / (g*c')) = floor((R + kq2) / c')
        kq2, _kr2 = divmod(r.const, g)
        inner = _make(kq2, {t: k // g for t, k in r.terms})
        return add(q, floordiv(inner, c // g))
    lo, hi = bounds(r)
    if lo is not None and hi is not None and lo // c == hi // c:
        return add(q, const(lo // c))
    single = _single(r)
    if single is not None:
        a, k = single
        if k == 1 and isinstance(a, Div) and not a.trunc:
            return add(q, floordiv(a.arg, a.c * c))
    return add(q, atom(Div(r, c)))


def mod(e: Expr, c: int) -> Expr:
    """`e mod c` in [0, c) for a constant `c > 0`, in normal form."""
    _check_divisor(c)
    if c == 1:
        return Expr(0)
    _q, r = _split(e, c)
    if r.is_const:
        return r
    g = math.gcd(c, *(k for _, k in r.terms))
    if g > 1:
        # r = g*R + kr2, kr2 in [0, g): r mod (g*c') = g*(R mod c') + kr2
        kq2, kr2 = divmod(r.const, g)
        inner = _make(kq2, {t: k // g for t, k in r.terms})
        return add(scale(mod(inner, c // g), g), const(kr2))
    lo, hi = bounds(r)
    if lo is not None and hi is not None and lo // c == hi // c:
        return sub(r, const((lo // c) * c))
    single = _single(r)
    if single is not None:
        a, k = single
        if k == 1 and isinstance(a, Rem) and not a.trunc and a.c % c == 0:
            return mod(a.arg, c)
    return atom(Rem(r, c))


def truncdiv(e: Expr, c: int) -> Expr:
    """Division rounding toward zero (`arith.divsi`) by a constant `c > 0`."""
    _check_divisor(c)
    if c == 1:
        return e
    if e.is_const:
        return const(_tdiv(e.const, c))
    lo, hi = bounds(e)
    if lo is not None and lo >= 0:
        return floordiv(e, c)
    if hi is not None and hi <= 0:
        return scale(floordiv(scale(e, -1), c), -1)
    return atom(Div(e, c, trunc=True))


def truncrem(e: Expr, c: int) -> Expr:
    """The remainder with the sign of the dividend (`arith.remsi`) by `c > 0`."""
    _check_divisor(c)
    if c == 1:
        return Expr(0)
    if e.is_const:
        return const(e.const - c * _tdiv(e.const, c))
    lo, hi = bounds(e)
    if lo is not None and lo >= 0:
        return mod(e, c)
    if hi is not None and hi <= 0:
        return scale(mod(scale(e, -1), c), -1)
    return atom(Rem(e, c, trunc=True))


def _tdiv(x: int, c: int) -> int:
    q = abs(x) // c
    return q if x >= 0 else -q


# --------------------------------------------------------------------------- bounds


def _iadd(a: Interval, b: Interval) -> Interval:
    lo = None if a[0] is None or b[0] is None else a[0] + b[0]
    hi = None if a[1] is None or b[1] is None else a[1] + b[1]
    return lo, hi


def _iscale(a: Interval, k: int) -> Interval:
    lo = None if a[0] is None else a[0] * k
    hi = None if a[1] is None else a[1] * k
    return (lo, hi) if k >= 0 else (hi, lo)


def _imul(a: Interval, b: Interval) -> Interval:
    if None in a or None in b:
        return None, None
    assert a[0] is not None and a[1] is not None and b[0] is not None and b[1] is not None
    ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(ps), max(ps)


def bounds_atom(a: Atom) -> Interval:
    if isinstance(a, Var):
        return a.lo, a.hi
    if isinstance(a, Div):
        lo, hi = bounds(a.arg)
        f: Callable[[int, int], int] = _tdiv if a.trunc else (lambda x, c: x // c)
        return (None if lo is None else f(lo, a.c)), (None if hi is None else f(hi, a.c))
    if isinstance(a, Rem):
        lo, hi = bounds(a.arg)
        if not a.trunc:
            return 0, a.c - 1
        if lo is not None and lo >= 0:
            return 0, a.c - 1
        if hi is not None and hi <= 0:
            return -(a.c - 1), 0
        return -(a.c - 1), a.c - 1
    if isinstance(a, Mul):
        return _imul(bounds(a.a), bounds(a.b))
    return a.lo, a.hi


def bounds(e: Expr) -> Interval:
    """An interval that contains every value of `e` (None: unbounded)."""
    acc: Interval = (e.const, e.const)
    for a, c in e.terms:
        acc = _iadd(acc, _iscale(bounds_atom(a), c))
        if acc == (None, None):
            break
    return acc


# --------------------------------------------------------------------------- traversal


def map_vars(e: Expr, f: Callable[[Var], Expr]) -> Expr:
    """`e` with every variable `v` replaced by `f(v)`, renormalized."""
    out = const(e.const)
    for a, c in e.terms:
        out = add(out, scale(map_atom(a, f), c))
    return out


def map_atom(a: Atom, f: Callable[[Var], Expr]) -> Expr:
    if isinstance(a, Var):
        return f(a)
    if isinstance(a, Div):
        arg = map_vars(a.arg, f)
        return truncdiv(arg, a.c) if a.trunc else floordiv(arg, a.c)
    if isinstance(a, Rem):
        arg = map_vars(a.arg, f)
        return truncrem(arg, a.c) if a.trunc else mod(arg, a.c)
    if isinstance(a, Mul):
        return mul(map_vars(a.a, f), map_vars(a.b, f))
    return atom(replace(a, args=tuple(map_vars(x, f) for x in a.args)))


def _rename_var(v: Var, inst: int) -> Expr:
    return var(replace(v, inst=inst) if v.per_instance else v)


@lru_cache(maxsize=65536)
def rename(e: Expr, inst: int) -> Expr:
    """`e` as computed by instance `inst`: per-instance variables get `inst`."""
    return map_vars(e, lambda v: _rename_var(v, inst))


def substitute(e: Expr, values: Mapping[Var, int]) -> Expr:
    return map_vars(e, lambda v: const(values[v]) if v in values else var(v))


def atoms_of(e: Expr) -> Iterator[Atom]:
    """Every atom of `e`, recursively (atoms inside atoms too)."""
    for a, _ in e.terms:
        yield a
        if isinstance(a, (Div, Rem)):
            yield from atoms_of(a.arg)
        elif isinstance(a, Mul):
            yield from atoms_of(a.a)
            yield from atoms_of(a.b)
        elif isinstance(a, App):
            for x in a.args:
                yield from atoms_of(x)


def variables(e: Expr) -> set[Var]:
    return {a for a in atoms_of(e) if isinstance(a, Var)}


def evaluable(e: Expr, domain: Iterable[Var] | set[Var]) -> bool:
    """True if `e` has a value once the variables of `domain` have values."""
    dom = domain if isinstance(domain, set) else set(domain)
    for a in atoms_of(e):
        if isinstance(a, App) and not a.ev:
            return False  # (the arguments of a computable App are atoms_of too)
        if isinstance(a, Var) and a not in dom:
            return False
    return True


def evaluate(e: Expr, env: Mapping[Var, Arr]) -> Arr:
    """The values of `e` (vectorized over numpy arrays of the variables' values)."""
    n = len(next(iter(env.values()))) if env else 1
    out: Arr = np.full(n, e.const, dtype=np.int64)
    for a, c in e.terms:
        out = out + c * _eval_atom(a, env)
    return out


def _eval_atom(a: Atom, env: Mapping[Var, Arr]) -> Arr:
    if isinstance(a, Var):
        return env[a]
    if isinstance(a, Div):
        x = evaluate(a.arg, env)
        if a.trunc:
            return np.sign(x) * (np.abs(x) // a.c)
        return np.floor_divide(x, a.c)
    if isinstance(a, Rem):
        x = evaluate(a.arg, env)
        if a.trunc:
            return x - a.c * (np.sign(x) * (np.abs(x) // a.c))
        return np.mod(x, a.c)
    if isinstance(a, Mul):
        return evaluate(a.a, env) * evaluate(a.b, env)
    if a.ev:
        return _eval_app(a, env)
    raise KeyError(f"{a} has no known value")


def _eval_app(a: App, env: Mapping[Var, Arr]) -> Arr:
    """The value of a computable `arith` App (`App.ev`); `i1` values are 0 / -1 (true),
    as xDSL holds an `i1` constant, and `select` takes any non-zero condition as true."""
    xs = [evaluate(x, env) for x in a.args]
    n = max(len(x) for x in xs)
    xs = [np.broadcast_to(x, (n,)) for x in xs]
    if a.ev in ("minsi", "maxsi"):
        return np.minimum(xs[0], xs[1]) if a.ev == "minsi" else np.maximum(xs[0], xs[1])
    if a.ev in ("minui", "maxui"):
        lt = xs[0].astype(np.uint64) < xs[1].astype(np.uint64)
        pick_first = lt if a.ev == "minui" else ~lt
        return np.where(pick_first, xs[0], xs[1])
    if a.ev == "select":
        return np.where(xs[0] != 0, xs[1], xs[2])
    if not a.ev.startswith("cmpi:"):
        raise ValueError(f"internal: no evaluation for the index op '{a.ev}'")
    return -_compare(a.ev.removeprefix("cmpi:"), xs[0], xs[1]).astype(np.int64)


def eval_int(e: Expr, values: Mapping[Var, int]) -> int:
    """The value of `e` at one point (every variable of `e` must be in `values`)."""
    return int(evaluate(e, _env_of(values))[0])


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Cmp:
    """`arith.cmpi pred, lhs, rhs`; `label` names it in messages (e.g. `%gate`)."""

    pred: str
    lhs: Expr
    rhs: Expr
    label: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.label or f"{self.lhs} {self.pred} {self.rhs}"


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or", "not"]
    args: tuple[Cond, ...]

    def __str__(self) -> str:
        if self.op == "not":
            return f"not ({self.args[0]})"
        return f" {self.op} ".join(f"({a})" for a in self.args)


@dataclass(frozen=True)
class BoolConst:
    value: bool

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class UnknownCond:
    """A condition the analysis cannot evaluate; `what` names it for messages."""

    what: str

    def __str__(self) -> str:
        return self.what


Cond: TypeAlias = "Cmp | BoolOp | BoolConst | UnknownCond"


def not_(c: Cond) -> Cond:
    if isinstance(c, BoolConst):
        return BoolConst(not c.value)
    if isinstance(c, BoolOp) and c.op == "not":
        return c.args[0]
    return BoolOp("not", (c,))


def rename_cond(c: Cond, inst: int) -> Cond:
    if isinstance(c, Cmp):
        return Cmp(c.pred, rename(c.lhs, inst), rename(c.rhs, inst), c.label)
    if isinstance(c, BoolOp):
        return BoolOp(c.op, tuple(rename_cond(a, inst) for a in c.args))
    return c


def cond_exprs(c: Cond) -> Iterator[Expr]:
    if isinstance(c, Cmp):
        yield c.lhs
        yield c.rhs
    elif isinstance(c, BoolOp):
        for a in c.args:
            yield from cond_exprs(a)


def _compare(pred: str, x: Arr, y: Arr) -> Mask:
    if pred.startswith("u"):
        # unsigned: compare as two's complement 64-bit values
        xo = x.astype(np.uint64)
        yo = y.astype(np.uint64)
        ops = {"ult": np.less, "ule": np.less_equal, "ugt": np.greater, "uge": np.greater_equal}
        return ops[pred](xo, yo)
    sops = {
        "eq": np.equal,
        "ne": np.not_equal,
        "slt": np.less,
        "sle": np.less_equal,
        "sgt": np.greater,
        "sge": np.greater_equal,
    }
    return sops[pred](x, y)


def eval_cond(c: Cond, env: Mapping[Var, Arr], domain: set[Var], n: int) -> tuple[Mask, Mask]:
    """(certainly true, certainly false) of `c` at each of `n` points."""
    if isinstance(c, BoolConst):
        return np.full(n, c.value), np.full(n, not c.value)
    if isinstance(c, Cmp):
        if evaluable(c.lhs, domain) and evaluable(c.rhs, domain) and c.pred in _PREDICATES:
            r = _compare(c.pred, evaluate(c.lhs, env), evaluate(c.rhs, env))
            r = np.broadcast_to(r, (n,))
            return r, ~r
        return np.zeros(n, bool), np.zeros(n, bool)
    if isinstance(c, BoolOp):
        parts = [eval_cond(a, env, domain, n) for a in c.args]
        if c.op == "not":
            return parts[0][1], parts[0][0]
        if c.op == "and":
            t = np.ones(n, bool)
            f = np.zeros(n, bool)
            for pt, pf in parts:
                t &= pt
                f |= pf
            return t, f
        t = np.zeros(n, bool)
        f = np.ones(n, bool)
        for pt, pf in parts:
            t |= pt
            f &= pf
        return t, f
    return np.zeros(n, bool), np.zeros(n, bool)


_PREDICATES = ("eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge")


# --------------------------------------------------------------------------- accesses


@dataclass(frozen=True)
class LoopVar:
    """A loop around a store: its counter variable and its index value, for messages."""

    counter: Var
    index: Expr
    name: str


@dataclass(frozen=True)
class Access:
    """One store: it writes the box `[i_d, i_d + tile_d)` when all `guards` hold."""

    indices: tuple[Expr, ...]
    tile: tuple[int, ...]
    guards: tuple[Cond, ...] = ()
    label: str = "store"
    loops: tuple[LoopVar, ...] = ()

    def renamed(self, inst: int) -> Access:
        return Access(
            tuple(rename(e, inst) for e in self.indices),
            self.tile,
            tuple(rename_cond(g, inst) for g in self.guards),
            self.label,
            tuple(
                LoopVar(replace(lv.counter, inst=inst), rename(lv.index, inst), lv.name)
                for lv in self.loops
            ),
        )


@dataclass(frozen=True)
class Witness:
    """Two tasks (and loop values) whose stores overlap."""

    tasks: tuple[int, int]
    region: tuple[str, ...]
    loops: tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Verdict:
    """`disjoint` | `race` | `may`, how it was decided, and the evidence.

    `how`: for disjoint `trivial` / `symbolic` / `enumeration`; for may
    `unknown-index` (indices depend on values unknown at compile time),
    `unknown-condition` (the overlap needs both stores to run, which depends on such
    values), or `undecided` (analyzable, but neither proved nor refuted).
    """

    kind: Literal["disjoint", "race", "may"]
    how: str
    witness: Witness | None = None
    unknowns: tuple[str, ...] = ()
    detail: str = ""
    min_tasks: int | None = None


def _width_ok(c: int, margin: int, diff: Interval, t1: int, t2: int) -> bool:
    """Whether `|c| * margin` separates boxes whose offsets differ by `diff` otherwise."""
    lo, hi = diff
    if lo is None or hi is None:
        return False
    step = abs(c) * margin
    return step >= t1 + hi and step >= t2 - lo


def margin(e: Expr, task: Var) -> int:
    """A lower bound on `|e@1 - e@2|` whenever the two instances' task ids differ."""
    best = 0
    for a, c in e.terms:
        m = _margin_atom(a, task)
        if m <= 0:
            continue
        rest = sub(e, scale(atom(a), c))
        lo, hi = bounds(sub(rename(rest, 1), rename(rest, 2)))
        if lo is None or hi is None:
            continue
        best = max(best, abs(c) * m - max(hi, -lo))
    return best


def _margin_atom(a: Atom, task: Var) -> int:
    if isinstance(a, Var):
        return 1 if a == task else 0
    if isinstance(a, Div) and not a.trunc:
        return margin(a.arg, task) // a.c
    if isinstance(a, Rem) and not a.trunc:
        lo, hi = bounds(a.arg)
        if lo is not None and hi is not None and hi - lo < a.c:
            return min(margin(a.arg, task), 1)
        return 0
    if isinstance(a, App) and a.distinct and a.args:
        return 1 if margin(a.args[0], task) >= 1 else 0
    return 0


def prove_disjoint(a1: Access, a2: Access, task: Var) -> bool:
    """A symbolic proof that distinct tasks' boxes never overlap (sound, incomplete).

    Per dimension: the difference of the two offsets is bounded away from the tiles
    (`always`); or an atom `X` appears with the same coefficient `c` in both offsets
    and `|c|` (times the guaranteed change of `X` between two tasks) clears the tile
    plus the spread of the rest. Atoms that separate a dimension whenever they differ
    are collected; the proof also succeeds when they jointly determine the task (e.g.
    `t floordiv 16` in one dimension and `t mod 16` in another).
    """
    task = replace(task, inst=0)
    separating: list[Atom] = []
    for e1, e2, t1, t2 in zip(a1.indices, a2.indices, a1.tile, a2.tile, strict=True):
        r1, r2 = rename(e1, 1), rename(e2, 2)
        lo, hi = bounds(sub(r2, r1))
        if (lo is not None and lo >= t1) or (hi is not None and hi <= -t2):
            return True
        c2 = e2.coefs()
        for x, c in e1.terms:
            if c2.get(x) != c or not _per_instance_atom(x):
                continue
            rest1 = rename(sub(e1, scale(atom(x), c)), 1)
            rest2 = rename(sub(e2, scale(atom(x), c)), 2)
            diff = bounds(sub(rest1, rest2))
            m = _margin_atom(x, task)
            if m >= 1 and _width_ok(c, m, diff, t1, t2):
                return True
            if _width_ok(c, 1, diff, t1, t2):
                separating.append(x)
    return _jointly_distinguish(separating, task)


def _per_instance_atom(a: Atom) -> bool:
    return any(v.per_instance for v in variables(atom(a)))


def _jointly_distinguish(sep: Sequence[Atom], task: Var) -> bool:
    """Whether `X@1 != X@2` for some `X` in `sep` whenever the task ids differ."""
    sepset = set(sep)
    candidates: list[Expr] = [atom(x) for x in sep]
    for x in sep:
        if isinstance(x, Div) and not x.trunc and Rem(x.arg, x.c) in sepset:
            candidates.append(x.arg)
    return any(margin(y, task) >= 1 for y in candidates)


# --------------------------------------------------------------------------- enumeration


DEFAULT_MAX_POINTS = 1_000_000
DYNAMIC_PROBE = 64
_CHUNK = 1 << 16


@dataclass
class _Dim:
    diff: Expr
    mode: Literal["exact", "app", "unknown"]
    t1: int
    t2: int
    ua: App | None = None
    ub: App | None = None
    c: int = 0
    rest: Expr | None = None


def _classify(diff: Expr, t1: int, t2: int, domain: set[Var]) -> _Dim:
    if evaluable(diff, domain):
        return _Dim(diff, "exact", t1, t2)
    bad = [(a, c) for a, c in diff.terms if not evaluable(atom(a), domain)]
    if len(bad) == 2:
        (xa, ca), (xb, cb) = bad
        if (
            isinstance(xa, App)
            and isinstance(xb, App)
            and xa.fn == xb.fn
            and ca == -cb
            and len(xa.args) == len(xb.args)
            and all(evaluable(x, domain) for x in (*xa.args, *xb.args))
        ):
            rest = sub(diff, add(scale(atom(xa), ca), scale(atom(xb), cb)))
            return _Dim(diff, "app", t1, t2, xa, xb, ca, rest)
    return _Dim(diff, "unknown", t1, t2)


def _dim_state(d: _Dim, env: Mapping[Var, Arr], n: int) -> tuple[Mask, Mask]:
    """(separated, overlapping) at each point; neither means unknown."""
    if d.mode == "exact":
        x = np.broadcast_to(evaluate(d.diff, env), (n,))
        sep = (x >= d.t1) | (x <= -d.t2)
        return sep, ~sep
    if d.mode == "app":
        assert d.ua is not None and d.ub is not None and d.rest is not None
        rest = np.broadcast_to(evaluate(d.rest, env), (n,))
        eq = np.ones(n, bool)
        for xa, xb in zip(d.ua.args, d.ub.args, strict=True):
            eq &= evaluate(xa, env) == evaluate(xb, env)
        sep_eq = (rest >= d.t1) | (rest <= -d.t2)
        sep = eq & sep_eq
        if d.ua.distinct and d.ua.args:
            rows_differ = evaluate(d.ua.args[0], env) != evaluate(d.ub.args[0], env)
            c = abs(d.c)
            sep = sep | (rows_differ & (rest + c >= d.t1) & (rest - c <= -d.t2))
        return sep, eq & ~sep_eq
    return np.zeros(n, bool), np.zeros(n, bool)


def _sample(size: int, k: int) -> list[int]:
    if size <= k:
        return list(range(size))
    head = list(range(max(1, k // 2)))
    tail = list(range(size - max(1, k // 4), size))
    spread = [round(i * (size - 1) / max(1, k // 4)) for i in range(k // 4 + 1)]
    return sorted(set(head + tail + spread))


def _point_values(
    order: Sequence[Var], lists: Sequence[Sequence[int]], start: int, stop: int
) -> dict[Var, Arr]:
    flat = np.arange(start, stop, dtype=np.int64)
    env: dict[Var, Arr] = {}
    stride = 1
    for v, vals in reversed(list(zip(order, lists, strict=True))):
        digit = (flat // stride) % len(vals)
        env[v] = np.asarray(vals, dtype=np.int64)[digit]
        stride *= len(vals)
    return env


def _fmt_box(
    e1: Expr, e2: Expr, t1: int, t2: int, d: int, point: Mapping[Var, int]
) -> str:
    """The overlap of `[e1, e1+t1)` and `[e2, e2+t2)`, where `e2 - e1 = d`."""
    p1 = substitute(e1, point)
    if not p1.is_const and evaluable(p1, set()):
        p1 = const(int(evaluate(p1, {})[0]))  # a computable App (minsi, select, ...)
    lo = add(p1, const(max(0, d)))
    hi = add(p1, const(min(t1, d + t2)))
    if min(t1, d + t2) - max(0, d) == 1:
        return str(lo)
    return f"{lo}:{hi}"


def _fmt_loops(acc: Access, point: Mapping[Var, int]) -> tuple[str, ...]:
    out: list[str] = []
    for lv in acc.loops:
        if lv.counter in point:
            out.append(f"{lv.name} = {substitute(lv.index, point)}")
    return tuple(out)


def _describe_unknowns(exprs: Iterable[Expr], domain: set[Var]) -> tuple[str, ...]:
    out: list[str] = []
    for e in exprs:
        for a in atoms_of(e):
            if isinstance(a, App):
                s = f"{a} (read from memory)" if a.is_read else f"{a}"
            elif isinstance(a, Var) and a.kind == UNIFORM:
                s = f"{a.name} (defined outside the scope)"
            elif isinstance(a, Var) and a.kind == OPAQUE:
                s = a.name
            elif isinstance(a, Var) and a.kind == LOOP and a not in domain:
                s = f"the index of loop {a.name} (trip count unknown)"
            else:
                continue
            if s not in out:
                out.append(s)
    return tuple(sorted(out))


def _describe_conds(conds: Iterable[Cond]) -> tuple[str, ...]:
    out: list[str] = []
    for c in conds:
        s = str(c)
        if s not in out:
            out.append(s)
    return tuple(out)


def decide(
    a1: Access,
    a2: Access,
    task: Var,
    count: int | None,
    *,
    max_points: int = DEFAULT_MAX_POINTS,
    probe: int = DYNAMIC_PROBE,
) -> Verdict:
    """Can a task `t1` running store `a1` and a task `t2 != t1` running `a2` overlap?

    `task` is the (instance-free) task variable, `count` the static task count or None.
    """
    if len(a1.indices) != len(a2.indices):
        raise ValueError("the two stores index memrefs of different rank")
    if count is not None and count <= 1:
        return Verdict("disjoint", "trivial")
    task = replace(task, inst=0)
    if prove_disjoint(a1, a2, task):
        return Verdict("disjoint", "symbolic")
    try:
        return _enumerate(a1, a2, task, count, max_points, probe)
    except OverflowError:  # loop bounds near 2**63 do not fit the int64 enumeration
        return Verdict(
            "may", "undecided", detail="its index values are too large to enumerate in 64 bits"
        )


def _enumerate(
    a1: Access, a2: Access, task: Var, count: int | None, max_points: int, probe: int
) -> Verdict:
    r1, r2 = a1.renamed(1), a2.renamed(2)
    tv1, tv2 = replace(task, inst=1), replace(task, inst=2)
    ntasks = count if count is not None else probe
    exprs = [*r1.indices, *r2.indices]
    for g in (*r1.guards, *r2.guards):
        exprs.extend(cond_exprs(g))
    found: set[Var] = set()
    for e in exprs:
        found |= variables(e)
    loops = sorted(
        (v for v in found if v.kind == LOOP and v.hi is not None and v.lo is not None),
        key=lambda v: (v.inst, v.name, v.key),
    )
    order: list[Var] = [tv1, tv2, *loops]
    sizes = [ntasks, ntasks] + [max(0, (v.hi or 0) - (v.lo or 0) + 1) for v in loops]
    if any(s == 0 for s in sizes):
        return Verdict("disjoint", "trivial")  # a loop that never runs
    # The grid enumerated is every (task, task, loop values...) combination: n^2 * L
    # points (the pairs of equal tasks are masked out, but still enumerated).
    total = math.prod(sizes)
    ks = list(sizes)
    while math.prod(ks) > max_points and max(ks) > 2:
        i = ks.index(max(ks))
        ks[i] = max(2, ks[i] // 2)
    # Exhaustive only when no axis was sampled: a sampled grid can find a witness but
    # never proves disjointness.
    exact = count is not None and ks == sizes
    lists: list[list[int]] = []
    for v, size, k in zip(order, sizes, ks, strict=True):
        base = 0 if v.kind == TASK else (v.lo or 0)
        lists.append([base + x for x in _sample(size, k)])
    domain = set(order)
    dims = [
        _classify(sub(e2, e1), t1, t2, domain)
        for e1, e2, t1, t2 in zip(r1.indices, r2.indices, r1.tile, r2.tile, strict=True)
    ]
    npoints = math.prod(len(x) for x in lists)
    may_index = False
    cond_at: dict[Var, int] | None = None
    race_at: dict[Var, int] | None = None
    for start in range(0, npoints, _CHUNK):
        stop = min(npoints, start + _CHUNK)
        n = stop - start
        env = _point_values(order, lists, start, stop)
        safe: Mask = env[tv1] == env[tv2]
        ovl_all = np.ones(n, bool)
        unk_index = np.zeros(n, bool)
        for d in dims:
            sep, ovl = _dim_state(d, env, n)
            safe |= sep
            ovl_all &= ovl
            unk_index |= ~sep & ~ovl
        g1t, g1f = eval_cond(BoolOp("and", r1.guards), env, domain, n)
        g2t, g2f = eval_cond(BoolOp("and", r2.guards), env, domain, n)
        safe |= g1f | g2f
        race = ~safe & ovl_all & g1t & g2t
        if race.any():
            i = int(np.argmax(race))
            race_at = {v: int(env[v][i]) for v in order}
            break
        open_ = ~safe
        if (open_ & unk_index).any():
            may_index = True
        maybe = open_ & ~unk_index
        if cond_at is None and maybe.any():
            i = int(np.argmax(maybe))
            cond_at = {v: int(env[v][i]) for v in order}
    if race_at is not None:
        w = _witness(r1, r2, dims, race_at, tv1, tv2)
        min_tasks = None if count is not None else max(w.tasks) + 1
        return Verdict("race", "witness", w, min_tasks=min_tasks)
    if may_index:
        bad = [d.diff for d in dims if d.mode != "exact"]
        return Verdict("may", "unknown-index", unknowns=_describe_unknowns(bad, domain))
    if cond_at is not None:
        point = cond_at
        unknown = [
            g
            for g in (*r1.guards, *r2.guards)
            if not any(x.all() for x in eval_cond(g, _env_of(point), domain, 1))
        ]
        return Verdict(
            "may",
            "unknown-condition",
            _witness(r1, r2, dims, point, tv1, tv2),
            unknowns=_describe_conds(unknown),
            min_tasks=None if count is not None else max(point[tv1], point[tv2]) + 1,
        )
    if exact:
        return Verdict("disjoint", "enumeration")
    if count is None:
        detail = (
            "the task count is only known at run time, and no argument covers every count "
            f"(searched task ids below {probe} without finding an overlap)"
        )
    else:
        detail = (
            f"{total} combinations of task pairs and loop values are too many to "
            f"enumerate (limit {max_points}); a sampled search of {npoints} of them "
            "found no overlap, which proves nothing, and no symbolic argument applies"
        )
    return Verdict("may", "undecided", detail=detail)


def _env_of(point: Mapping[Var, int]) -> dict[Var, Arr]:
    return {v: np.array([x], dtype=np.int64) for v, x in point.items()}


def _witness(
    r1: Access, r2: Access, dims: Sequence[_Dim], point: Mapping[Var, int], tv1: Var, tv2: Var
) -> Witness:
    region: list[str] = []
    for d, e1, e2 in zip(dims, r1.indices, r2.indices, strict=True):
        if d.mode == "exact":
            diff = eval_int(d.diff, point)
        else:
            assert d.rest is not None
            diff = eval_int(d.rest, point)
        region.append(_fmt_box(e1, e2, d.t1, d.t2, diff, point))
    return Witness(
        (point[tv1], point[tv2]),
        tuple(region),
        (_fmt_loops(r1, point), _fmt_loops(r2, point)),
    )


# --------------------------------------------------------------------------- IR bridge

DISTINCT_ATTR = "pto.distinct_rows"
"""Unit attribute on a `pto.read`: rows of the memref it reads hold distinct values."""

_KEYS = itertools.count(1)


def _name(v: SSAValue, default: str) -> str:
    return v.name_hint or default


def _is_int(t: Attribute) -> bool:
    return isinstance(t, (IntegerType, IndexType))


class IndexBuilder:
    """Expressions for the integer values inside one `pto.spmd`, and its stores.

    Values defined outside the scope are uniform (the same in every task); a
    `pto.read` inside it is a deterministic function of its indices when no store of
    the scope writes that memref, and an opaque value otherwise. Loop indices of
    `pto.range` / `scf.for` with a constant positive step are `lb + step * k` with a
    counter `k` in [0, trip) (`trip` known when `ub - lb` is constant; when it varies
    with task ids and loop counters, `k` is bounded by the largest trip and each
    iteration runs under `lb + step * k < ub`); a `pto.unroll` index is its counter in
    [0, count). An integer iter_arg stepped by a constant every iteration (`%off + c`)
    is `init + c * k`; any other integer carry is unknown.
    """

    def __init__(self, spmd: SpmdOp):
        self.spmd = spmd
        self.count = spmd.static_count
        tid = spmd.task_id
        self.task = Var(
            next(_KEYS),
            TASK,
            0,
            _name(tid, "task"),
            0,
            None if self.count is None else self.count - 1,
        )
        self._exprs: dict[SSAValue, Expr] = {tid: var(self.task)}
        self._keys: dict[SSAValue, int] = {}
        self._loops: dict[Operation, tuple[LoopVar | None, int | None]] = {}
        self.written: set[SSAValue] = set()
        self.distinct: set[SSAValue] = set()
        self.wraps: dict[SSAValue, int] = {}
        """Results of narrow integer ops modelled with their wrap-around, and their bits."""
        for op in spmd.body.walk():
            if isinstance(op, WRITE_OPS):
                self.written.add(op.dest)
                self.written.add(base_memref(op.dest))
            elif isinstance(op, ReadOp) and DISTINCT_ATTR in op.attributes:
                self.distinct.add(op.source)

    # ------------------------------------------------------------------ values

    def inside(self, v: SSAValue) -> bool:
        node: Operation | Block = v.op if isinstance(v, OpResult) else cast(BlockArgument, v).block
        return self.spmd.is_ancestor(node)

    def wrapping(self, values: Iterable[SSAValue]) -> list[tuple[SSAValue, int]]:
        """The values (and bits) among the integer def chains of `values` that may wrap
        around, in the order found (after `expr` has built them)."""
        out: list[tuple[SSAValue, int]] = []
        seen: set[SSAValue] = set()
        stack = list(values)
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            if v in self.wraps:
                out.append((v, self.wraps[v]))
            stack.extend(self._deps(v))
        return out

    def _key(self, v: SSAValue) -> int:
        k = self._keys.get(v)
        if k is None:
            k = self._keys[v] = next(_KEYS)
        return k

    def _leaf(self, v: SSAValue) -> Expr:
        kind: VarKind = OPAQUE if self.inside(v) else UNIFORM
        lo, hi = _type_range(v.type)
        return var(Var(self._key(v), kind, 0, _name(v, "?"), lo, hi))

    def expr(self, v: SSAValue) -> Expr:
        """The expression of an integer or index value."""
        e = self._exprs.get(v)
        if e is not None:
            return e
        # operands first, without recursion (index chains may be long)
        stack = [v]
        while stack:
            top = stack[-1]
            if top in self._exprs:
                stack.pop()
                continue
            missing = [d for d in self._deps(top) if d not in self._exprs]
            if missing:
                stack.extend(missing)
                continue
            self._exprs[top] = self._build(top)
            stack.pop()
        return self._exprs[v]

    def _deps(self, v: SSAValue) -> Sequence[SSAValue]:
        """The values `_build(v)` asks for."""
        if not _is_int(v.type):
            return ()
        if isinstance(v, BlockArgument):
            owner = v.block.parent_op()
            if v.index == 0 and isinstance(owner, (RangeOp, scf.ForOp)):
                return (owner.lb, owner.ub, owner.step)
            return ()
        op = cast(OpResult, v).op
        if isinstance(op, ReadOp):
            return tuple(op.indices)
        if op.dialect_name() == "arith":
            return tuple(op.operands)
        return ()

    def _build(self, v: SSAValue) -> Expr:
        if not _is_int(v.type):
            return self._leaf(v)
        if isinstance(v, BlockArgument):
            owner = v.block.parent_op()
            if (
                v.index == 0
                and isinstance(owner, (RangeOp, UnrollOp, scf.ForOp))
                and self.spmd.is_ancestor(owner)
            ):
                lv, _ = self.loop(owner)
                if lv is not None:
                    return lv.index
            if (
                v.index > 0
                and isinstance(owner, (RangeOp, UnrollOp, scf.ForOp))
                and self.spmd.is_ancestor(owner)
            ):
                iv = self._induction(owner, v)
                if iv is not None:
                    return iv
            return self._leaf(v)
        assert isinstance(v, OpResult)
        op = v.op
        if isinstance(op, ReadOp):
            if (
                not self.inside(v)
                or op.source in self.written
                or base_memref(op.source) in self.written
            ):
                return self._leaf(v)
            args = tuple(self.expr(i) for i in op.indices)
            return atom(
                App(
                    f"read#{self._key(op.source)}",
                    args,
                    op.source in self.distinct,
                    _name(op.source, "memref"),
                    True,
                    *_type_range(v.type),
                )
            )
        if (
            op.dialect_name() != "arith"
            or len(op.results) != 1  # addui_extended, mulsi_extended, ...: two values
            or not all(_is_int(o.type) for o in op.operands)
        ):
            return self._leaf(v)
        return self._arith(op)

    def _induction(self, loop: RangeOp | UnrollOp | scf.ForOp, v: BlockArgument) -> Expr | None:
        """An integer iter_arg that every iteration steps by a constant (`pto.yield` of
        `%off + c` or `%off - c`): `init + c * k` at iteration `k`, with its type's
        wrap-around; None for any other carry (an unknown value)."""
        k = v.index - 1
        term = loop.body.block.last_op
        if term is None or k >= len(term.operands) or k >= len(loop.iter_args):
            return None
        y = term.operands[k]
        if not isinstance(y, OpResult) or not isinstance(y.op, (arith.AddiOp, arith.SubiOp)):
            return None

        def constant(x: SSAValue) -> int | None:
            if isinstance(x, OpResult) and isinstance(x.op, arith.ConstantOp):
                val = x.op.value
                if isinstance(val, IntegerAttr):
                    return cast(IntegerAttr[IntegerType], val).value.data
            return None

        a, b = y.op.lhs, y.op.rhs
        c: int | None = None
        if a is v:
            c = constant(b)
            if c is not None and isinstance(y.op, arith.SubiOp):
                c = -c
        elif b is v and isinstance(y.op, arith.AddiOp):
            c = constant(a)
        bits = int_semantics.width(v.type)
        lv, _ = self.loop(loop)
        if c is None or lv is None or bits is None or bits == 1:
            return None
        e = add(self.expr(loop.iter_args[k]), scale(var(lv.counter), c))
        w = _wrapped(e, bits)
        if w is not None and w is not e:
            self.wraps[v] = bits
        return w

    def _arith(self, op: Operation) -> Expr:
        name = op.name
        if isinstance(op, arith.ConstantOp):
            val = op.value
            if isinstance(val, IntegerAttr):
                return const(val.value.data)
            return self._leaf(op.results[0])
        xs = [self.expr(o) for o in op.operands]
        bits = int_semantics.width(op.results[0].type) if op.results else None
        if bits is not None and len(xs) == 2 and xs[0].is_const and xs[1].is_const:
            # constants fold with the one integer semantics (two's complement)
            short = name.removeprefix("arith.")
            folded = int_semantics.fold_binary(short, xs[0].const, xs[1].const, bits)
            if folded is not None:
                # an i1 is held as 0 / 1 there, as 0 / -1 (true) here, as xDSL does
                return const(int_semantics.signed(folded, 1) if bits == 1 else folded)
        e = _arith_expr(name, xs)
        if name in ("arith.extui", "arith.index_castui"):
            src = int_semantics.width(op.operands[0].type)
            if src is not None and 1 <= src <= _WRAP_BITS:
                e = mod(xs[0], 1 << src)  # the operand's bits read as unsigned
        if e is not None and bits is not None:
            exact = e
            e = _wrapped(e, bits)
            if e is not exact:
                self.wraps[op.results[0]] = bits
        if e is not None:
            return e
        props = ",".join(f"{k}={p}" for k, p in sorted(op.properties.items()))
        lo, hi = _type_range(op.results[0].type) if op.results else (None, None)
        ev = _computable(op)
        if ev in ("minsi", "maxsi", "minui", "maxui", "select"):
            # the result is one of the operands: within their bounds
            opts = [bounds(x) for x in (xs[1:] if ev == "select" else xs)]
            if all(b[0] is not None for b in opts):
                lo = min(cast(int, b[0]) for b in opts)
            if all(b[1] is not None for b in opts):
                hi = max(cast(int, b[1]) for b in opts)
        return atom(App(f"{name}{{{props}}}", tuple(xs), False, name, False, lo, hi, ev))

    # ------------------------------------------------------------------ loops

    def loop(self, op: Operation) -> tuple[LoopVar | None, int | None]:
        """(the loop's index as a counter expression, its trip count if known)."""
        got = self._loops.get(op)
        if got is None:
            got = self._loops[op] = self._make_loop(op)
        return got

    def _make_loop(self, op: Operation) -> tuple[LoopVar | None, int | None]:
        if isinstance(op, UnrollOp):
            n = op.trip_count
            idx = op.index
            counter = Var(next(_KEYS), LOOP, 0, _name(idx, "j"), 0, n - 1)
            return LoopVar(counter, var(counter), _name(idx, "j")), n
        assert isinstance(op, (RangeOp, scf.ForOp))
        idx = op.body.block.args[0]
        lb, ub, step = self.expr(op.lb), self.expr(op.ub), self.expr(op.step)
        trip: int | None = None
        diff = sub(ub, lb)
        if step.is_const and step.const > 0 and diff.is_const:
            trip = max(0, -(-diff.const // step.const))
        if not (step.is_const and step.const > 0):
            return None, trip
        hi = None if trip is None else trip - 1
        if trip is None:
            # a trip count that varies (`0 to %t`): the counter is bounded by the
            # largest trip, and `access_of` guards each iteration with `index < ub`
            # (only from task ids and loop counters: a count read from memory stays
            # unknown, as its values are)
            top = bounds(diff)[1] if _computed(diff) else None
            if top is not None:
                hi = max(-1, -(-top // step.const) - 1)
        name = _name(idx, "i")
        plain = lb == const(0) and step.const == 1
        # the counter is the index itself for `0 to n step 1`, else the iteration number
        counter = Var(next(_KEYS), LOOP, 0, name if plain else f"iter({name})", 0, hi)
        index = add(lb, scale(var(counter), step.const))
        return LoopVar(counter, index, name), trip

    # ------------------------------------------------------------------ conditions

    def cond(self, v: SSAValue) -> Cond:
        """The condition an `i1` value stands for."""
        label = f"%{_name(v, '?')}"
        if isinstance(v, OpResult):
            op = v.op
            if isinstance(op, arith.CmpiOp):
                pred = _PREDICATES[op.predicate.value.data]
                return Cmp(pred, self.expr(op.lhs), self.expr(op.rhs), label)
            if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
                return BoolConst(cast(IntegerAttr[IntegerType], op.value).value.data != 0)
            if isinstance(op, (arith.AndIOp, arith.OrIOp)):
                kind: Literal["and", "or"] = "and" if isinstance(op, arith.AndIOp) else "or"
                return BoolOp(kind, (self.cond(op.lhs), self.cond(op.rhs)))
            if isinstance(op, arith.XOrIOp):
                a, b = self.cond(op.lhs), self.cond(op.rhs)
                if isinstance(b, BoolConst):
                    return not_(a) if b.value else a
                if isinstance(a, BoolConst):
                    return not_(b) if a.value else b
        return UnknownCond(label)

    # ------------------------------------------------------------------ stores

    def stores(self) -> Iterator[WriteLike]:
        """The GM writes (`pto.store`, `pto.store_valid`, `pto.write`) of this scope
        (not of a `pto.spmd` nested in it)."""
        for op in self.spmd.body.walk():
            if isinstance(op, WRITE_OPS) and _enclosing_spmd(op) is self.spmd:
                yield op

    def write_tile(self, store: WriteLike) -> tuple[int, ...] | None:
        """The extents of the box a write covers (in the coordinates of its own memref),
        or None when it provably writes nothing. A `pto.write` is one element; a
        `pto.store_valid` is bounded by its static tile: a valid extent is used only when
        it is a compile-time constant, else the whole tile extent (an over-approximation:
        sound for disjointness)."""
        if isinstance(store, WriteOp):
            return (1,) * len(store.indices)
        vt = store.value.type
        assert isinstance(vt, TensorType)
        tile = tuple(int(x) for x in cast(TensorType[Attribute], vt).get_shape())
        if isinstance(store, StoreValidOp):
            return self.valid_box(tile, store.valid)
        return tile

    def valid_box(self, tile: tuple[int, ...], valid: Sequence[SSAValue]) -> tuple[int, ...] | None:
        """The extents of a valid window (`pto.store_valid` / `pto.load_valid`) of a
        static `tile`: a valid extent where it is a compile-time constant, else the
        tile's (an over-approximation: sound for disjointness); None when a constant
        extent is 0 (the op moves nothing)."""
        out: list[int] = []
        for t, v in zip(tile, valid, strict=False):
            e = self.expr(v)
            if e.is_const and 0 <= e.const < t:
                if e.const == 0:
                    return None
                out.append(e.const)
            else:
                out.append(t)
        return tuple(out) + tile[len(out) :]

    def access(self, store: WriteLike, label: str = "store") -> Access | None:
        """The box `store` writes (in its own memref's coordinates), or None when it
        never runs (a loop of 0 trips) or writes nothing."""
        tile = self.write_tile(store)
        if tile is None:
            return None
        return self.access_of(store, store.indices, tile, label)

    def base_access(self, mem: SSAValue, acc: Access) -> Access | str:
        """`acc`, a box of memref `mem`, as a box of the memref `mem` is a view of
        (through `memref.expand_shape` / `collapse_shape` of a row-major tensor); or a
        reason why that box is not exactly a box of the base."""
        chain: list[Operation] = []
        v = mem
        while isinstance(v, OpResult) and isinstance(v.op, VIEW_OPS):
            chain.append(v.op)
            v = cast(SSAValue, v.op.src)
        for view in chain:  # innermost view first: map outwards to the base
            got = _through_view(view, acc)
            if isinstance(got, str):
                return got
            acc = got
        return acc

    def memory_access(
        self,
        op: StoreOp | StoreValidOp | WriteOp | LoadOp | LoadValidOp | GatherRowOp | ReadOp,
        label: str = "",
    ) -> Access | None:
        """The box a `pto.store` / `pto.store_valid` / `pto.write` writes or a `pto.load` /
        `pto.load_valid` / `pto.gather_row` / `pto.read` reads (a read is one element), or
        None when the op never runs."""
        if isinstance(op, WRITE_OPS):
            return self.access(op, label or op.name.removeprefix("pto."))
        if isinstance(op, GatherRowOp):  # the valid window of GM, at most the tile's size
            shape = cast(TensorType[Attribute], op.acc.type).get_shape()
            box = self.valid_box(tuple(int(x) for x in shape), op.valid)
            if box is None:
                return None
            return self.access_of(op, op.indices, box, label or "gather_row")
        if isinstance(op, (LoadOp, LoadValidOp)):
            rt = op.result.type
            assert isinstance(rt, TensorType)
            tile = tuple(int(x) for x in cast(TensorType[Attribute], rt).get_shape())
            if isinstance(op, LoadValidOp):  # the valid window only is read from GM
                box = self.valid_box(tile, op.valid)
                if box is None:
                    return None
                tile = box
            return self.access_of(op, op.indices, tile, label or "load")
        return self.access_of(op, op.indices, (1,) * len(op.indices), label or "read")

    def access_of(
        self, op: Operation, idx: Sequence[SSAValue], tile: tuple[int, ...], label: str
    ) -> Access | None:
        """The box `[idx, idx + tile)` that `op` touches when it runs, with the
        conditions under which it runs; None when it never runs."""
        guards: list[Cond] = []
        loops: list[LoopVar] = []
        node: Operation = op
        while True:
            parent = node.parent_op()
            if parent is None or parent is self.spmd:
                break
            if isinstance(parent, scf.IfOp):
                c = self.cond(parent.cond)
                region = node.parent_region()
                guards.append(c if region is parent.true_region else not_(c))
            elif isinstance(parent, SectionOp):
                pass  # a section runs once per task, unconditionally
            elif isinstance(parent, (RangeOp, UnrollOp, scf.ForOp)):
                lv, trip = self.loop(parent)
                if trip == 0:
                    return None
                if lv is not None:
                    loops.append(lv)
                if trip is None:
                    if isinstance(parent, (RangeOp, scf.ForOp)) and lv is not None:
                        # iteration k runs iff lb + step * k < ub: exact, also for the
                        # iterations a varying trip count leaves out
                        ub = self.expr(parent.ub)
                        guards.append(
                            Cmp("slt", lv.index, ub, f"whether loop %{lv.name} runs at all")
                        )
                    else:
                        guards.append(UnknownCond(f"whether the loop at {_where(parent)} runs at all"))
            else:
                guards.append(UnknownCond(f"whether the {parent.name} at {_where(parent)} runs it"))
            node = parent
        loops.reverse()
        guards.reverse()
        indices = tuple(self.expr(i) for i in idx)
        return Access(indices, tile, tuple(guards), label, tuple(loops))

    def loop_of_counter(self) -> dict[int, Operation]:
        """The loop of each counter variable made so far (by key)."""
        return {lv.counter.key: op for op, (lv, _) in self._loops.items() if lv is not None}

    def value_of_key(self) -> dict[int, SSAValue]:
        """The value of each opaque or uniform variable made so far (by key)."""
        return {k: v for v, k in self._keys.items()}


def _where(op: Operation) -> str:
    return location_of(op) or "?"


def _reassociation(view: Operation) -> list[list[int]]:
    r = view.properties.get("reassociation") or view.attributes.get("reassociation")
    return [[int(cast(IntegerAttr, x).value.data) for x in g] for g in cast(Any, r).data]


def _through_view(view: Operation, acc: Access) -> Access | str:
    """Map a box of the result of `view` to a box of its source, or say why not."""
    src_t = cast(MemRefType[Attribute], cast(SSAValue, cast(Any, view).src).type)
    res_t = cast(MemRefType[Attribute], view.results[0].type)
    groups = _reassociation(view)
    idx, tile = list(acc.indices), list(acc.tile)
    new_idx: list[Expr] = []
    new_tile: list[int] = []
    if isinstance(view, memref.ExpandShapeOp):
        sizes = list(res_t.get_shape())  # the view has the finer dimensions
        for g in groups:
            # base index = sum idx_j * stride_j; the box is contiguous when every
            # dimension after the first non-unit one is covered whole
            first = next((j for j in g if tile[j] != 1), g[-1])
            for j in g[g.index(first) + 1 :]:
                if sizes[j] < 0 or tile[j] != sizes[j]:
                    return (
                        f"its box through the view {view.name} is not contiguous in the "
                        "viewed tensor"
                    )
            e = const(0)
            stride = 1
            for j in reversed(g):
                e = add(e, scale(idx[j], stride))
                if j != g[0]:
                    if sizes[j] < 0:
                        return f"the view {view.name} has a dynamic inner extent"
                    stride *= sizes[j]
            ext = tile[first]
            for j in g[g.index(first) + 1 :]:
                ext *= sizes[j]
            new_idx.append(e)
            new_tile.append(ext)
    else:  # collapse: the view has the coarser dimensions
        sizes = list(src_t.get_shape())
        for d, g in enumerate(groups):
            if len(g) == 1:
                new_idx.append(idx[d])
                new_tile.append(tile[d])
                continue
            inner = sizes[g[0] + 1 : g[-1] + 1]
            if any(s < 0 for s in inner):
                return f"the view {view.name} has a dynamic inner extent"
            # split the tile: the innermost dimensions it covers whole, then one
            # dimension it covers in part (aligned, so that it does not wrap)
            r, t = idx[d], tile[d]
            covered = 1
            k = len(g)
            while k > 1 and t % (covered * sizes[g[k - 1]]) == 0:
                covered *= sizes[g[k - 1]]
                k -= 1
            # dims g[k:] whole; dim g[k-1] takes t // covered from index r // covered
            part = t // covered
            lead = floordiv(r, covered) if covered > 1 else r
            if covered > 1:
                rem = mod(r, covered)
                if not (rem.is_const and rem.const == 0):
                    return (
                        f"its rows through the view {view.name} are not provably aligned to "
                        f"{covered}"
                    )
            if part > 1 and k - 1 > 0:
                s_k = sizes[g[k - 1]]
                a = mod(lead, part)
                if not (s_k % part == 0 and a.is_const and a.const == 0):
                    return (
                        f"its box through the view {view.name} may wrap a row of the viewed "
                        "tensor"
                    )
            for pos, j in enumerate(g):
                if pos < k - 1:
                    stride = math.prod(sizes[g[pos + 1] : g[k - 1] + 1])
                    new_idx.append(floordiv(lead, stride))
                    new_idx[-1] = mod(new_idx[-1], sizes[j]) if pos > 0 else new_idx[-1]
                    new_tile.append(1)
                elif pos == k - 1:
                    new_idx.append(mod(lead, sizes[j]) if pos > 0 else lead)
                    new_tile.append(part)
                else:
                    new_idx.append(const(0))
                    new_tile.append(sizes[j])
    return replace(acc, indices=tuple(new_idx), tile=tuple(new_tile))


def _enclosing_spmd(op: Operation) -> SpmdOp | None:
    p = op.parent_op()
    while p is not None and not isinstance(p, SpmdOp):
        p = p.parent_op()
    return p


def _const_divisor(x: Expr) -> int | None:
    return x.const if x.is_const and x.const != 0 else None


_WRAP_BITS = 32
"""Widths whose wrap-around is modelled exactly: their products stay inside int64."""


def _computed(e: Expr) -> bool:
    """Whether `e` is a function of task ids and loop counters only (no value read from
    memory, defined outside the scope or otherwise unknown)."""
    for a in atoms_of(e):
        if isinstance(a, App) and not a.ev:
            return False
        if isinstance(a, Var) and a.kind not in (TASK, LOOP):
            return False
    return True


def _computable(op: Operation) -> str:
    """`App.ev` for an `arith` op whose value the enumeration can compute exactly."""
    short = op.name.removeprefix("arith.")
    if short in ("minsi", "maxsi", "minui", "maxui", "select"):
        return short
    if isinstance(op, arith.CmpiOp):
        pred = _PREDICATES[op.predicate.value.data]
        bits = int_semantics.width(op.lhs.type)
        if bits == 1 and pred not in ("eq", "ne"):
            return ""  # an ordering of i1 values: the sign convention matters, keep opaque
        return f"cmpi:{pred}"
    return ""


def _type_range(t: Attribute) -> Interval:
    """The values a scalar of type `t` can hold (unbounded for 64-bit and other types).

    64-bit values are left unbounded: a bound of +-2**63 would only make every sum of
    two of them look like an overflow, and such values (arguments, reads) already make
    a verdict depend on memory.
    """
    bits = int_semantics.width(t)
    if bits is None or bits > _WRAP_BITS:
        return None, None
    if bits == 1:
        return -1, 0  # true is -1, as xDSL holds an i1 constant
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def _wrapped(e: Expr, bits: int) -> Expr | None:
    """`e` as a `bits`-bit op computes it: `e` itself when its exact value provably fits
    the type, the two's complement wrap-around of `e` for narrow types, else None (an
    opaque value)."""
    if bits == 1:
        lo, hi = bounds(e)
        return e if lo is not None and hi is not None and -1 <= lo and hi <= 0 else None
    lo, hi = bounds(e)
    half = 1 << (bits - 1)
    if lo is not None and hi is not None and -half <= lo and hi < half:
        return e
    if bits <= _WRAP_BITS:
        return sub(mod(add(e, const(half)), 1 << bits), const(half))
    if bits >= int_semantics.INDEX_WIDTH and (lo is None or hi is None):
        return e  # unknown magnitude: assumed not to overflow (module docstring)
    return None


def _arith_expr(name: str, xs: Sequence[Expr]) -> Expr | None:
    """The expression of an `arith` op on expressions `xs`, or None to leave it opaque."""
    if name == "arith.addi":
        return add(xs[0], xs[1])
    if name == "arith.subi":
        return sub(xs[0], xs[1])
    if name == "arith.muli":
        return mul(xs[0], xs[1])
    if name in ("arith.index_cast", "arith.extsi", "arith.trunci"):
        return xs[0]  # the caller wraps it into the result type
    if name in ("arith.index_castui", "arith.extui"):
        lo, _ = bounds(xs[0])
        return xs[0] if lo is not None and lo >= 0 else None
    if len(xs) != 2:
        return None
    x, d = xs
    c = _const_divisor(d)
    xlo = bounds(x)[0]
    nonneg = xlo is not None and xlo >= 0
    if c is not None:
        if name == "arith.floordivsi":
            return floordiv(x, c) if c > 0 else floordiv(scale(x, -1), -c)
        if name == "arith.divsi":
            return truncdiv(x, c) if c > 0 else scale(truncdiv(x, -c), -1)
        if name == "arith.ceildivsi":
            return (
                scale(floordiv(scale(x, -1), c), -1) if c > 0 else scale(floordiv(x, -c), -1)
            )
        if name == "arith.remsi":
            return truncrem(x, abs(c))
        if c > 0 and nonneg:
            if name == "arith.divui":
                return floordiv(x, c)
            if name == "arith.remui":
                return mod(x, c)
            if name == "arith.ceildivui":
                return scale(floordiv(scale(x, -1), c), -1)
    if d.is_const and 0 <= d.const < 62:
        k = d.const
        if name == "arith.shli":
            return scale(x, 1 << k)
        if name == "arith.shrsi" or (name == "arith.shrui" and nonneg):
            return floordiv(x, 1 << k)
    if name == "arith.andi":
        for a, m in ((xs[0], xs[1]), (xs[1], xs[0])):
            if m.is_const and m.const == -1:
                return a  # all bits set
            if m.is_const and m.const >= 0 and (m.const + 1) & m.const == 0:
                return mod(a, m.const + 1)
    return None
