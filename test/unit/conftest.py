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
