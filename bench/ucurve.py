#!/usr/bin/env python3
"""The seed's POOL_GROUP U-curve: the cost model against the a2a3 measurements.

Runs the seed kernel (examples/dsv4_compressor_ratio4) with its hardware benchmark's
inputs (examples/calibration/seed/case.toml: `benchmark_inputs`) at each POOL_GROUP
(`pto-spmd-coarsen{scope=softmax_pool factor=G},pto-unroll-expand`), simulates it on a
machine file, and prints one row per G: softmax_pool's swimlane metrics and the kernel's
Total Test Time, next to the measured numbers where there are some.

Usage: python bench/ucurve.py [--machine a2a3] [--groups 1,2,4,8] [--json out.json]
                              [--trace-dir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibrate import Variant, load_cases, record_of  # noqa: E402

from ptoc.costmodel import KernelReport, load_machine, simulate  # noqa: E402

POOL = "softmax_pool"


def seed_variants(groups: Sequence[int]) -> dict[int, tuple[Variant, Variant | None]]:
    """Per G: the variant to run, and the measured one (None when G was not measured)."""
    seed = next(c for c in load_cases() if c.name == "seed")
    by_g: dict[int, Variant] = {}
    for v in seed.variants:
        g = int(v.name.rsplit("_", 1)[1])
        by_g[g] = v
    base = by_g[1]
    out: dict[int, tuple[Variant, Variant | None]] = {}
    for g in groups:
        if g in by_g:
            out[g] = (by_g[g], by_g[g])
        else:
            passes = f"pto-spmd-coarsen{{scope={POOL} factor={g}}},pto-unroll-expand"
            out[g] = (dataclasses.replace(base, name=f"pool_group_{g}", passes=passes), None)
    return out


def seed_reports(groups: Sequence[int], machine: str = "a2a3") -> dict[int, KernelReport]:
    m = load_machine(machine)
    return {g: simulate(record_of(v), m) for g, (v, _) in seed_variants(groups).items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="cost model vs the seed's measured U-curve")
    ap.add_argument("--machine", default="a2a3", help="machine name or .toml path")
    ap.add_argument("--groups", default="1,2,4,8", help="POOL_GROUP values (divisors of 64)")
    ap.add_argument("--json", help="write the rows as JSON here")
    ap.add_argument("--trace-dir", help="write one Chrome trace per G here")
    args = ap.parse_args(argv)
    try:
        groups = [int(g) for g in args.groups.split(",") if g.strip()]
    except ValueError:
        print(f"error: --groups must be integers, got '{args.groups}'", file=sys.stderr)
        return 2
    if not groups or any(g <= 0 or 64 % g for g in groups):
        print("error: every POOL_GROUP must divide 64", file=sys.stderr)
        return 2
    try:
        m = load_machine(args.machine)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    variants = seed_variants(groups)
    head = (
        f"{'G':>3}{'tasks':>7}{'waves':>7}{'span us':>10}{'exec us':>10}{'Exec%':>8}"
        f"{'head OH':>9}{'tail OH':>9}{'total us':>10}{'measured':>10}{'error':>8}"
        f"{'meas Exec%':>11}{'meas tail':>10}"
    )
    print(f"softmax_pool POOL_GROUP sweep on {m.name} (the hardware benchmark's inputs)")
    print(head)
    print("-" * len(head))
    rows: list[dict[str, float | int | None]] = []
    reports: dict[int, KernelReport] = {}
    for g in groups:
        v, meas = variants[g]
        rep = reports[g] = simulate(record_of(v), m)
        pool = rep.scope(POOL)
        err = f"{100 * (rep.total_us / meas.measured_us - 1):+7.1f}%" if meas else f"{'':>8}"
        me = f"{meas.exec_pct}" if meas and meas.exec_pct is not None else "-"
        mt = f"{meas.tail_oh_us}" if meas and meas.tail_oh_us is not None else "-"
        print(
            f"{g:>3}{pool.tasks:>7}{pool.waves:>7}{pool.span_us:>10.2f}{pool.exec_us:>10.2f}"
            f"{pool.exec_pct:>8.1f}{pool.head_oh_us:>9.2f}{pool.tail_oh_us:>9.2f}"
            f"{rep.total_us:>10.2f}{(f'{meas.measured_us:.2f}' if meas else '-'):>10}{err}"
            f"{me:>11}{mt:>10}"
        )
        rows.append(
            {
                "group": g,
                "tasks": pool.tasks,
                "span_us": pool.span_us,
                "exec_pct": pool.exec_pct,
                "tail_oh_us": pool.tail_oh_us,
                "total_us": rep.total_us,
                "measured_total_us": meas.measured_us if meas else None,
            }
        )
        if args.trace_dir:
            out = Path(args.trace_dir)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"seed_g{g}.trace.json").write_text(json.dumps(rep.to_trace_events()))
    best = min(reports, key=lambda g: (reports[g].total_us, g))
    print(f"best POOL_GROUP by the model: {best} (measured: 2)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
