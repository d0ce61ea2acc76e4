"""Tuning the coarsening factor of one SPMD scope: a sweep over factors, in-process.

`sweep(module, "softmax_pool", (1, 2, 4, 8, 16), inputs=..., machine="a2a3")` clones the
parsed module once per factor (`module.clone()`, no re-parsing), applies
`pto-spmd-coarsen{scope=S factor=G}` and `pto-unroll-expand` to the clone (factor 1 is the
module as it is, only its own `pto.unroll`s, if any, expanded like every variant's), checks it with `pto-check-carried` and `pto-check-races`, compiles it
once with the interpreter, runs it on the same inputs, simulates the execution record
with the cost model and returns one `TunePoint` per factor: tasks, waves, span, Exec%
and tail overhead of the scope, the kernel's total time, and whether the variant is
legal. `best(points)` is the fastest legal point.

Design decisions (documented for users of `pto-tune` and `pto-auto-coarsen`):

* A factor that does not divide the scope's task count is tuned with
  `pto-spmd-coarsen{remainder=guard}` when `remainder="guard"` (the default of
  `pto-tune`): the last task does the remainder, under a guard; the point says so
  (`guarded == True`, a `*` after the factor in the table). With `remainder="skip"`
  (the library default) such a factor is **skipped with a reason**
  (`status == "skipped"`).
* A variant is **never dropped silently**: a variant whose legality checks fail is kept
  with `legal == False`, `status == "illegal"` and the checks' diagnostics as reasons;
  a variant that the passes or the interpreter reject is kept with `status == "failed"`.
* Every legal variant's outputs are compared bit for bit with the outputs of the
  unchanged module (coarsening must not change results); a difference makes the
  variant illegal (`status == "illegal"`, reason "outputs differ ...").
* The legality checks run after coarsening and before unroll expansion, where the
  structure they judge (a `pto.unroll` or `pto.range` over the grouped tasks) is
  still explicit.
* Work is shared across a sweep, never at the cost of a check: the scopes before the
  tuned one run once (variants start from the memory they leave, when the IR before the
  scope is unchanged), task times are cached by a task's events, a task that begins
  with the events of one scheduled before resumes from that prefix's state
  (`ptoc.costmodel.task.sharing_prefixes`), and `jobs=N` builds and runs variants in N
  processes. Every variant is still verified, checked, run and
  compared bit for bit with factor 1.
* The machine may be given by name (`"a2a3"`), by path to a TOML file, or as a loaded
  `ptoc.costmodel.Machine`.

Inputs: the kernel runs for real (trip counts and branches depend on the data), so a
sweep needs inputs. `load_inputs(path, seed)` reads the inputs a user named: an `.npz`
of arrays, or a Python script's `make_inputs(seed)` (run only because it was named:
nothing next to a kernel is ever executed implicitly);
`ptoc.backend.interpreter.random_inputs` is the generic fallback.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib.util
import io
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import DiagnosticException

from ptoc.api import context, parse
from ptoc.backend.interpreter import compile_module
from ptoc.backend.record import ExecutionRecord
from ptoc.costmodel import Machine, load_machine, simulate
from ptoc.costmodel.task import sharing_prefixes
from ptoc.diagnostics import Diagnostic, diagnostic_sink, verify
from ptoc.dialects.pto import AFTER_ATTR, SpmdOp, UnrollOp
from ptoc.passes import available_passes

if TYPE_CHECKING:
    from xdsl.context import Context

__all__ = [
    "DEFAULT_CHECKS",
    "JSON_SCHEMA_VERSION",
    "TuneError",
    "TunePoint",
    "best",
    "check_factors",
    "divisors",
    "inputs_from_script",
    "load_inputs",
    "find_scope",
    "format_table",
    "function_of",
    "idle_cores",
    "load_npz_inputs",
    "scope_names",
    "sweep",
    "to_json",
    "unique_diagnostics",
    "unique_warnings",
]

JSON_SCHEMA_VERSION = 1

DEFAULT_CHECKS: tuple[str, ...] = ("pto-check-carried", "pto-check-races")
"""The legality checks every variant must pass (pass names; they must not rewrite)."""

Status = Literal["ok", "illegal", "skipped", "failed"]
ProgressFn = Callable[[int, int, int], None]
"""`progress(done, total, factor)`: called before each variant, and once at the end."""


MAX_TASKS = 100_000
"""A scope launching more tasks is refused before any task runs (a2a3 has 48 AIV cores)."""

INTERNAL_ERROR = "internal error"
"""The prefix of a reason that is a crash of ptoc, not a property of the variant."""


class TuneError(ValueError):
    """A user error in a tuning request (unknown scope, bad factor, bad inputs)."""


@dataclass(frozen=True)
class TunePoint:
    """The result of one factor of a sweep."""

    factor: int
    status: Status
    legal: bool
    """True when the variant was built, ran, passed every check and matched the outputs."""
    tasks: int | None = None
    waves: int | None = None
    span_us: float | None = None
    exec_pct: float | None = None
    tail_oh_us: float | None = None
    total_us: float | None = None
    reasons: tuple[str, ...] = ()
    """Why the point is illegal, skipped or failed (one line each)."""
    checks: tuple[tuple[str, str], ...] = ()
    """(check name, "pass" | "fail" | "unavailable") for every legality check."""
    wall_s: float = 0.0
    """Seconds this variant took to build, check, run and simulate (not stable)."""
    timings: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    """Seconds per phase: passes, checks, compile, run, simulate (not stable)."""
    warnings: tuple[str, ...] = ()
    """The warnings of the passes and checks for this variant, rendered (not printed)."""
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)
    """The same warnings (and notes) as data."""
    guarded: bool = False
    """True when the factor does not divide the task count (coarsened with remainder=guard)."""

    @property
    def internal_error(self) -> bool:
        """True when a pass, check or the interpreter crashed on this variant (a bug in
        ptoc, not a property of the kernel): no factor can be recommended then."""
        return any(r.startswith(INTERNAL_ERROR) for r in self.reasons)

    @property
    def timed(self) -> bool:
        return self.total_us is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "status": self.status,
            "legal": self.legal,
            "tasks": self.tasks,
            "waves": self.waves,
            "span_us": self.span_us,
            "exec_pct": self.exec_pct,
            "tail_oh_us": self.tail_oh_us,
            "total_us": self.total_us,
            "reasons": list(self.reasons),
            "checks": dict(self.checks),
            "warnings": list(self.warnings),
            "wall_s": round(self.wall_s, 4),
            "guarded": self.guarded,
        }


# --------------------------------------------------------------------------- scopes


def _spmd_ops(module: Operation, func_name: str | None = None) -> list[SpmdOp]:
    found: list[SpmdOp] = []
    for op in module.walk():
        if isinstance(op, SpmdOp):
            if func_name is not None and function_of(op) != func_name:
                continue
            found.append(op)
    return found


def function_of(op: Operation) -> str | None:
    parent = op.parent_op()
    while parent is not None:
        if isinstance(parent, func.FuncOp):
            return parent.sym_name.data
        parent = parent.parent_op()
    return None


def _function_names(module: ModuleOp) -> list[str]:
    return [op.sym_name.data for op in module.walk() if isinstance(op, func.FuncOp)]


def scope_names(module: ModuleOp, func_name: str | None = None) -> list[str]:
    """The names of the `pto.spmd` scopes (in program order; unnamed ones left out)."""
    return [n for op in _spmd_ops(module, func_name) if (n := op.scope_name) is not None]


def find_scope(module: ModuleOp, scope: str, func_name: str | None = None) -> SpmdOp:
    """The one `pto.spmd` named `scope`; `TuneError` (listing the scopes) otherwise."""
    if func_name is not None and func_name not in _function_names(module):
        names = ", ".join(_function_names(module)) or "none"
        raise TuneError(f"no function '{func_name}' in the module (functions: {names})")
    ops = [op for op in _spmd_ops(module, func_name) if op.scope_name == scope]
    if not ops:
        names = scope_names(module, func_name)
        listed = ", ".join(names) if names else "none (no named pto.spmd)"
        raise TuneError(f"unknown scope '{scope}' (scopes: {listed})")
    if len(ops) > 1:
        funcs = sorted({f for op in ops if (f := function_of(op)) is not None})
        hint = f"; choose a function with --func ({', '.join(funcs)})" if len(funcs) > 1 else ""
        raise TuneError(f"{len(ops)} pto.spmd ops are named '{scope}'{hint}")
    return ops[0]


def divisors(n: int, limit: int | None = None) -> list[int]:
    """The divisors of `n` in increasing order (at most `limit`, if given)."""
    if n < 1:
        raise TuneError(f"cannot take the divisors of {n}")
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    all_divs = sorted(set(small + [n // d for d in small]))
    return [d for d in all_divs if limit is None or d <= limit]


def check_factors(factors: Sequence[int]) -> list[int]:
    """The factors, validated (each >= 1), duplicates removed, order kept."""
    if not factors:
        raise TuneError("no factors to try")
    out: list[int] = []
    for f in factors:
        if isinstance(f, bool) or not isinstance(f, int):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TuneError(f"factor {f!r} is not an integer")
        if f <= 0:
            raise TuneError(f"factor {f} must be >= 1")
        if f not in out:
            out.append(f)
    return out


# --------------------------------------------------------------------------- inputs


class _KeepOpen(io.TextIOBase):
    """A stream for an inputs script's output: forwarded to `target`, never closed."""

    def __init__(self, target: IO[str]):
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self._target.write(s)
        return len(s)

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:  # a script closing sys.stdout must not close the tool's
        pass


