"""Syntactic name sets over kernel statements, for PyPTO's SSA rules.

* `assigned(stmts)`: every name an AssignStmt defines anywhere in `stmts`, at any depth
  (ConvertToSSA's `var_assign_defs`): plain and tuple assignment targets, annotated
  assignments, the base name of a subscript store (`t[...] = v` is
  `t = pl.assemble(t, v, ...)`), and the variable of a `pl.spmd` for-form (bound by an
  assignment at the top of the scope). Not loop variables of `pl.range` & co (a fresh
  variable per loop) nor of `pl.unroll` (replaced by constants).
* `live_in(stmts)`: the names read by `stmts` before they are assigned at the top level
  of the sequence (order-aware, like ComputeSeqLiveIn): what a later statement still
  needs, which decides whether a loop-defined name escapes.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence


def _spmd_for(node: ast.For) -> bool:
    it = node.iter
    return (isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute)
            and it.func.attr == "spmd")


def target_names(t: ast.expr) -> list[str]:
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in target_names(e)]
    if isinstance(t, ast.Subscript):
        base = t.value
        while isinstance(base, ast.Subscript):
            base = base.value
        return [base.id] if isinstance(base, ast.Name) else []
    if isinstance(t, ast.Starred):
        return target_names(t.value)
    return []


def assigned(stmts: Sequence[ast.stmt]) -> set[str]:
    out: set[str] = set()
    for s in stmts:
        for node in ast.walk(s):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    out.update(target_names(t))
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) or (isinstance(node, ast.For) and _spmd_for(node)):
                out.update(target_names(node.target))
            elif isinstance(node, ast.With):
                for item in node.items:
                    if item.optional_vars is not None:
                        out.update(target_names(item.optional_vars))
            elif _element_write(node):
                out.add(node.args[0].id)  # pyright: ignore[reportAttributeAccessIssue]
    return out


def _element_write(node: ast.AST) -> bool:
    """`pl.write(name, ...)` / `pl.tile.write` / `pl.tensor.write`: the first argument is
    assigned (a tile is rebound to its updated value)."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name)):
        return False
    f = node.func
    if not (isinstance(f, ast.Attribute) and f.attr == "write"):
        return False
    v = f.value
    if isinstance(v, ast.Attribute) and v.attr in ("tile", "tensor"):
        v = v.value
    return isinstance(v, ast.Name)


def reads(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _stmt_live_in(s: ast.stmt) -> set[str]:
    if isinstance(s, ast.For):
        inner = live_in(s.body) - set(target_names(s.target))
        return reads(s.iter) | inner | live_in(s.orelse)
    if isinstance(s, ast.While):
        return reads(s.test) | live_in(s.body)
    if isinstance(s, ast.If):
        return reads(s.test) | live_in(s.body) | live_in(s.orelse)
    if isinstance(s, ast.With):
        r: set[str] = set()
        for item in s.items:
            r |= reads(item.context_expr)
        return r | live_in(s.body)
    if isinstance(s, ast.Assign):
        r = reads(s.value)
        for t in s.targets:
            if isinstance(t, ast.Subscript):
                r |= reads(t)
                base = t.value
                if isinstance(base, ast.Name):
                    r.add(base.id)
        return r
    return reads(s)


def _kills(s: ast.stmt) -> set[str]:
    if isinstance(s, ast.Assign):
        return {n for t in s.targets if not isinstance(t, ast.Subscript) for n in target_names(t)}
    if isinstance(s, ast.AnnAssign) and s.value is not None:
        return set(target_names(s.target))
    return set()


def live_in(stmts: Sequence[ast.stmt]) -> set[str]:
    killed: set[str] = set()
    out: set[str] = set()
    for s in stmts:
        out |= _stmt_live_in(s) - killed
        killed |= _kills(s)
    return out


__all__ = ["assigned", "live_in", "reads", "target_names"]
