"""pto-unroll-expand's index cleanup: one walk to the fixed point vs the classic loop.

```
python bench/expand_cleanup.py [--repeat 3] [--factors 16]
```

The seed kernel's `softmax_pool` coarsened by every factor 2..N (a guarded remainder
where the factor does not divide the 64 tasks), then expanded by `pto-unroll-expand`
with its index cleanup (`simplify_index_arith`: the rewrite worklist once over the
region, then only on what CSE changed) and with the classic loop it replaced (xDSL's
rewrite walker to its fixed point, with its confirming walks of the whole region, and
CSE, all again while CSE changes the region). Both run in this process, alternately,
`--repeat` rounds; prints the best total of each (the whole pass, and the cleanup alone)
and the ratio, and checks that both print the same IR for every factor.
"""

from __future__ import annotations

import argparse
import os
import time
from io import StringIO
from pathlib import Path

from xdsl.context import Context
from xdsl.ir import Region
from xdsl.printer import Printer

import ptoc
from ptoc.passes import unroll_expand

ROOT = Path(__file__).resolve().parents[1]
KERNEL = ROOT / "examples" / "dsv4_compressor_ratio4" / "kernel.mlir"
ONE_WALK = unroll_expand.simplify_index_arith


classic = unroll_expand.simplify_index_arith_reference


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--factors", type=int, default=16)
    args = ap.parse_args(argv)

    base = ptoc.parse(KERNEL.read_text(), str(KERNEL))
    coarsened = []
    for g in range(2, args.factors + 1):
        rem = "guard" if 64 % g else "error"
        coarsened.append(ptoc.run_pipeline(
            base.clone(), f"pto-spmd-coarsen{{scope=softmax_pool factor={g} remainder={rem}}}"
        ))
    ctx = Context()
    best: dict[str, tuple[float, float]] = {}
    texts: dict[str, list[str]] = {}
    load0 = _load()
    for _ in range(args.repeat):
        for name, fn in (("one walk", ONE_WALK), ("classic", classic)):
            cleanup = [0.0]

            def timed(c: Context, region: Region, fn=fn, cleanup=cleanup) -> None:
                t = time.perf_counter()
                fn(c, region)
                cleanup[0] += time.perf_counter() - t

            unroll_expand.simplify_index_arith = timed
            total = 0.0
            out: list[str] = []
            try:
                for m in coarsened:
                    mm = m.clone()
                    t = time.perf_counter()
                    unroll_expand.UnrollExpandPass().apply(ctx, mm)
                    total += time.perf_counter() - t
                    s = StringIO()
                    Printer(stream=s).print_op(mm)
                    out.append(s.getvalue())
            finally:
                unroll_expand.simplify_index_arith = ONE_WALK
            texts[name] = out
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], total), min(old[1], cleanup[0]))
    same = texts["one walk"] == texts["classic"]
    (p1, c1), (p0, c0) = best["one walk"], best["classic"]
    print(f"factors 2..{args.factors}, best of {args.repeat}; load average {load0} before, "
          f"{_load()} after")
    print(f"pto-unroll-expand  one walk {p1:.2f} s, classic {p0:.2f} s: {p0 / p1:.2f}x faster")
    print(f"index cleanup      one walk {c1:.2f} s, classic {c0:.2f} s: {c0 / c1:.2f}x faster")
    print(f"printed IR         {'the same for every factor' if same else 'DIFFERS'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