def inputs_from_script(script: str, seed: int) -> dict[str, np.ndarray]:
    """Inputs from `make_inputs(seed)` in the Python file `script`.

    The script is code: it is run only because the user named it (`--inputs FILE.py`).
    Whatever it prints goes to stderr (stdout is the tool's report). Anything it raises,
    including `SystemExit` and other `BaseException`s, is a `TuneError`; so is a result
    that is not a dict of str -> numpy array.
    """
    if not os.path.isfile(script):
        raise TuneError(f"cannot read inputs script '{script}': no such file")
    name = f"_ptoc_inputs_script_{abs(hash(os.path.abspath(script)))}"
    saved_out, saved_err = sys.stdout, sys.stderr
    try:
        spec = importlib.util.spec_from_file_location(name, script)
        if spec is None or spec.loader is None:
            raise TuneError(f"cannot import the inputs script '{script}'")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        sys.stdout = _KeepOpen(saved_err)
        sys.stderr = _KeepOpen(saved_err)
        try:
            spec.loader.exec_module(mod)
            make = getattr(mod, "make_inputs", None)
            if not callable(make):
                raise TuneError(f"{script} has no function make_inputs(seed)")
            result = make(seed)
        finally:
            sys.stdout, sys.stderr = saved_out, saved_err
            sys.modules.pop(name, None)
    except TuneError:
        raise
    except KeyboardInterrupt:
        raise
    except SystemExit as e:
        raise TuneError(f"{script}: the inputs script called sys.exit({e.code!r})") from None
    except BaseException as e:  # the script's own failure, whatever it raised
        msg = (str(e).strip().splitlines() or [""])[0]
        raise TuneError(
            f"{script}: make_inputs({seed}) failed: {type(e).__name__}: {msg}"
        ) from e
    if not isinstance(result, Mapping):
        raise TuneError(f"{script}: make_inputs({seed}) must return a dict of arrays")
    arrays: dict[str, np.ndarray] = {}
    for k, v in result.items():  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(k, str) or not isinstance(v, np.ndarray):
            raise TuneError(f"{script}: make_inputs({seed}) must return a dict of str -> numpy array")
        arrays[k] = v
    return arrays


