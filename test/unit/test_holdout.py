"""The holdout cases (examples/holdout) stay out of the fit, and bench/holdout.py runs.

The kernels themselves are checked with the calibration ones
(test_calibration_kernels.py). Here: no holdout case is a calibration case (the fit in
bench/calibrate.py reads examples/calibration only), and `bench/holdout.py` predicts
every holdout variant with the machine file as it is and prints the table, the counts
and the no-change baseline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_modules import load_bench

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = ROOT / "examples" / "holdout"


def test_holdout_cases_are_not_fitted() -> None:
    cal = load_bench("calibrate")
    fitted = {c.folder.resolve() for c in cal.load_cases()}
    held = sorted(p.parent for p in HOLDOUT.glob("*/case.toml"))
    assert held, "no holdout cases"
    assert not any(h.resolve() in fitted for h in held)
    calib_ids = {p.parent.name for p in (ROOT / "examples" / "calibration").glob("*/case.toml")}
    assert not calib_ids & {h.name for h in held}


def test_holdout_bench_predicts_every_variant(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    holdout = load_bench("holdout")
    assert holdout.main([]) == 0
    out = capsys.readouterr().out
    for toml in HOLDOUT.glob("*/case.toml"):
        with toml.open("rb") as f:
            doc = tomllib.load(f)
        for v in doc["variants"]:
            assert f"| {doc['case']} | {v['name']} | {float(v['measured_us']):.2f} |" in out
    assert "holdout: winner right in" in out
    assert "baseline 'no change'" in out


def test_holdout_bench_without_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holdout = load_bench("holdout")
    assert holdout.main(["--dir", str(tmp_path)]) == 1
    assert "no holdout cases" in capsys.readouterr().err
