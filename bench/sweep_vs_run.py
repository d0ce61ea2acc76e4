"""Time a 16-factor `pto-tune` sweep of the seed kernel against one `pto-run` of it.

```
python bench/sweep_vs_run.py [--repeat 3] [--factors 16] [--jobs N|auto]
```

Both are whole commands, run as subprocesses of this script (interpreter start-up,
imports, parsing and the example's `inputs.py` counted on both sides), alternately, each
`--repeat` times; the best wall time of each and their ratio are printed. The sweep is
`pto-tune examples/dsv4_compressor_ratio4/kernel.mlir --scope softmax_pool --factors
1,...,16 --json` (non-dividing factors with a guarded remainder, the default); the bench
checks that every factor was evaluated (built, checked, run, simulated and compared with
factor 1: status "ok" and legal) and fails otherwise. The run is `pto-run` of the same
kernel with the same inputs.

`--in-process` also times `ptoc.tuning.sweep` itself in this process, with the work
shared across the sweep and batched scopes (the default) and without either
(`share_prefix=False` and every scope per task), alternately, and prints that ratio: on
a loaded machine it is steadier than the subprocess times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = ROOT / "examples" / "dsv4_compressor_ratio4" / "kernel.mlir"


def _tool(name: str) -> list[str]:
    exe = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    if exe is None:
        raise SystemExit(f"{name} is not installed (pip install -e .)")
    return [exe]


def _timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    wall = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return wall, done.stdout


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _in_process(n: int, repeat: int) -> None:
    import ptoc
    from ptoc.backend.batched import per_task_only
    from ptoc.tuning import inputs_from_script, sweep

    module = ptoc.parse(KERNEL.read_text(), str(KERNEL))
    inputs = inputs_from_script(str(KERNEL.parent / "inputs.py"), 0)
    factors = list(range(1, n + 1))
    kw = dict(inputs=inputs, machine="a2a3", remainder="guard")
    fast: list[float] = []
    slow: list[float] = []
    totals: list[list[float | None]] = []
    for _ in range(repeat):
        t = time.perf_counter()
        a = sweep(module, "softmax_pool", factors, **kw)  # type: ignore[arg-type]
        fast.append(time.perf_counter() - t)
        t = time.perf_counter()
        with per_task_only():
            b = sweep(module, "softmax_pool", factors, share_prefix=False, **kw)  # type: ignore[arg-type]
        slow.append(time.perf_counter() - t)
        totals = [[p.total_us for p in a], [p.total_us for p in b]]
        if totals[0] != totals[1] or [p.status for p in a] != [p.status for p in b]:
            raise SystemExit("the shared/batched sweep differs from the plain one")
    print(f"in process: sweep {min(fast):.2f} s shared + batched, {min(slow):.2f} s "
          f"plain (per task, nothing shared): {min(slow) / min(fast):.2f}x faster; "
          "same points")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--factors", type=int, default=16, help="sweep factors 1..N (default 16)")
    ap.add_argument("--jobs", default=None, help="pass --jobs N (or auto) to pto-tune")
    ap.add_argument("--in-process", action="store_true", help="also time sweep() in process")
    args = ap.parse_args(argv)
    if args.in_process:
        _in_process(args.factors, args.repeat)

    factors = ",".join(str(g) for g in range(1, args.factors + 1))
    tune = [*_tool("pto-tune"), str(KERNEL), "--scope", "softmax_pool", "--factors", factors,
            "--inputs", str(KERNEL.parent / "inputs.py"),
            "--json", "--no-progress"]
    if args.jobs is not None:
        tune += ["--jobs", str(args.jobs)]
    run = [*_tool("pto-run"), str(KERNEL), "--inputs", str(KERNEL.parent / "inputs.py")]

    print(f"load average before: {_load()} ({os.cpu_count()} cores)")
    t_tune: list[float] = []
    t_run: list[float] = []
    doc: dict[str, object] = {}
    for _ in range(args.repeat):
        w, _out = _timed(run)
        t_run.append(w)
        w, out = _timed(tune)
        t_tune.append(w)
        doc = json.loads(out)
    points = doc.get("points", [])
    assert isinstance(points, list)
    bad = [p for p in points if p.get("status") != "ok" or not p.get("legal")]
    guarded = [p["factor"] for p in points if p.get("guarded")]
    print(f"load average after:  {_load()}")
    print(f"pto-run  (1 run)          best {min(t_run):6.2f} s   (all: "
          f"{', '.join(f'{t:.2f}' for t in t_run)})")
    print(f"pto-tune ({len(points)} factors)     best {min(t_tune):6.2f} s   (all: "
          f"{', '.join(f'{t:.2f}' for t in t_tune)})")
    print(f"evaluated  {len(points) - len(bad)} of {len(points)} factors "
          f"(guarded: {', '.join(map(str, guarded)) or 'none'}), best factor {doc.get('best')}")
    print(f"ratio      {min(t_tune) / min(t_run):.2f}x one pto-run")
    if bad or len(points) != args.factors:
        print("NOT every factor was evaluated: "
              + ", ".join(f"{p.get('factor')}: {p.get('status')}" for p in bad))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