def load_inputs(path: str, seed: int = 0) -> dict[str, np.ndarray]:
    """The inputs named on a command line: a `.py` script's `make_inputs(seed)`, or the
    arrays of an `.npz` file."""
    if path.endswith(".py"):
        return inputs_from_script(path, seed)
    return load_npz_inputs(path)


def load_npz_inputs(path: str) -> dict[str, np.ndarray]:
    """The arrays of an .npz file, by name."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: np.asarray(data[k]) for k in data.files}
    except OSError as e:
        raise TuneError(f"cannot read inputs '{path}': {e.strerror or e}") from e
    except Exception as e:
        raise TuneError(f"'{path}' is not a readable .npz file: {e}") from e


# --------------------------------------------------------------------------- sweep


def _pass(name: str, **options: Any) -> ModulePass:
    table = available_passes()
    if name not in table:
        raise TuneError(f"the pass {name} is not available in this installation")
    return table[name]()(**options)


def _load_machine(machine: Machine | str) -> Machine:
    if isinstance(machine, str):
        try:
            return load_machine(machine)
        except DiagnosticException:
            raise
        except (OSError, ValueError, KeyError) as e:
            raise TuneError(f"cannot load machine '{machine}': {e}") from e
    return machine


def _first_line(e: BaseException) -> str:
    text = str(e.args[0]) if e.args else str(e)
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(e).__name__


def _internal(where: str, e: Exception) -> str:
    """A variant-level reason for a crash in a pass or the interpreter (a bug there).

    With PTOC_DEBUG set the exception propagates, for its traceback.
    """
    if os.environ.get("PTOC_DEBUG"):
        raise e
    return f"{INTERNAL_ERROR} in {where}: {type(e).__name__}: {_first_line(e)} (please report this)"


def _same_outputs(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> list[str]:
    """Names of the outputs that differ bit for bit."""
    diff: list[str] = []
    for name, x in a.items():
        y = b.get(name)
        if y is x:
            continue  # both runs left the same input array unwritten (`_Unwritten`)
        if y is None or x.shape != y.shape or x.dtype != y.dtype or not np.array_equal(
            np.ascontiguousarray(x).view(np.uint8), np.ascontiguousarray(y).view(np.uint8)
        ):
            diff.append(name)
    return diff


def _scope_report(rep: Any, scope: str) -> Any:
    for s in rep.scopes:
        if s.name == scope:
            return s
    return None


def sweep(
    module: ModuleOp,
    scope: str,
    factors: Sequence[int],
    *,
    inputs: Mapping[str, np.ndarray],
    machine: Machine | str,
    inner: str = "unroll",
    func: str | None = None,
    remainder: Literal["skip", "guard"] = "skip",
    checks: Sequence[str | ModulePass] = DEFAULT_CHECKS,
    compare_outputs: bool = True,
    progress: ProgressFn | None = None,
    ctx: Context | None = None,
    jobs: int | Literal["auto"] = 1,
    share_prefix: bool = True,
) -> list[TunePoint]:
    """One `TunePoint` per factor, in the order given (see the module docstring).

    `module` is not modified. `checks` are pass names (or pass instances) that must
    not rewrite the IR; a check that raises a diagnostic makes the variant illegal.
    `jobs > 1` builds and runs the variants in that many worker processes (each parses
    the printed module once); the points and the comparison with factor 1 are the same.
    `jobs="auto"` takes the machine's idle cores (`idle_cores`), at most one per variant.
    `share_prefix` lets a variant start after the scopes that precede the tuned one, from
    the memory and records the base module leaves there (the same IR on the same inputs
    gives the same state; `_PrefixShare` checks that the IR before the scope is unchanged).
    """
    if remainder not in ("skip", "guard"):
        raise TuneError(f"remainder must be 'skip' or 'guard', not '{remainder}'")
    if inner not in ("unroll", "range"):
        raise TuneError(f"inner must be 'unroll' or 'range', not '{inner}'")
    factors = check_factors(factors)
    spmd = find_scope(module, scope, func)
    count = spmd.static_count
    if count is None:
        raise TuneError(f"scope '{scope}' has a dynamic task count; only static counts can be tuned")
    func_name = func or function_of(spmd)
    mach = _load_machine(machine)
    _check_inputs(module, func_name, inputs)
    ctx = ctx or context()
    check_passes: list[tuple[str, ModulePass | None]] = []
    for c in checks:
        if isinstance(c, str):
            try:
                check_passes.append((c, _pass(c)))
            except TuneError:
                check_passes.append((c, None))  # not installed: reported as "unavailable"
        else:
            check_passes.append((c.name, c))

    if jobs != "auto" and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TuneError(f"jobs must be an integer >= 1 or 'auto', not {jobs!r}")
    todo = [g for g in factors if g <= count and (count % g == 0 or remainder == "guard")]
    if jobs == "auto":
        jobs = idle_cores(len(todo))
    done: dict[int, tuple[TunePoint, dict[str, Any] | None]] = {}
    share: _PrefixShare | Literal[False] | None = None if share_prefix else False
    with _sweep_gc(), sharing_prefixes():
        if jobs > 1 and len(todo) > 1:
            # the workers start from the prefix's memory too (built once, here)
            if share is None:
                share = _PrefixShare.build(module, func_name, scope, inputs) or False
            done = _parallel(
                module, todo, jobs, (scope, count, inner, remainder, func_name, inputs, mach,
                                     check_passes, share or None),
            )

        return _sweep_points(
            module, ctx, scope, factors, count, inner, remainder, func_name, inputs, mach,
            check_passes, compare_outputs, progress, done, share, len(todo) > 1,
        )


def idle_cores(limit: int | None = None) -> int:
    """The cores this process may use (its CPU affinity) that other work does not keep
    busy: their number less the whole part of the 1-minute load average, at least 1 and
    at most `limit`. The load average lags by up to a minute, so this is a guess for
    sharing a machine politely, not a measurement."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        usable = os.cpu_count() or 1
    try:
        busy = int(os.getloadavg()[0])
    except (AttributeError, OSError):  # not available on this system
        busy = 0
    n = max(1, usable - busy)
    return n if limit is None else max(1, min(n, limit))


