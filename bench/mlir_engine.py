"""Time the MLIR engine on the seed kernel against the interpreter, in one process.

```
python bench/mlir_engine.py [--repeat 5] [--seed 0] [--factor 2]
```

The seed kernel (examples/dsv4_compressor_ratio4), coarsened by `--factor` on
softmax_pool and unrolled/expanded as `pto-tune` does, runs on the example's inputs:

* interpreter: `compile_module` once, then `Program.run(record=False)`;
* MLIR engine: `compile_kernel` once (pto-to-upstream, mlir-opt-19, mlir-translate-19,
  LLVM, cached by IR hash: the first build is reported separately), then
  `MlirKernel.run` (copies of the inputs, one call of the shared object).

Prints the best time of each over `--repeat` runs and the ratio MLIR / interpreter
(the issue's bound: under 10), and checks that every output is bit-identical.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import ptoc
from ptoc.backend import mlir_engine as me
from ptoc.backend.interpreter import compile_module

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "dsv4_compressor_ratio4"


def best(fn: Callable[[], object], repeat: int) -> float:
    times: list[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--factor", type=int, default=2)
    args = ap.parse_args()
    tools, why = me.tools_status()
    if tools is None:
        print(f"bench/mlir_engine.py: skipped: {why}")
        return 0
    spec = importlib.util.spec_from_file_location("_bench_inputs", SEED / "inputs.py")
    assert spec is not None and spec.loader is not None
    inputs_mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(inputs_mod)
    inputs = inputs_mod.make_inputs(args.seed)
    pipe = "pto-unroll-expand"
    if args.factor > 1:
        pipe = f"pto-spmd-coarsen{{factor={args.factor} scope=softmax_pool}},{pipe}"
    module = ptoc.run_pipeline(ptoc.parse((SEED / "kernel.mlir").read_text(), "kernel.mlir"), pipe)

    prog = compile_module(module)
    t = time.perf_counter()
    kernel = me.compile_kernel(module)
    build = time.perf_counter() - t
    ref = prog.run(inputs, record=False).outputs
    got = kernel.run(inputs)
    diffs = me.compare_outputs(ref, got)
    t_interp = best(lambda: prog.run(inputs, record=False), args.repeat)
    t_mlir = best(lambda: kernel.run(inputs), args.repeat)
    print(f"seed kernel, G={args.factor} ({pipe}), inputs.py seed {args.seed}, best of {args.repeat}")
    print(f"  MLIR lower + build: {build:.2f} s (the shared object is cached by IR hash)")
    print(f"  interpreter : {t_interp * 1e3:8.1f} ms")
    print(f"  MLIR engine : {t_mlir * 1e3:8.1f} ms")
    print(f"  ratio MLIR / interpreter: {t_mlir / t_interp:.2f} (bound: < 10)")
    same = all(d.identical for d in diffs)
    print(f"  outputs bit-identical: {same}")
    for d in diffs:
        if not d.identical:
            print(f"    {d.name}: {d.differing} of {d.size} differ, max {d.max_ulp} ulp")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
