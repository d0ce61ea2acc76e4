"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def softmax_pool_text() -> str:
    return (ROOT / "examples" / "softmax_pool.mlir").read_text()


# Tests that share a module's caches or module-scoped fixtures run on one test worker
# (`pytest -n N --dist loadgroup`, as test/run does): spread over the workers, each worker
# would build the same parsed kernels, interpreter runs and simulations again. The
# calibration kernels are grouped per case, so that the cases still spread.
_GROUPED_FILES = {
    "test_seed_kernel.py", "test_seed_ucurve.py", "test_calibration_summary.py",
    "test_costmodel.py", "test_costmodel_mechanisms.py", "test_frontend_seed.py",
    "test_bench_smoke.py", "test_lit_toolserver.py", "test_fuzz_tools.py", "test_batched.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        name = item.path.name
        params = getattr(getattr(item, "callspec", None), "params", {})
        if name == "test_calibration_kernels.py" and "case" in params:
            item.add_marker(pytest.mark.xdist_group(f"calibration-{params['case']}"))
        elif name in _GROUPED_FILES:
            item.add_marker(pytest.mark.xdist_group(name))
