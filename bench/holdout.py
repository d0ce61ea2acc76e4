#!/usr/bin/env python3
"""Predict the holdout cases with the machine file as it is: no fitting, ever.

```
python bench/holdout.py [--machine FILE] [--cases K1,K2]
```

The holdout cases (examples/holdout, the calibration schema of
examples/calibration/README.md) are public a2a3 A/B measurements that the fit in
`bench/calibrate.py` never sees: their kernels were written from the public code without
looking at what the model predicts for them, and they are not used to choose or bound a
parameter. This script evaluates the machine file's values on them, with the same
columns as the calibration (measured and predicted per variant, the winners, each
variant ratio and its error), and the ratio error of predicting no change (every ratio
1), the bar a model has to clear. The
numbers are an estimate of how the model does on a kernel it has not seen; they are
reported in bench/RESULTS.md and compiler/costmodel/MODEL.md, never fitted to.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOLDOUT_DIR = ROOT / "examples" / "holdout"


def _calibrate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("calibrate", HERE / "calibrate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["calibrate"] = mod  # dataclasses resolve their module by name
    spec.loader.exec_module(mod)
    return mod


def _no_change(results: Sequence[object]) -> list[float]:
    """Ratio errors of predicting no difference between the variants (every ratio 1),
    pair for pair with the model's: the bar a model must clear to be worth running."""
    return [1.0 / m - 1.0 for r in results for _, m, _ in r.ratios]  # type: ignore[attr-defined]


def _two_fold(cal_mod: ModuleType, cases: Sequence[Any], base: Any, params: Sequence[Any],
              x: Sequence[float]) -> None:
    """Does more data help? Fit (one start, from the file's values) on the calibration
    cases plus every other holdout case, predict the rest, and the other way round;
    print each held-out pair's error next to the file's."""
    calib = cal_mod.load_cases()
    names = sorted(c.name for c in cases)
    folds = (set(names[0::2]), set(names[1::2]))
    for train in folds:
        fit_on = [*calib, *(c for c in cases if c.name in train)]
        cal = cal_mod.Calibration(fit_on, base, params, strict=True)
        xf = [cal_mod._round(p, v) for p, v in  # pyright: ignore[reportPrivateUsage]
              zip(params, cal.fit(fit_on, x, 150, outer=2), strict=True)]
        test = [c for c in cases if c.name not in train]
        print(f"\nfit on the calibration cases + {', '.join(sorted(train))}: objective on "
              f"the calibration cases {cal.cost(xf, calib):.4f} (the file's {cal.cost(x, calib):.4f})")
        for label, values in (("refit", xf), ("file", x)):
            held = cal_mod.Calibration(test, base, params, strict=True)
            res = [cal_mod.case_result(c, held.predict(values)) for c in held.cases]
            errs = [e for r in res for e in r.ratio_errors()]
            print(f"  {label}: " + ", ".join(
                f"{r.case} {100 * e:+.1f}%" + ("" if r.winner_ok else " (winner wrong)")
                for r in res for e in r.ratio_errors())
                + f"; within 25% in {sum(abs(e) <= 0.25 for e in errs)}/{len(errs)}")


def main(argv: Sequence[str] | None = None) -> int:
    cal_mod = _calibrate()
    from ptoc.costmodel import load_machine

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machine", default=str(cal_mod.MACHINE_FILE), help="machine file")
    ap.add_argument("--cases", help="comma-separated case ids (default: all)")
    ap.add_argument("--dir", default=str(HOLDOUT_DIR), help="the holdout cases' folder")
    ap.add_argument("--two-fold", action="store_true",
                    help="also fit on the calibration cases plus one half of the holdout "
                    "(cases in name order, alternately) and predict the other half, both ways")
    args = ap.parse_args(argv)
    t0 = time.time()
    cases = cal_mod.load_cases(Path(args.dir), with_seed=False)
    if args.cases:
        keep = set(args.cases.split(","))
        cases = [c for c in cases if c.name in keep]
    if not cases:
        print(f"error: no holdout cases under {args.dir}", file=sys.stderr)
        return 1
    machine_file = Path(args.machine)
    base = load_machine(machine_file)
    params = cal_mod.fitted_params(machine_file)
    cal = cal_mod.Calibration(cases, base, params, strict=True)
    x = [float(getattr(base, p.name)) for p in params]
    print(f"{len(cases)} holdout cases, {sum(len(c.variants) for c in cases)} variants; "
          f"machine {machine_file.name} as it is (no fit); records in {time.time() - t0:.1f} s")
    results = [cal_mod.case_result(c, cal.predict(x, [c])) for c in cases]
    print()
    print(cal_mod.table(results, "Holdout (never fitted)"))
    errs = [e for r in results for e in r.ratio_errors()]
    lines = [
        "",
        f"holdout: winner right in {sum(r.winner_ok for r in results)}/{len(results)}; "
        + "; ".join(
            f"ratio within {round(100 * t)}% in {sum(abs(e) <= t for e in errs)}/{len(errs)}"
            for t in (cal_mod.RATIO_TOL, cal_mod.LOO_RATIO_TOL)
        )
        + f"; median |ratio error| {100 * float(np.median(np.abs(errs))):.1f}%",
    ]
    b = _no_change(results)
    lines.append(
        f"baseline 'no change' (every ratio 1): median |ratio error| "
        f"{100 * float(np.median(np.abs(b))):.1f}%, within 25% in "
        f"{sum(abs(e) <= 0.25 for e in b)}/{len(b)}"
    )
    print("\n".join(lines))
    if args.two_fold:
        _two_fold(cal_mod, cases, base, params, x)
    print(f"\ntotal {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
