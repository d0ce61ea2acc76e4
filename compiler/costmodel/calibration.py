"""The seed's hardware measurements, and the model's error against them.

Used by bench/fit_a2a3.py (fitting the machine file's `# fitted:` parameters),
bench/ucurve.py (the table of model against measurement) and the seed U-curve test.

The measurements (shared/reference/seed-kernel.md): the standalone DeepSeek-V4 ratio-4
compressor kernel on a2a3, softmax_pool at POOL_GROUP G = 1, 2, 4. Records of the same
kernel come from the interpreter on `make_inputs(seed, gate="mixed")` (about half the
batches close a window, as in a decode step with random positions); the hardware run's
exact inputs are not published.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ptoc.api import parse, run_pipeline
from ptoc.backend.interpreter import compile_module
from ptoc.backend.record import ExecutionRecord
from ptoc.costmodel.machine import Machine
from ptoc.costmodel.report import KernelReport
from ptoc.costmodel.scheduler import simulate

POOL_SCOPE = "softmax_pool"
GROUPS = (1, 2, 4)


@dataclass(frozen=True)
class Measured:
    group: int
    tasks: int
    total_us: float
    exec_pct: float | None = None
    tail_oh_us: float | None = None


# shared/reference/seed-kernel.md, "What the change did"
MEASURED: dict[int, Measured] = {
    1: Measured(1, 64, 327.32, 58.3, 8.1),
    2: Measured(2, 32, 261.22, 85.0, 3.0),
    4: Measured(4, 16, 324.70),
}

# acceptance: total within 10 %, Exec% within 5 points, tail OH within 1 us
TOL_TOTAL_REL = 0.10
TOL_EXEC_PTS = 5.0
TOL_TAIL_US = 1.0


@dataclass(frozen=True)
class Residual:
    group: int
    metric: str
    """`total`, `exec_pct` or `tail_oh`."""
    model: float
    measured: float
    tolerance: float
    """In the metric's unit (us or points)."""

    @property
    def error(self) -> float:
        return self.model - self.measured

    @property
    def normalized(self) -> float:
        """Error in units of the tolerance (|x| <= 1 is within tolerance)."""
        return self.error / self.tolerance

    @property
    def rel_pct(self) -> float:
        return 100.0 * self.error / self.measured


def residuals(reports: Mapping[int, KernelReport]) -> list[Residual]:
    """The model's error on every measured number that `reports` (by G) cover."""
    out: list[Residual] = []
    for g, meas in MEASURED.items():
        rep = reports.get(g)
        if rep is None:
            continue
        out.append(Residual(g, "total", rep.total_us, meas.total_us, TOL_TOTAL_REL * meas.total_us))
        pool = rep.scope(POOL_SCOPE)
        if meas.exec_pct is not None:
            out.append(Residual(g, "exec_pct", pool.exec_pct, meas.exec_pct, TOL_EXEC_PTS))
        if meas.tail_oh_us is not None:
            out.append(Residual(g, "tail_oh", pool.tail_oh_us, meas.tail_oh_us, TOL_TAIL_US))
    return out


def best_group(reports: Mapping[int, KernelReport]) -> int:
    return min(reports, key=lambda g: (reports[g].total_us, g))


def residual_table(reports: Mapping[int, KernelReport]) -> str:
    """Model against measurement, one row per measured number."""
    lines = [
        f"{'G':>3} {'tasks':>5} {'metric':<10}{'model':>10}{'measured':>10}{'error':>9}"
        f"{'err %':>8}{'tol':>8}  ok",
    ]
    for r in residuals(reports):
        unit = "us" if r.metric != "exec_pct" else "pts"
        tol = f"{r.tolerance:.1f}{unit}"
        lines.append(
            f"{r.group:>3} {MEASURED[r.group].tasks:>5} {r.metric:<10}{r.model:>10.2f}"
            f"{r.measured:>10.2f}{r.error:>+9.2f}{r.rel_pct:>+7.1f}%{tol:>8}  "
            f"{'yes' if abs(r.normalized) <= 1.0 else 'NO'}"
        )
    best = best_group(reports)
    lines.append(f"best POOL_GROUP by the model: {best} (measured: 2)")
    return "\n".join(lines)


# --------------------------------------------------------------------------- seed records


def repo_root() -> Path:
    """The source checkout (examples/ lives there, not in an installed package)."""
    return Path(__file__).resolve().parents[2]


def seed_example_dir() -> Path:
    return repo_root() / "examples" / "dsv4_compressor_ratio4"


def seed_available() -> bool:
    d = seed_example_dir()
    return (d / "kernel.mlir").is_file() and (d / "inputs.py").is_file()


def _load_inputs_module() -> ModuleType:
    path = seed_example_dir() / "inputs.py"
    spec = importlib.util.spec_from_file_location("dsv4_ratio4_inputs", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_records(
    groups: Iterable[int] = GROUPS, *, seed: int = 0, gate: str = "mixed"
) -> dict[int, ExecutionRecord]:
    """Execution records of the seed kernel with softmax_pool at each POOL_GROUP, from the
    interpreter (`pto-spmd-coarsen{scope=softmax_pool factor=G},pto-unroll-expand`)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    kernel = seed_example_dir() / "kernel.mlir"
    text = kernel.read_text()
    make_inputs: Callable[..., dict[str, Any]] = _load_inputs_module().make_inputs
    inputs = make_inputs(seed, gate=gate)
    out: dict[int, ExecutionRecord] = {}
    for g in groups:
        module = parse(text, str(kernel))
        if g != 1:
            module = run_pipeline(
                module, f"pto-spmd-coarsen{{scope={POOL_SCOPE} factor={g}}},pto-unroll-expand"
            )
        out[g] = compile_module(module).run(inputs).record
    return out


def simulate_groups(
    records: Mapping[int, ExecutionRecord], m: Machine, groups: Sequence[int] | None = None
) -> dict[int, KernelReport]:
    return {g: simulate(records[g], m) for g in (groups or sorted(records))}
