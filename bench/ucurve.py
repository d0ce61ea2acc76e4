#!/usr/bin/env python3
"""The seed's POOL_GROUP U-curve: the cost model against the a2a3 measurements.

Runs the seed kernel (examples/dsv4_compressor_ratio4) in the interpreter at each
POOL_GROUP (`pto-spmd-coarsen{scope=softmax_pool factor=G},pto-unroll-expand`),
simulates it on a machine file, and prints one row per G (softmax_pool swimlane metrics
and the kernel's Total Test Time, with the measured number and the error), then the
residual of every measured number (seed-kernel.md) against its tolerance.

Usage: python bench/ucurve.py [--machine a2a3] [--groups 1,2,4,8] [--seed 0]
                              [--gate mixed] [--json out.json] [--trace-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ptoc.costmodel import load_machine
from ptoc.costmodel.calibration import (
    MEASURED,
    POOL_SCOPE,
    best_group,
    residual_table,
    seed_available,
    seed_records,
    simulate_groups,
)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="cost model vs the seed's measured U-curve")
    ap.add_argument("--machine", default="a2a3", help="machine name or .toml path")
    ap.add_argument("--groups", default="1,2,4,8", help="POOL_GROUP values (divisors of 64)")
    ap.add_argument("--seed", type=int, default=0, help="input seed")
    ap.add_argument("--gate", default="mixed", help="gate pattern of inputs.py")
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
    if not seed_available():
        print(
            "error: the seed kernel (examples/dsv4_compressor_ratio4) is missing", file=sys.stderr
        )
        return 1
    try:
        m = load_machine(args.machine)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    reports = simulate_groups(seed_records(groups, seed=args.seed, gate=args.gate), m)

    head = (
        f"{'G':>3}{'tasks':>7}{'waves':>7}{'span us':>10}{'exec us':>10}{'Exec%':>8}"
        f"{'head OH':>9}{'tail OH':>9}{'total us':>10}{'measured':>10}{'error':>8}"
    )
    print(f"softmax_pool POOL_GROUP sweep on {m.name} (inputs seed {args.seed}, gate {args.gate})")
    print(head)
    print("-" * len(head))
    rows: list[dict[str, float | int | None]] = []
    for g in groups:
        rep = reports[g]
        pool = rep.scope(POOL_SCOPE)
        meas = MEASURED.get(g)
        err = f"{100 * (rep.total_us / meas.total_us - 1):+7.1f}%" if meas else f"{'':>8}"
        print(
            f"{g:>3}{pool.tasks:>7}{pool.waves:>7}{pool.span_us:>10.2f}{pool.exec_us:>10.2f}"
            f"{pool.exec_pct:>8.1f}{pool.head_oh_us:>9.2f}{pool.tail_oh_us:>9.2f}"
            f"{rep.total_us:>10.2f}{(f'{meas.total_us:.2f}' if meas else '-'):>10}{err}"
        )
        rows.append(
            {
                "group": g,
                "tasks": pool.tasks,
                "span_us": pool.span_us,
                "exec_pct": pool.exec_pct,
                "tail_oh_us": pool.tail_oh_us,
                "total_us": rep.total_us,
                "measured_total_us": meas.total_us if meas else None,
            }
        )
        if args.trace_dir:
            out = Path(args.trace_dir)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"seed_g{g}.trace.json").write_text(json.dumps(rep.to_trace_events()))
    print(f"best POOL_GROUP by the model: {best_group(reports)}")
    measured = {g: reports[g] for g in groups if g in MEASURED}
    if measured:
        print("\nmodel against every measured number:")
        print(residual_table(measured))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
