"""`@pl.jit`'s alpha-renaming of rebound names, applied to a kernel function's AST
before translation, as PyPTO's JIT specializer does before its parser sees the body
(hw-native-sys/pypto, `python/pypto/jit/specializer.py`: the body transformer's
handling of assignments, `for`, `if` and `with`).

The rules, in PyPTO's terms:

* Every name has the nesting depth of its first binding (parameters: depth 0; each
  `for`, `if` and `with` body is one level deeper). Rebinding a name at that same depth
  makes a new variable, `x` -> `x_v1` (then `x_v2`, ..., skipping names the function
  already uses), and later reads of `x` read the newest one. A rebinding at a deeper
  depth keeps the current name: that is how a loop-carried update is written.
* A loop body that assigns a name first bound at the same depth in a sibling body (an
  earlier loop, an `if` branch, a `with` body) either reads it before writing it (then
  the value is carried into the loop: `x_vK = x` is put before the loop and the body
  updates `x_vK`), or writes it first (then it is a new local of the body).
* The names an `if`'s then-branch binds first are unknown to its else-branch, which
  binds them afresh.

So `t = pl.row_sum(x); t = pl.reshape(t, [1, n])` in one body is two variables of two
types (PyPTO's parser would otherwise reject the second as "Cannot reassign 't' with a
different type"). Error messages name the user's names, not the aliases.

Where following the rules would read another value than the Python code says, the
statement is marked (`rejection`) and translating it is a located error instead of a
translation with that value (a statement in a branch that constant folding drops is not
translated, so its mark is harmless):
a loop variable, `with ... as` name, tuple-assignment target or annotated rebinding of a
name that has an alias (PyPTO would go on reading the alias), and a read after an
`if` of a name that its then-branch bound and then rebound while its else-branch bound
it too (PyPTO would read the then-branch's first binding).
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from ptoc.frontend.errors import FrontendError


REJECT_ATTR = "_ptoc_jit_reject"


def rejection(s: ast.stmt) -> tuple[ast.AST, str] | None:
    """The node and message of a statement the renaming could not translate faithfully."""
    return getattr(s, REJECT_ATTR, None)


@dataclass
class Renamed:
    """A function's renamed AST and the aliases it introduced (alias -> user's name)."""

    fdef: ast.FunctionDef
    original: dict[str, str] = field(default_factory=dict[str, str])


def _stored(t: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _loaded(t: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _read_first(stmts: list[ast.stmt], written: set[str], out: set[str]) -> None:
    """Names that `stmts` read before writing them, in execution order (an `if` with
    both branches writing a name writes it; one branch alone does not)."""
    for s in stmts:
        if isinstance(s, (ast.Assign, ast.AnnAssign)):
            if s.value is not None:
                out.update(_loaded(s.value) - written)
            for t in (s.targets if isinstance(s, ast.Assign) else [s.target]):
                out.update(_loaded(t) - written)
                written.update(_stored(t))
        elif isinstance(s, ast.AugAssign):
            out.update(_loaded(s.value) - written)
            names = set(_stored(s.target))
            out.update(names - written)
            written.update(names)
        elif isinstance(s, ast.For):
            out.update(_loaded(s.iter) - written)
            written.update(_stored(s.target))
            _read_first(s.body, written, out)
            _read_first(s.orelse, written, out)
        elif isinstance(s, ast.If):
            out.update(_loaded(s.test) - written)
            then = set(written)
            _read_first(s.body, then, out)
            if s.orelse:
                other = set(written)
                _read_first(s.orelse, other, out)
                written.update(then & other)
        elif isinstance(s, ast.With):
            for item in s.items:
                out.update(_loaded(item.context_expr) - written)
                if item.optional_vars is not None:
                    written.update(_stored(item.optional_vars))
            _read_first(s.body, written, out)
        else:
            out.update(_loaded(s) - written)


class _Renamer:
    def __init__(self, file: str, source: str, fdef: ast.FunctionDef, strict: bool):
        self.file = file
        self.source = source
        self.strict = strict
        self.current: ast.stmt = fdef.body[0] if fdef.body else ast.Pass()
        self.depth = 0
        self.version: dict[str, int] = {}
        """Next version number of a known name (known: bound at least once)."""
        self.first_depth: dict[str, int] = {}
        self.alias: dict[str, str] = {}
        """The active alias of a name: what a read of it reads."""
        self.original: dict[str, str] = {}
        self.used = set(_stored(fdef)) | {a.arg for a in fdef.args.args}
        self.poisoned: dict[str, ast.AST] = {}
        for a in fdef.args.args:
            self.version[a.arg] = 1
            self.first_depth[a.arg] = 0

    def reject(self, node: ast.AST, msg: str) -> None:
        if self.strict:
            raise FrontendError.at(self.file, node, msg, self.source)
        if rejection(self.current) is None:
            setattr(self.current, REJECT_ATTR, (node, msg))

    # ---- bookkeeping

    def first(self, name: str) -> None:
        if name not in self.version:
            self.version[name] = 1
            self.first_depth[name] = self.depth
        self.used.add(name)

    def rebind(self, name: str) -> str:
        n = self.version[name]
        new = f"{name}_v{n}"
        while new in self.used:
            n += 1
            new = f"{name}_v{n}"
        self.version[name] = n + 1
        self.alias[name] = new
        self.original[new] = name
        self.used.add(new)
        return new

    def forget(self, name: str) -> None:
        self.version.pop(name, None)
        self.first_depth.pop(name, None)
        self.alias.pop(name, None)

    def no_alias(self, names: list[str], node: ast.AST, what: str) -> None:
        for n in names:
            if n in self.alias:
                self.reject(node, f"{what} '{n}' rebinds a name that @pl.jit has renamed "
                               f"(to {self.alias[n]}, after an earlier rebinding at the same "
                               "depth): PyPTO would go on reading the renamed variable; use a "
                               "new name here")
            self.poisoned.pop(n, None)

    # ---- expressions

    def reads(self, node: ast.AST) -> None:
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                if n.id in self.poisoned:
                    self.reject(n, f"'{n.id}' is read after an if whose then-branch "
                                   "bound it and rebound it at the same depth while its "
                                   "else-branch bound it too: PyPTO's @pl.jit renaming would "
                                   "read the then-branch's first binding here, not its last; "
                                   "give the rebinding in the then-branch a new name")
                if n.id in self.alias:
                    n.id = self.alias[n.id]

    # ---- statements

    def body(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for s in stmts:
            self.current = s
            out.extend(self.stmt(s))
        return out

    def assign_name(self, target: ast.Name) -> None:
        name = target.id
        self.poisoned.pop(name, None)
        if name not in self.version:
            self.first(name)
        elif self.depth == self.first_depth[name]:
            target.id = self.rebind(name)
        elif name in self.alias:
            target.id = self.alias[name]

    def stmt(self, s: ast.stmt) -> list[ast.stmt]:
        if isinstance(s, ast.Assign):
            self.reads(s.value)
            if len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
                self.assign_name(s.targets[0])
                return [s]
            for t in s.targets:
                if isinstance(t, (ast.Tuple, ast.List)):
                    self.reads(t)
                    self.tuple_target(t, s.value)
                elif isinstance(t, ast.Name):
                    self.no_alias([t.id], t, "the chained assignment of")
                else:
                    self.reads(t)  # a subscript store: its base is read
            return [s]
        if isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.reads(s.value)
            self.reads(s.annotation)
            if isinstance(s.target, ast.Name) and s.value is not None:
                name = s.target.id
                if name in self.version and self.depth != self.first_depth[name]:
                    self.no_alias([name], s, "the annotated rebinding of")
                self.assign_name(s.target)
            else:
                self.reads(s.target)
            return [s]
        if isinstance(s, ast.For):
            self.reads(s.iter)
            self.no_alias(_stored(s.target), s.target, "the loop variable")
            self.depth += 1
            carried, fresh = self.sibling_names(s.body)
            self.depth -= 1
            bridges: list[ast.stmt] = []
            for name in carried:
                current = self.alias.get(name, name)
                new = self.rebind(name)
                self.first_depth[name] = self.depth
                bridge = ast.Assign(targets=[ast.Name(id=new, ctx=ast.Store())],
                                    value=ast.Name(id=current, ctx=ast.Load()))
                bridges.append(ast.copy_location(bridge, s))
                ast.fix_missing_locations(bridge)
            for name in fresh:
                self.forget(name)
            self.depth += 1
            s.body = self.body(s.body)
            self.depth -= 1
            return [*bridges, s]
        if isinstance(s, ast.If):
            self.reads(s.test)
            self.depth += 1
            before = set(self.version)
            s.body = self.body(s.body)
            poison: dict[str, ast.AST] = {}
            if s.orelse:
                for name in set(self.version) - before:
                    if name in self.alias:
                        poison[name] = s
                    self.forget(name)
                s.orelse = self.body(s.orelse)
                poison = {n: v for n, v in poison.items() if n in self.version}
            self.depth -= 1
            self.poisoned.update(poison)
            return [s]
        if isinstance(s, ast.With):
            for item in s.items:
                self.reads(item.context_expr)
                if item.optional_vars is not None:
                    self.no_alias(_stored(item.optional_vars), item.optional_vars,
                                  "the with-target")
            self.depth += 1
            s.body = self.body(s.body)
            self.depth -= 1
            return [s]
        self.reads(s)
        return [s]

    def tuple_target(self, t: ast.Tuple | ast.List, value: ast.expr) -> None:
        names = [e.id for e in t.elts if isinstance(e, ast.Name)]
        if (isinstance(value, ast.Attribute) and value.attr == "shape"
                and isinstance(value.value, ast.Name)):
            # `M, N = a.shape`: PyPTO binds each name on its own (a known one renamed)
            for e in t.elts:
                if isinstance(e, ast.Name):
                    self.poisoned.pop(e.id, None)
                    if e.id in self.version:
                        e.id = self.rebind(e.id)
                    else:
                        self.first(e.id)
            return
        self.no_alias(names, t, "the tuple-assignment target")

    def sibling_names(self, stmts: list[ast.stmt]) -> tuple[list[str], list[str]]:
        """Names a loop body assigns at its top level that were first bound at the body's
        depth by a sibling: (read before written: carried, written first: fresh)."""
        read: set[str] = set()
        _read_first(stmts, set(), read)
        carried: list[str] = []
        fresh: list[str] = []
        seen: set[str] = set()
        for s in stmts:
            targets = s.targets if isinstance(s, ast.Assign) else (
                [s.target] if isinstance(s, ast.AnnAssign) else [])
            for t in targets:
                for name in _stored(t):
                    if name in seen or name not in self.version:
                        continue
                    if self.first_depth.get(name) == self.depth:
                        seen.add(name)
                        (carried if name in read else fresh).append(name)
        return carried, fresh


def rename(fdef: ast.FunctionDef, file: str, source: str, strict: bool = False) -> Renamed:
    """A renamed copy of `fdef` (the original is not changed); `strict` raises the first
    rejection instead of marking its statement."""
    f = copy.deepcopy(fdef)
    r = _Renamer(file, source, f, strict)
    f.body = r.body(f.body)
    return Renamed(f, r.original)
