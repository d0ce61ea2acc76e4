"""Sweeping module constants of a `.py` kernel: `pto-tune kernel.py --set POOL_GROUP=1,2,4`.

The knobs kernel authors turn are module constants (tile sizes, split factors, task
counts, `POOL_GROUP`): no pass rewrites them, the author edits the constant and
re-imports. `sweep_constants(path, [("POOL_GROUP", [1, 2, 4])], inputs=..., machine=...)`
does exactly that for every point of the grid (several `--set` make a product): the
kernel is re-imported with the constants replaced (`ptoc.frontend.load_kernel(...,
constants=...)`), checked with the legality checks (`pto-check-carried`,
`pto-check-races`), run with the interpreter on the same inputs and simulated with the
cost model. A variant whose import fails (a constant that breaks an `assert`, a shape)
is kept, `status == "failed"`, with the located error as its reason: never dropped.
Outputs of legal variants are compared bit for bit with the grid's first variant that
ran; a difference is reported as a note (changing a constant may change results).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.utils.exceptions import DiagnosticException

from ptoc.api import context
from ptoc.backend.interpreter import compile_module
from ptoc.costmodel import load_machine, simulate
from ptoc.diagnostics import diagnostic_sink
from ptoc.dialects.pto import UnrollOp
from ptoc.frontend import FrontendError, load_kernel
from ptoc.passes import available_passes
from ptoc.tuning.factor_sweep import DEFAULT_CHECKS, TuneError

__all__ = ["SetPoint", "best_point", "format_set_table", "grid", "set_points_json", "sweep_constants"]


@dataclass(frozen=True)
class SetPoint:
    """One variant of a constant sweep."""

    values: tuple[tuple[str, Any], ...]
    status: str  # "ok" | "illegal" | "failed"
    legal: bool
    tasks: int | None = None
    waves: int | None = None
    span_us: float | None = None
    exec_pct: float | None = None
    tail_oh_us: float | None = None
    total_us: float | None = None
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return " ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in self.values)

    def to_json(self) -> dict[str, Any]:
        return {
            "values": dict(self.values), "status": self.status, "legal": self.legal,
            "tasks": self.tasks, "waves": self.waves, "span_us": self.span_us,
            "exec_pct": self.exec_pct, "tail_oh_us": self.tail_oh_us,
            "total_us": self.total_us, "reasons": list(self.reasons),
            "warnings": list(self.warnings),
        }


def grid(sets: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
    """Every combination of the `--set` values, the first name varying slowest."""
    seen: set[str] = set()
    for name, values in sets:
        if name in seen:
            raise TuneError(f"--set {name} is given twice")
        if not values:
            raise TuneError(f"--set {name} has no values")
        seen.add(name)
    names = [n for n, _ in sets]
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in sets))]


def _first_line(e: BaseException) -> str:
    text = str(e.args[0]) if e.args else str(e)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(e).__name__


def _check(name: str) -> Any:
    table = available_passes()
    return table[name]()() if name in table else None


def sweep_constants(
    path: str,
    sets: Sequence[tuple[str, Sequence[Any]]],
    *,
    inputs: Mapping[str, np.ndarray] | Callable[[Any], Mapping[str, np.ndarray]],
    machine: Any,
    func: str | None = None,
    scope: str | None = None,
    checks: Sequence[str] = DEFAULT_CHECKS,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[SetPoint]:
    """One `SetPoint` per grid point (see the module docstring). `inputs` may be a
    function of the loaded module (random inputs depend on the argument types)."""
    mach = load_machine(machine) if isinstance(machine, str) else machine
    ctx = context()
    points: list[SetPoint] = []
    baseline: dict[str, np.ndarray] | None = None
    combos = grid(sets)
    for i, combo in enumerate(combos):
        values = tuple(combo.items())
        label = SetPoint(values, "ok", True).label
        if progress is not None:
            progress(i, len(combos), label)
        try:
            module = load_kernel(path, func=func, constants=combo)
        except FrontendError as e:
            points.append(SetPoint(values, "failed", False, reasons=(f"import: {_first_line(e)}",)))
            continue
        reasons: list[str] = []
        with diagnostic_sink() as sink:
            for name in checks:
                p = _check(name)
                if p is None:
                    continue
                try:
                    p.apply(ctx, module)
                except DiagnosticException as e:
                    reasons.append(f"{name}: {_first_line(e)}")
            if any(isinstance(o, UnrollOp) for o in module.walk()):
                _check("pto-unroll-expand").apply(ctx, module)
        warnings = tuple(d.render() for d in sink.diagnostics)
        try:
            prog = compile_module(module, func=func)
            ins = inputs(module) if callable(inputs) else inputs
            res = prog.run(ins)
        except DiagnosticException as e:
            points.append(SetPoint(values, "failed", False,
                                   reasons=(*reasons, f"interpreter: {_first_line(e)}"),
                                   warnings=warnings))
            continue
        rep = simulate(res.record, mach)
        s = None
        if scope is not None:
            s = next((x for x in rep.scopes if x.name == scope), None)
            if s is None:
                reasons.append(f"the variant has no scope named '{scope}'")
        outs = {k: np.asarray(v) for k, v in res.outputs.items()}
        if baseline is None:
            baseline = outs
        legal = not reasons
        points.append(SetPoint(
            values, "ok" if legal else "illegal", legal,
            tasks=None if s is None else int(s.tasks),
            waves=None if s is None else int(s.waves),
            span_us=None if s is None else float(s.span_us),
            exec_pct=None if s is None else float(s.exec_pct),
            tail_oh_us=None if s is None else float(s.tail_oh_us),
            total_us=float(rep.total_us), reasons=tuple(reasons), warnings=warnings))
    if progress is not None:
        progress(len(combos), len(combos), "done")
    return points


def _fmt(v: float | int | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def best_point(points: Sequence[SetPoint]) -> SetPoint | None:
    legal = [p for p in points if p.legal and p.total_us is not None]
    return min(legal, key=lambda p: p.total_us or 0.0) if legal else None


def format_set_table(points: Sequence[SetPoint], *, title: str | None = None) -> str:
    """The sweep as a table: one row per variant, the fastest legal one marked."""
    b = best_point(points)
    names = [k for k, _ in points[0].values] if points else []
    head = (*names, "tasks", "waves", "span us", "Exec%", "tail OH us", "total us", "legal")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for p in points:
        legal = {"ok": "yes", "illegal": "NO", "failed": "failed"}[p.status]
        rows.append((*(str(v) for _, v in p.values), _fmt(p.tasks, "d"), _fmt(p.waves, "d"),
                     _fmt(p.span_us, ".2f"), _fmt(p.exec_pct, ".1f"), _fmt(p.tail_oh_us, ".2f"),
                     _fmt(p.total_us, ".2f"), legal))
        notes.extend(f"  {p.label}: {r}" for r in p.reasons)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = [title] if title else []
    lines.append("  ".join(h.rjust(w) for h, w in zip(head, widths)).rstrip())
    for p, r in zip(points, rows):
        line = "  ".join(c.rjust(w) for c, w in zip(r, widths))
        if p is b:
            line += "  <- best"
        lines.append(line.rstrip())
    if b is None:
        lines.append("no legal variant")
    if notes:
        lines.append("notes:")
        lines.extend(notes)
    return "\n".join(lines)


def set_points_json(points: Sequence[SetPoint], **meta: Any) -> dict[str, Any]:
    b = best_point(points)
    return {"schema": 1, "tool": "pto-tune", "mode": "set", **meta,
            "best": None if b is None else dict(b.values),
            "best_total_us": None if b is None else b.total_us,
            "points": [p.to_json() for p in points]}
