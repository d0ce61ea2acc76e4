"""Time the interpreter on the seed kernel against the numpy golden of the same kernel.

```
python bench/interp_vs_numpy.py [--repeat 5] [--seed 0]
```

Both run in this process on the same inputs: the interpreter (`compile_module` once,
then `Program.run` with and without the execution record; batched scopes as by
default, and every scope per task for comparison) and the plain-numpy golden
(`examples/dsv4_compressor_ratio4/golden.py`, with numpy's default BLAS threads and with
one). The candidates run in turn, once per round, for `--repeat` rounds (so that a
change in the machine's load hits all of them alike); the best time of each and the
ratios are printed. Checks that the outputs agree bit for bit with the golden, and that
the batched run gives the same outputs and the same execution record as the per-task
run. Without the seed example it falls back to `examples/softmax_pool.mlir` and a small
numpy reference of softmax_pool.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import ptoc
from ptoc.backend.batched import per_task_only
from ptoc.backend.blas import single_threaded_blas
from ptoc.backend.interpreter import compile_module

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "dsv4_compressor_ratio4"


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times: list[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def softmax_pool_numpy(inp: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """seed-kernel.md scope 3 in plain numpy (whole 512-wide rows per batch)."""
    state, bt, sp = inp["state"], inp["block_table"], inp["start_pos"]
    out = inp["pooled"].copy()
    for b in range(out.shape[0]):
        start = int(sp[b])
        pos, cur = start % 4, start - start % 4
        if pos + 2 < 4:
            continue

        def row(p: int, b: int = b) -> int:
            return int(bt[b, p // 4]) * 4 + p % 4

        last = row(cur + 3)
        mi = state[last, 1536:2048]
        li = np.exp(mi - mi)
        oi = state[last, 512:1024]
        steps = [(row(cur - 4 + s), 0) for s in range(4) if cur - 4 + s >= 0]
        steps += [(row(cur + s), 512) for s in range(3)]
        for r, h in steps:
            sc, kv = state[r, 1024 + h:1536 + h], state[r, h:h + 512]
            m2 = np.maximum(mi, sc)
            a, e = np.exp(mi - m2), np.exp(sc - m2)
            li, oi, mi = a * li + e, oi * a + kv * e, m2
        out[b] = oi / li
    return {"pooled": out}


def softmax_pool_inputs(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 200, 64)
    pages = rng.permutation(130)
    bt = np.full((64, 65), -1, np.int32)
    for b in range(64):
        blk = (start[b] - start[b] % 4) // 4
        bt[b, blk] = pages[2 * b]
        if blk > 0:
            bt[b, blk - 1] = pages[2 * b + 1]
    return {
        "state": rng.standard_normal((520, 2048)).astype(np.float32),
        "block_table": bt,
        "start_pos": start.astype(np.int32),
        "pooled": np.zeros((64, 512), np.float32),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    kernel: Path
    golden: Callable[[Mapping[str, np.ndarray]], Mapping[str, np.ndarray]]
    if (SEED / "kernel.mlir").exists() and (SEED / "golden.py").exists():
        kernel = SEED / "kernel.mlir"
        inputs: dict[str, Any] = _module(SEED / "inputs.py").make_inputs(args.seed)
        golden = _module(SEED / "golden.py").golden
    else:
        kernel = ROOT / "examples" / "softmax_pool.mlir"
        inputs = softmax_pool_inputs(args.seed)
        golden = softmax_pool_numpy

    t = time.perf_counter()
    module = ptoc.parse(kernel.read_text(), str(kernel))
    t_parse = time.perf_counter() - t
    t = time.perf_counter()
    prog = compile_module(module)
    t_compile = time.perf_counter() - t

    res = prog.run(inputs)  # warm-up, and the outputs to compare
    ref = golden(inputs)
    mismatched = [k for k, v in ref.items() if res.outputs[k].tobytes() != np.asarray(v).tobytes()]
    n_events = sum(len(task.events) for s in res.record.scopes for task in s.tasks)

    with per_task_only():
        res_pt = prog.run(inputs)
    same_as_per_task = res_pt.record == res.record and all(
        res_pt.outputs[k].tobytes() == v.tobytes() for k, v in res.outputs.items()
    )

    def per_task() -> object:
        with per_task_only():
            return prog.run(inputs)

    def golden1() -> object:
        with single_threaded_blas():
            return golden(inputs)

    cands: dict[str, Callable[[], object]] = {
        "rec": lambda: prog.run(inputs),
        "norec": lambda: prog.run(inputs, record=False),
        "per_task": per_task,
        "gold": lambda: golden(inputs),
        "gold1": golden1,
    }
    best: dict[str, float] = {}
    load0 = _load()
    for _ in range(args.repeat):
        for key, fn in cands.items():
            best[key] = min(best.get(key, float("inf")), best_of(fn, 1))
    load1 = _load()
    t_rec, t_norec, t_gold, t_gold1 = best["rec"], best["norec"], best["gold"], best["gold1"]
    t_pt = best["per_task"]

    print(f"kernel            {kernel.relative_to(ROOT)} (@{prog.name})")
    print(f"parse / compile   {t_parse * 1e3:8.1f} ms / {t_compile * 1e3:.1f} ms")
    print(f"ops recorded      {n_events}")
    print(f"load average      {load0} before, {load1} after (1, 5, 15 min)")
    print(f"interpreter       {t_rec * 1e3:8.1f} ms (with record), "
          f"{t_norec * 1e3:.1f} ms (record=False); every scope per task: {t_pt * 1e3:.1f} ms "
          f"(batched: {t_pt / t_rec:.2f}x faster)")
    print(f"numpy golden      {t_gold * 1e3:8.1f} ms (default BLAS threads), "
          f"{t_gold1 * 1e3:.1f} ms (1 BLAS thread)")
    print(f"ratio             {t_rec / t_gold:8.2f}x the golden (with record), "
          f"{t_norec / t_gold:.2f}x (record=False); against the 1-thread golden: "
          f"{t_rec / t_gold1:.2f}x, {t_norec / t_gold1:.2f}x")
    print(f"outputs           {'bit-identical' if not mismatched else 'DIFFER: ' + ', '.join(mismatched)}"
          " to the golden")
    print(f"batched run       {'same outputs and record' if same_as_per_task else 'DIFFERS'}"
          " as the per-task run")
    return 0 if not mismatched and same_as_per_task else 1


if __name__ == "__main__":
    raise SystemExit(main())
