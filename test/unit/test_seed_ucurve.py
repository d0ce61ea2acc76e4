"""The cost model on the seed kernel: the measured U-curve of POOL_GROUP (seed-kernel.md).

Records come from the interpreter running examples/dsv4_compressor_ratio4 at G = 1, 2, 4
(and 8) after `pto-spmd-coarsen{scope=softmax_pool factor=G},pto-unroll-expand`; the
machine is compiler/machines/a2a3.toml with the parameters bench/fit_a2a3.py fitted.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest

from ptoc.backend.record import ExecutionRecord
from ptoc.costmodel import KernelReport, load_machine
from ptoc.costmodel.calibration import (
    MEASURED,
    POOL_SCOPE,
    TOL_EXEC_PTS,
    TOL_TAIL_US,
    TOL_TOTAL_REL,
    best_group,
    residual_table,
    seed_records,
    simulate_groups,
)


@pytest.fixture(scope="module")
def records() -> dict[int, ExecutionRecord]:
    return seed_records((1, 2, 4, 8))


@pytest.fixture(scope="module")
def reports(records: dict[int, ExecutionRecord]) -> dict[int, KernelReport]:
    reps = simulate_groups(records, load_machine("a2a3"))
    print(residual_table({g: reps[g] for g in (1, 2, 4)}))
    return reps


@pytest.mark.parametrize("g", [1, 2, 4])
def test_total_within_10_percent(reports: dict[int, KernelReport], g: int) -> None:
    model, measured = reports[g].total_us, MEASURED[g].total_us
    assert abs(model - measured) <= TOL_TOTAL_REL * measured, (g, model, measured)


@pytest.mark.parametrize("g", [1, 2])
def test_softmax_pool_exec_pct_and_tail(reports: dict[int, KernelReport], g: int) -> None:
    pool = reports[g].scope(POOL_SCOPE)
    meas = MEASURED[g]
    assert meas.exec_pct is not None and meas.tail_oh_us is not None
    assert abs(pool.exec_pct - meas.exec_pct) <= TOL_EXEC_PTS, pool
    assert abs(pool.tail_oh_us - meas.tail_oh_us) <= TOL_TAIL_US, pool


def test_g2_is_best(reports: dict[int, KernelReport]) -> None:
    assert best_group(reports) == 2
    totals = [reports[g].total_us for g in (1, 2, 4, 8)]
    assert totals[1] < totals[0] and totals[1] < totals[2] < totals[3]


def test_task_counts_and_the_hint(reports: dict[int, KernelReport]) -> None:
    for g in (1, 2, 4, 8):
        pool = reports[g].scope(POOL_SCOPE)
        assert pool.tasks == 64 // g
        assert pool.cores_used <= 48
    # the hint: Exec% 58.3 with 8.1 us of tail puts a batch's execution near 13 us
    assert 10.0 <= reports[1].scope(POOL_SCOPE).exec_us <= 16.0
    # the other four scopes are the same records at every G
    for name in ("kv_score_proj", "state_scatter_paged", "rmsnorm_rope", "kv_and_cache_write"):
        execs = {round(reports[g].scope(name).exec_us, 6) for g in (1, 2, 4, 8)}
        assert len(execs) == 1, name


def test_twice_the_vector_cores_never_wants_a_larger_group(
    records: dict[int, ExecutionRecord], reports: dict[int, KernelReport]
) -> None:
    wide = simulate_groups(records, load_machine("a2a3_2x_vector"))
    assert best_group(wide) <= best_group(reports)
    for g in (1, 2, 4, 8):  # more cores never make the same schedule slower here
        assert wide[g].total_us <= reports[g].total_us + 1e-6
