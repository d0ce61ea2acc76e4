"""`pto-unroll-expand`'s index cleanup in one walk gives the IR of the classic loop.

The classic loop (`unroll_expand.simplify_index_arith_reference`): xDSL's rewrite walker to its fixed point
(a worklist over the region, then confirming walks of the whole region until one changes
nothing), CSE, and all of it again while CSE merges ops. `simplify_index_arith` runs
the worklist once and, after CSE, only on the ops CSE changed. The printed IR must be
the same, on the seed kernel coarsened by the factors 1-5, 7, 8, 12 and 16 (dividing and
guarded; both inner forms) and on
random kernels (the generator of test_coarsen_property.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given

import ptoc
from ptoc.passes import unroll_expand

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_coarsen_property import SETTINGS, Kernel, cases, printed  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dsv4_compressor_ratio4" / "kernel.mlir"


_classic = unroll_expand.simplify_index_arith_reference


def _both(text: str, pipeline: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    got = printed(ptoc.run_pipeline(ptoc.parse(text, "k.mlir"), pipeline))
    with monkeypatch.context() as mp:
        mp.setattr(unroll_expand, "simplify_index_arith", _classic)
        want = printed(ptoc.run_pipeline(ptoc.parse(text, "k.mlir"), pipeline))
    return got, want


# The dividing factors and guarded ones (3, 5, 7, 12) of the seed's 64 tasks, each its own
# test so that the test workers share them.
SEED_FACTORS = (1, 2, 3, 4, 5, 7, 8, 12, 16)


@pytest.mark.parametrize("g", SEED_FACTORS)
@pytest.mark.parametrize("inner", ["unroll", "range"])
def test_seed_factors(inner: str, g: int, monkeypatch: pytest.MonkeyPatch) -> None:
    text = SEED.read_text()
    rem = "guard" if 64 % g else "error"
    pipeline = (
        f"pto-spmd-coarsen{{scope=softmax_pool factor={g} inner={inner} "
        f"remainder={rem}}},pto-unroll-expand"
    )
    got, want = _both(text, pipeline, monkeypatch)
    assert got == want, g


@SETTINGS
@given(case=cases())
def test_random_kernels(case: tuple[Kernel, str, int]) -> None:
    kernel, pipeline, _ = case
    with pytest.MonkeyPatch.context() as mp:
        got, want = _both(kernel.text(), pipeline, mp)
    assert got == want
