"""The calibration summary must not get worse than the committed one.

bench/calibration_summary.json holds what `python bench/calibrate.py --summary-json ...`
printed when the machine file's fitted values were last written: the fitted values, the
fit's summary (winners right, variant ratios within 15 %, median ratio error) and the
leave-one-case-out summary. The fast path here evaluates the machine file as committed on
every calibration case (no refit): a change to the cost model, the machine file, the
interpreter's record or a calibration kernel that makes the fit's summary worse fails.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ptoc.costmodel import load_machine

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = ROOT / "bench" / "calibration_summary.json"


@pytest.fixture(scope="module")
def calibrate() -> ModuleType:
    path = ROOT / "bench" / "calibrate.py"
    spec = importlib.util.spec_from_file_location("calibrate", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["calibrate"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return json.loads(SUMMARY.read_text())


@pytest.fixture(scope="module")
def evaluated(calibrate: ModuleType) -> tuple[Any, list[Any]]:
    cases = calibrate.load_cases()
    base = load_machine(calibrate.MACHINE_FILE)
    params = calibrate.fitted_params()
    cal = calibrate.Calibration(cases, base, params, strict=True)
    x = [float(getattr(base, p.name)) for p in params]
    pred = cal.predict(x)
    return cal, [calibrate.case_result(c, pred) for c in cal.cases]


def test_summary_matches_the_machine_file(calibrate: ModuleType, committed: dict[str, Any]) -> None:
    m = load_machine(calibrate.MACHINE_FILE)
    for name, value in committed["params"].items():
        assert getattr(m, name) == pytest.approx(value, rel=1e-6), name


def test_every_case_is_calibrated(
    calibrate: ModuleType, evaluated: tuple[Any, list[Any]], committed: dict[str, Any]
) -> None:
    _, results = evaluated
    assert len(results) >= committed["fit"]["cases"]
    assert len(results) == len(calibrate.load_cases())


def test_fit_summary_is_no_worse_than_committed(
    calibrate: ModuleType, evaluated: tuple[Any, list[Any]], committed: dict[str, Any]
) -> None:
    _, results = evaluated
    now = calibrate.summary(results, calibrate.RATIO_TOL)
    was = committed["fit"]
    print(json.dumps(now, indent=1))
    assert now["winners_right"] >= was["winners_right"], (now, was)
    assert now["pairs_within"] >= was["pairs_within"], (now, was)
    assert now["median_abs_ratio_error"] <= was["median_abs_ratio_error"] + 1e-6, (now, was)


def test_seed_is_no_worse_than_committed(
    calibrate: ModuleType, evaluated: tuple[Any, list[Any]], committed: dict[str, Any]
) -> None:
    _, results = evaluated
    now = calibrate.seed_summary(results)
    was = committed["seed"]
    assert now is not None and was is not None
    if was["winner_ok"]:
        assert now["winner_ok"]
    worst_now = max(abs(p / m - 1.0) for _, m, p in now["rows"])
    worst_was = max(abs(p / m - 1.0) for _, m, p in was["rows"])
    assert worst_now <= worst_was + 1e-6, (now["rows"], was["rows"])


def test_loo_summary_is_recorded(committed: dict[str, Any]) -> None:
    """Leave-one-case-out needs refits (minutes): the committed numbers are the record;
    MODEL.md quotes them. Here only their presence and consistency are checked."""
    loo = committed["loo"]
    assert loo["cases"] == committed["fit"]["cases"]
    assert 0 <= loo["winners_right"] <= loo["cases"]
    assert 0 <= loo["pairs_within"] <= loo["pairs"]


@pytest.mark.parametrize("starts", [1, 2])
def test_full_loo_refits_each_case(calibrate: ModuleType, tmp_path: Path, starts: int) -> None:
    """`--loo-full` refits without each case (re-linearising), from one or two starts,
    and says so in the summary; two small cases and a few evaluations keep it short."""
    out = tmp_path / "summary.json"
    argv = ["--no-fit", "--loo-full", "--loo-starts", str(starts), "--loo-nfev", "3",
            "--outer", "1", "--cases", "fec57dde,d78b86bd", "--summary-json", str(out)]
    assert calibrate.main(argv) == 0
    got = json.loads(out.read_text())
    want = "full refit per case" + (", two starts" if starts == 2 else "")
    assert got["loo_mode"] == want
    assert got["loo"]["cases"] == 2 and got["fit"]["cases"] == 2
