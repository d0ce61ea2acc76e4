"""The cost model on the seed kernel with its hardware benchmark's inputs.

Records come from the interpreter running examples/dsv4_compressor_ratio4 with
`benchmark_inputs` (the kernel file's harness: start positions [0, 1, 2, 3, 6, 7, 127]
cycled over the batches, contiguous pages) at POOL_GROUP G = 1, 2, 4, 8
(`pto-spmd-coarsen{scope=softmax_pool factor=G},pto-unroll-expand`); the machine is
compiler/machines/a2a3.toml as bench/calibrate.py fitted it on all calibration cases.

What is asserted is what the model reproduces of the measurements (seed-kernel numbers:
327.32 / 261.22 / 324.70 us; Exec% 58.3 / 85.0 and tail OH 8.1 / 3.0 us at G = 1 / 2).
G = 2 is predicted best, as measured, but by under 1 % over G = 1 (measured: 20 %), and the
issue's other target (totals within 5 %) is NOT reached: G = 1 and G = 4 are predicted
about 20 % and 16 % low (compiler/costmodel/MODEL.md, bench/RESULTS.md); the regression
test of the summary (test_calibration_summary.py) keeps these numbers from getting worse.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest

from ptoc.costmodel import KernelReport, load_machine, simulate

from bench_modules import load_bench

ROOT = Path(__file__).resolve().parents[2]
POOL = "softmax_pool"
MEASURED = {1: (327.32, 58.3, 8.1), 2: (261.22, 85.0, 3.0), 4: (324.70, None, None)}


@pytest.fixture(scope="module")
def ucurve() -> ModuleType:
    load_bench("calibrate")
    return load_bench("ucurve")


@pytest.fixture(scope="module")
def records(ucurve: ModuleType) -> dict[int, object]:
    calibrate = sys.modules["calibrate"]
    return {g: calibrate.record_of(v) for g, (v, _) in ucurve.seed_variants((1, 2, 4, 8)).items()}


@pytest.fixture(scope="module")
def reports(records: dict[int, object]) -> dict[int, KernelReport]:
    m = load_machine("a2a3")
    return {g: simulate(r, m) for g, r in records.items()}  # type: ignore[arg-type]


def test_task_counts_and_unchanged_scopes(reports: dict[int, KernelReport]) -> None:
    for g in (1, 2, 4, 8):
        pool = reports[g].scope(POOL)
        assert pool.tasks == 64 // g
        assert pool.cores_used <= 48
    for name in ("kv_score_proj", "state_scatter_paged", "rmsnorm_rope", "kv_and_cache_write"):
        execs = {round(reports[g].scope(name).exec_us, 6) for g in (1, 2, 4, 8)}
        assert len(execs) == 1, name


def test_totals_within_25_percent(reports: dict[int, KernelReport]) -> None:
    for g, (total, _, _) in MEASURED.items():
        assert abs(reports[g].total_us / total - 1.0) <= 0.25, (g, reports[g].total_us)


def test_two_batches_per_task_is_best(reports: dict[int, KernelReport]) -> None:
    """The measured winner: G = 2 beats G = 1 and G = 4 (by a small margin over G = 1)."""
    assert reports[2].total_us < reports[1].total_us
    assert reports[2].total_us < reports[4].total_us


def test_overcoarsening_is_slower(reports: dict[int, KernelReport]) -> None:
    """G = 4 and 8 starve the cores: the slowest task holds several closing batches, and
    the in-order pipes serialise an unrolled group's runtime loops."""
    assert reports[2].total_us < reports[4].total_us < reports[8].total_us


def test_g1_tail_and_exec_pct(reports: dict[int, KernelReport]) -> None:
    """At G = 1 the scheduler threads are busy dispatching 64 blocks and see the gated-off
    tasks' completions late (measured tail OH 8.1 us, Exec% 58.3); at G = 2 both recover
    (3.0 us, 85.0)."""
    p1, p2 = reports[1].scope(POOL), reports[2].scope(POOL)
    assert p1.tail_oh_us > 2.0 * p2.tail_oh_us
    assert abs(p1.tail_oh_us - 8.1) <= 3.0 and abs(p2.tail_oh_us - 3.0) <= 1.0
    assert p2.exec_pct > p1.exec_pct + 15.0
    assert abs(p1.exec_pct - 58.3) <= 10.0 and abs(p2.exec_pct - 85.0) <= 10.0


def test_twice_the_vector_cores_never_wants_a_larger_group(
    records: dict[int, object], reports: dict[int, KernelReport]
) -> None:
    wide_m = load_machine("a2a3_2x_vector")
    wide = {g: simulate(r, wide_m) for g, r in records.items()}  # type: ignore[arg-type]

    def best(reps: dict[int, KernelReport]) -> int:
        return min(reps, key=lambda g: (reps[g].total_us, g))

    # (per G the wider machine may be a little slower: each scheduler thread sweeps twice
    # as many vector cores, so it sees completions later)
    assert best(wide) <= best(reports)