@contextmanager
def _sweep_gc() -> Iterator[None]:
    """Python's cyclic collector, tuned for a sweep, then put back as it was.

    A sweep keeps the caller's module, inputs and the base run alive throughout and makes
    short-lived IR copies (every object of which is in a reference cycle) by the hundred
    thousand. Left alone, the collector's full collections walk the long-lived heap again
    and again: on the seed's 16-factor sweep they took 0.27 s of 0.39 s of collection.
    What exists before the sweep is frozen (never walked; `gc.unfreeze` on the way out
    makes it collectable again) and the young generation is collected less often (its
    garbage is freed in larger, rarer runs: 0.07 s in all). Forked `--jobs` workers inherit
    the frozen heap untouched, as the `gc.freeze` documentation recommends for forking.
    A caller that froze objects itself keeps them frozen: `gc.unfreeze` cannot tell its
    objects from the sweep's, so the sweep then freezes nothing."""
    thresholds = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 20), max(thresholds[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


def _sweep_points(
    module: ModuleOp,
    ctx: Context,
    scope: str,
    factors: Sequence[int],
    count: int,
    inner: str,
    remainder: str,
    func_name: str | None,
    inputs: Mapping[str, np.ndarray],
    mach: Machine,
    check_passes: Sequence[tuple[str, ModulePass | None]],
    compare_outputs: bool,
    progress: ProgressFn | None,
    done: dict[int, tuple[TunePoint, dict[str, Any] | None]],
    share: _PrefixShare | Literal[False] | None,
    several: bool,
) -> list[TunePoint]:
    """`share`: the prefix share, False for none, None to build it when first needed
    (once `several` variants run it pays for itself; factor 1 uses it too)."""
    points: list[TunePoint] = []
    baseline: dict[str, np.ndarray] | None = None
    baseline_tried = False
    for i, g in enumerate(factors):
        if progress is not None:
            progress(i, len(factors), g)
        if g > count:
            points.append(
                TunePoint(g, "skipped", False, reasons=(f"{g} is more than the {count} tasks",))
            )
            continue
        if count % g != 0 and remainder == "skip":
            points.append(
                TunePoint(
                    g,
                    "skipped",
                    False,
                    reasons=(f"{g} does not divide the {count} tasks (use remainder=guard)",),
                )
            )
            continue
        if several and share is None and g not in done:
            share = _PrefixShare.build(module, func_name, scope, inputs) or False
        if g in done:
            point, sent = done.pop(g)
            outputs = _resolve(sent, inputs, share or None)
        else:
            point, kept = _variant(
                module, ctx, scope, g, count, inner, remainder, func_name, inputs, mach,
                check_passes, share or None, keep_written=True,
            )
            outputs = _resolve(kept, inputs, share or None)
        if count % g:
            point = _replace(point, guarded=True)
        if compare_outputs and outputs is not None:
            if g == 1:
                baseline, baseline_tried = outputs, True
            else:
                if not baseline_tried:
                    baseline, baseline_tried = _run_baseline(module, func_name, inputs), True
                differ = [] if baseline is None else _same_outputs(baseline, outputs)
                if differ and point.status == "ok":
                    point = _replace(
                        point,
                        status="illegal",
                        legal=False,
                        reasons=(
                            *point.reasons,
                            f"outputs differ from the unchanged kernel: {', '.join(differ)}",
                        ),
                    )
        points.append(point)
    if progress is not None:
        progress(len(factors), len(factors), factors[-1])
    return points


class _PrefixShare:
    """What the base module's run leaves before the tuned scope, shared by the variants.

    `build` applies when the tuned `pto.spmd` is a top-level op of its function that has
    other scopes before it, and everything before it is a `pto.spmd` or an op without
    regions or memory effects (`arith`); it runs the base module cut just before the
    scope (once per sweep). `trim(variant)` checks that the variant's ops before the scope
    print exactly as the base's, then erases the scopes among them: the variant then runs
    from the base's memory (`state`, every memref after those scopes) and its record is
    `records` (theirs) followed by its own.
    """

    def __init__(self, k: int, texts: list[str], state: dict[str, Any], records: list[Any]):
        self.k = k
        self.texts = texts
        self.state = state
        self.records = records

    @staticmethod
    def _top(module: ModuleOp, func_name: str | None) -> list[Operation] | None:
        fns = [o for o in module.walk() if isinstance(o, func.FuncOp)
               and (func_name is None or o.sym_name.data == func_name)]
        if len(fns) != 1 or len(fns[0].body.blocks) != 1:
            return None
        return list(fns[0].body.block.ops)

    @classmethod
    def build(
        cls, module: ModuleOp, func_name: str | None, scope: str, inputs: Mapping[str, np.ndarray]
    ) -> _PrefixShare | None:
        top = cls._top(module, func_name)
        if top is None:
            return None
        ks = [i for i, o in enumerate(top) if isinstance(o, SpmdOp) and o.scope_name == scope]
        if len(ks) != 1:
            return None
        k = ks[0]
        prefix = top[:k]
        if not any(isinstance(o, SpmdOp) for o in prefix):
            return None
        if not all(isinstance(o, SpmdOp) or (o.name.startswith("arith.") and not o.regions)
                   for o in prefix):
            return None
        if any(AFTER_ATTR in o.attributes for o in module.walk() if isinstance(o, SpmdOp)):
            return None  # explicit dependences name launches by their place in one record
        cut = module.clone()
        ctop = cls._top(cut, func_name)
        assert ctop is not None
        for o in reversed(ctop[k:-1]):  # keep the terminator
            o.detach()
            o.erase(safe_erase=False)
        try:
            res = compile_module(cut, func=func_name).run(inputs)
        except DiagnosticException:
            return None
        state: dict[str, Any] = dict(inputs)
        state.update(res.outputs)
        return cls(k, [str(o) for o in prefix], state, list(res.record.scopes))

    def trim(self, variant: ModuleOp, func_name: str | None) -> bool:
        top = self._top(variant, func_name)
        if top is None or len(top) <= self.k or not isinstance(top[self.k], SpmdOp):
            return False
        if [str(o) for o in top[: self.k]] != self.texts:
            return False
        for o in reversed(top[: self.k]):
            if isinstance(o, SpmdOp):
                o.detach()
                o.erase()
        return True


_WorkerArgs = tuple[str, int, str, str, "str | None", "Mapping[str, np.ndarray]", "Machine",
                    "Sequence[tuple[str, ModulePass | None]]", "_PrefixShare | None"]
_worker_state: dict[str, Any] = {}


def _worker_init(module: ModuleOp | str, args: _WorkerArgs) -> None:
    """A worker's module: the parent's own object when the worker was forked (its memory
    is the parent's, copied on write), else parsed from the parent's printed module."""
    _worker_state["module"] = (
        parse(module, "<pto-tune worker>") if isinstance(module, str) else module
    )
    _worker_state["ctx"] = context()
    _worker_state["args"] = args


@dataclass(frozen=True)
class _Unwritten:
    """The stand-in for an output that no op of a variant writes: the array the variant
    started from (`prefix`: the prefix share's memory, else the sweep's inputs), so that
    a worker need not send it back and the comparison need not look at it again."""

    prefix: bool


def _worker_variant(g: int) -> tuple[TunePoint, dict[str, Any] | None]:
    (scope, count, inner, remainder, func_name, inputs, mach, check_passes,
     share) = _worker_state["args"]
    return _variant(
        _worker_state["module"], _worker_state["ctx"], scope, g, count, inner, remainder,
        func_name, inputs, mach, check_passes, share, keep_written=True,
    )


def _resolve(
    outputs: dict[str, Any] | None, inputs: Mapping[str, np.ndarray], share: _PrefixShare | None
) -> dict[str, np.ndarray] | None:
    """A variant's outputs with every `_Unwritten` replaced by the array it stands for."""
    if outputs is None:
        return None
    out: dict[str, np.ndarray] = {}
    for name, v in outputs.items():
        if isinstance(v, _Unwritten):
            v = share.state[name] if v.prefix and share is not None else inputs[name]
        out[name] = v
    return out


def _parallel(
    module: ModuleOp, factors: Sequence[int], jobs: int, args: _WorkerArgs
) -> dict[int, tuple[TunePoint, dict[str, Any] | None]]:
    """The variants of `factors`, built and run in a pool of `jobs` processes.

    A forked worker (the default start method on Linux up to Python 3.13) starts from the
    parent's module object; a spawned one parses the printed module (IR objects do not
    pickle). The largest factors go first: a variant's IR, and with it most of its cost,
    grows with its factor, and the long ones started last would leave one worker busy
    alone at the end (longest first, the classic greedy order for a pool)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    mp = multiprocessing.get_context()
    source: ModuleOp | str = module if mp.get_start_method() == "fork" else str(module)
    workers = min(jobs, len(factors))
    order = sorted(factors, reverse=True)
    with ProcessPoolExecutor(
        workers, mp_context=mp, initializer=_worker_init, initargs=(source, args)
    ) as pool:
        return dict(zip(order, pool.map(_worker_variant, order), strict=True))


def _check_inputs(
    module: ModuleOp, func_name: str | None, inputs: Mapping[str, np.ndarray]
) -> None:
    """Reject missing, extra or ill-typed inputs once, up front (an `InterpreterError`),
    rather than as the same failure of every variant."""
    prepare = getattr(compile_module(module, func=func_name), "prepare_inputs", None)
    if prepare is not None:
        prepare(inputs)


def _replace(p: TunePoint, **kw: Any) -> TunePoint:
    return dataclasses.replace(p, **kw)


def _run_baseline(
    module: ModuleOp, func_name: str | None, inputs: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray] | None:
    try:
        return dict(
            compile_module(module, func=func_name).run(inputs, max_tasks=MAX_TASKS).outputs
        )
    except DiagnosticException:
        return None


def _variant(
    module: ModuleOp,
    ctx: Context,
    scope: str,
    g: int,
    count: int,
    inner: str,
    remainder: str,
    func_name: str | None,
    inputs: Mapping[str, np.ndarray],
    mach: Machine,
    check_passes: Sequence[tuple[str, ModulePass | None]],
    share: _PrefixShare | None = None,
    keep_written: bool = False,
) -> tuple[TunePoint, dict[str, Any] | None]:
    """One variant's point and its outputs; with `keep_written`, an output that no op of
    the variant writes is an `_Unwritten` (a worker sends back only what may differ)."""
    t0 = time.perf_counter()
    timings: list[tuple[str, float]] = []

    def lap(phase: str, since: float) -> float:
        now = time.perf_counter()
        timings.append((phase, now - since))
        return now

    warnings: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()

    def failed(why: str) -> tuple[TunePoint, None]:
        return (
            TunePoint(
                g,
                "failed",
                False,
                reasons=(why,),
                wall_s=time.perf_counter() - t0,
                timings=tuple(timings),
                warnings=warnings,
                diagnostics=diagnostics,
            ),
            None,
        )

    variant = module.clone()
    # keep the warnings of the passes and checks with the point (a tool prints each
    # distinct warning once, not once per variant)
    with diagnostic_sink() as sink:
        outcome = _passes_and_checks(ctx, variant, scope, g, count, inner, check_passes, lap)
    diagnostics = tuple(sink.diagnostics)
    warnings = tuple(d.render() for d in diagnostics)
    if isinstance(outcome, str):
        return failed(outcome)
    results, reasons = outcome
    t = time.perf_counter()
    # the scopes before the tuned one are the base's (same IR, same inputs): start from
    # the base's memory after them and reuse their records (checked: `_PrefixShare.trim`)
    before: list[Any] = []
    run_inputs = inputs
    from_prefix = False
    if share is not None and share.trim(variant, func_name):
        from_prefix = True
        before, run_inputs = share.records, share.state
    try:
        prog = compile_module(variant, func=func_name)
        t = lap("compile", t)
        res = prog.run(run_inputs, max_tasks=MAX_TASKS)
        t = lap("run", t)
    except DiagnosticException as e:
        return failed(f"interpreter: {_first_line(e)}")
    except Exception as e:
        return failed(_internal("interpreter", e))
    record = ExecutionRecord([*before, *res.record.scopes]) if before else res.record
    # a task's schedule is memoised by the cost model on its events and the machine, so
    # the scopes the variant left unchanged are not rescheduled
    rep = simulate(record, mach)
    t = lap("simulate", t)
    s = _scope_report(rep, scope)
    legal = not reasons
    point = TunePoint(
        factor=g,
        status="ok" if legal else "illegal",
        legal=legal,
        tasks=None if s is None else int(s.tasks),
        waves=None if s is None else int(s.waves),
        span_us=None if s is None else float(s.span_us),
        exec_pct=None if s is None else float(s.exec_pct),
        tail_oh_us=None if s is None else float(s.tail_oh_us),
        total_us=float(rep.total_us),
        reasons=tuple(reasons),
        checks=tuple(results),
        wall_s=time.perf_counter() - t0,
        timings=tuple(timings),
        warnings=warnings,
        diagnostics=diagnostics,
    )
    if not keep_written:
        return point, dict(res.outputs)
    unwritten = prog.never_written
    return point, {n: _Unwritten(from_prefix) if n in unwritten else v
                   for n, v in res.outputs.items()}


def _passes_and_checks(
    ctx: Context,
    variant: ModuleOp,
    scope: str,
    g: int,
    count: int,
    inner: str,
    check_passes: Sequence[tuple[str, ModulePass | None]],
    lap: Callable[[str, float], float],
) -> str | tuple[list[tuple[str, str]], list[str]]:
    """Coarsen, check and expand `variant` in place: the reason it failed, or
    (check results, illegality reasons)."""
    t = time.perf_counter()
    try:
        if g != 1:
            rem = "guard" if count % g else "error"
            _pass(
                "pto-spmd-coarsen", factor=g, inner=inner, remainder=rem, scope=scope
            ).apply(ctx, variant)
    except TuneError as e:
        return str(e)
    except DiagnosticException as e:
        return f"pto-spmd-coarsen: {_first_line(e)}"
    except Exception as e:
        return _internal("pto-spmd-coarsen", e)
    t = lap("coarsen", t)

    results: list[tuple[str, str]] = []
    reasons: list[str] = []
    for name, check in check_passes:
        if check is None:
            results.append((name, "unavailable"))
            continue
        try:
            check.apply(ctx, variant)
            results.append((name, "pass"))
        except DiagnosticException as e:
            results.append((name, "fail"))
            reasons.append(f"{name}: {_first_line(e)}")
        except Exception as e:
            results.append((name, "fail"))
            reasons.append(_internal(name, e))
    t = lap("checks", t)

    try:
        # every variant goes through the same pipeline: with factor 1 this expands only
        # the pto.unrolls the kernel already had (if any), like it does for the others
        if g != 1 or any(isinstance(o, UnrollOp) for o in variant.walk()):
            _pass("pto-unroll-expand").apply(ctx, variant)
            verify(variant)  # once, after the whole pipeline: a pass bug is a failed variant
    except TuneError as e:
        return str(e)
    except DiagnosticException as e:
        return f"pto-unroll-expand: {_first_line(e)}"
    except Exception as e:
        return _internal("pto-unroll-expand", e)
    lap("expand", t)
    return results, reasons


def unique_warnings(points: Sequence[TunePoint]) -> list[str]:
    """The distinct warnings of a sweep, in first-seen order."""
    return list(dict.fromkeys(w for p in points for w in p.warnings))


def unique_diagnostics(points: Sequence[TunePoint]) -> list[Diagnostic]:
    """The distinct diagnostics of a sweep (by rendered text), in first-seen order."""
    seen: dict[str, Diagnostic] = {}
    for p in points:
        for d in p.diagnostics:
            seen.setdefault(d.render(), d)
    return list(seen.values())


def best(points: Sequence[TunePoint]) -> TunePoint | None:
    """The fastest legal point (the smaller factor on a tie); None if none is legal, or
    if any variant hit an internal error (its factor might have been the best)."""
    if any(p.internal_error for p in points):
        return None
    legal = [p for p in points if p.legal and p.total_us is not None]
    if not legal:
        return None
    return min(legal, key=lambda p: (p.total_us, p.factor))


# --------------------------------------------------------------------------- reports


def to_json(
    points: Sequence[TunePoint],
    *,
    scope: str,
    tasks: int | None = None,
    func: str | None = None,
    machine: str | None = None,
    inner: str = "unroll",
    file: str | None = None,
    inputs: str | None = None,
) -> dict[str, Any]:
    """A machine-readable sweep (schema version `JSON_SCHEMA_VERSION`)."""
    b = best(points)
    return {
        "schema": JSON_SCHEMA_VERSION,
        "tool": "pto-tune",
        "file": file,
        "func": func,
        "scope": scope,
        "tasks": tasks,
        "machine": machine,
        "inner": inner,
        "inputs": inputs,
        "factors": [p.factor for p in points],
        "best": None if b is None else b.factor,
        "best_total_us": None if b is None else b.total_us,
        "points": [p.to_json() for p in points],
    }


def _fmt(v: float | int | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def format_table(points: Sequence[TunePoint], *, title: str | None = None) -> str:
    """The sweep as a fixed-width table, the best point marked `<- best`."""
    b = best(points)
    head = ("factor", "tasks", "waves", "span us", "Exec%", "tail OH us", "total us", "legal")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    for p in points:
        legal = {"ok": "yes", "illegal": "NO", "skipped": "skipped", "failed": "failed"}[p.status]
        rows.append(
            (
                f"{p.factor}*" if p.guarded else str(p.factor),
                _fmt(p.tasks, "d"),
                _fmt(p.waves, "d"),
                _fmt(p.span_us, ".2f"),
                _fmt(p.exec_pct, ".1f"),
                _fmt(p.tail_oh_us, ".2f"),
                _fmt(p.total_us, ".2f"),
                legal,
            )
        )
        notes.extend(f"  factor {p.factor}: {r}" for r in p.reasons)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines: list[str] = []
    if title:
        lines.append(title)
    lines.append("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)).rstrip())
    for p, r in zip(points, rows, strict=True):
        line = "  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True))
        if b is not None and p is b:
            base = next((q for q in points if q.factor == 1 and q.total_us is not None), None)
            gain = ""
            if base is not None and base is not b and base.total_us and b.total_us is not None:
                gain = f" ({(b.total_us - base.total_us) / base.total_us * 100:+.1f}% vs factor 1)"
            line += f"  <- best{gain}"
        lines.append(line.rstrip())
    if any(p.internal_error for p in points):
        lines.append("no recommendation: a variant hit an internal error (see the notes)")
    elif b is None:
        lines.append("no legal factor")
    if any(p.guarded for p in points):
        lines.append("* guarded: the factor does not divide the task count (remainder=guard)")
    if notes:
        lines.append("notes:")
        lines.extend(notes)
    return "\n".join(lines)
