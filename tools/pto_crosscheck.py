"""`pto-crosscheck`: run a kernel with the interpreter and with upstream MLIR; compare.

```
pto-crosscheck kernel.mlir|kernel.py [-p PIPELINE] [--inputs in.npz | --inputs inputs.py] [--seed N]
               [--func NAME]
               [--contract auto|exact|order] [--report table|json]
```

The kernel (after the optional `-p` pipeline, pto-opt syntax) runs in the numpy
interpreter and in the MLIR engine (`pto-to-upstream`, then mlir-opt-19,
mlir-translate-19 and LLVM; see docs/mlir.md). Every memref argument is compared after
the run, under the numerics contract (docs/numerics.md):

* `exact`: bit-identical (NaN equals NaN);
* `order`: for kernels whose matmul partial sums are not exact (ordinary random
  inputs), within 2**-12 of the output's largest magnitude, or 1 ulp;
* `auto` (default): `exact` for kernels without `pto.matmul`/`pto.matmul_acc`, `order`
  for kernels with one (whether the partial sums are exact depends on the inputs: pass
  `--contract exact` for exact-matmul inputs such as the dsv4 example's default ones).

The report names each output that differs, how many elements, the largest ulp and
absolute difference and the first differing index. Exit 0 when every output matches
under the contract, 2 when some output does not, 1 on an error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import IO, Any, NoReturn, cast

from ptoc.tools.cli import ToolArgumentParser, seed_arg
from ptoc.tools.pto_opt import ToolError, add_parse_timeout, load_module, report_and_exit

TOOL = "pto-crosscheck"


def build_parser() -> argparse.ArgumentParser:
    ap = ToolArgumentParser(prog=TOOL, description=__doc__.split("\n\n")[0])
    ap.add_argument("file", metavar="FILE",
                    help="the kernel (.mlir, or a .py PyPTO kernel); '-' reads stdin")
    ap.add_argument("-p", "--passes", metavar="PIPELINE", default="",
                    help="pass pipeline to apply first (pto-opt -p syntax)")
    ap.add_argument("--inputs", metavar="FILE",
                    help="the kernel's inputs: an .npz (one array per argument) or a Python "
                    "script with make_inputs(seed), run only because it is named here")
    ap.add_argument("--seed", type=seed_arg, default=None,
                    help="the seed for the inputs script, or for random inputs (default 0)")
    ap.add_argument("--func", metavar="NAME", help="the function to run (default: the only one)")
    ap.add_argument("--contract", choices=("auto", "exact", "order"), default="auto")
    ap.add_argument("--report", choices=("table", "json"), default="table")
    ap.add_argument("--set", metavar="NAME=VALUE", action="append", default=[],
                    help="a .py kernel: replace a module constant before importing, or give a "
                    "scalar parameter of the entry its value (repeatable)")
    add_parse_timeout(ap)
    return ap


def _load_npz(path: str) -> dict[str, Any]:
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            out: dict[str, Any] = {}
            for k in z.files:
                a = np.asarray(cast(Any, z[k]))
                if a.dtype.kind == "V" and a.dtype.itemsize == 2:  # bf16 stored raw
                    import ml_dtypes

                    a = a.view(ml_dtypes.bfloat16)
                out[str(k)] = a
            return out
    except (OSError, ValueError) as e:
        raise ToolError(f"cannot read inputs '{path}': {e}") from e


def run(argv: Sequence[str] | None, stdout: IO[str]) -> int:
    # lazy: numpy, the interpreter and the engine only once the arguments parsed (--help stays light)
    from ptoc.api import run_pipeline  # lazy: see above
    from ptoc.backend import mlir_engine as me  # lazy: see above
    from ptoc.backend.interpreter import compile_module, random_inputs  # lazy: see above
    from ptoc.tuning import TuneError, inputs_from_script  # lazy: see above

    args = build_parser().parse_args(argv)
    tools, why = me.tools_status()
    if tools is None:
        raise ToolError(why)
    module, _ = load_module(args.file, args.func, args.set, args.parse_timeout)
    if args.passes:
        run_pipeline(module, args.passes)
    prog = compile_module(module, func=args.func)
    seed = 0 if args.seed is None else args.seed
    if args.inputs is not None and args.inputs.endswith(".py"):
        try:
            inputs, desc = inputs_from_script(args.inputs, seed), f"{args.inputs} seed {seed}"
        except TuneError as e:
            raise ToolError(str(e)) from e
    elif args.inputs is not None:
        inputs, desc = _load_npz(args.inputs), args.inputs
    else:
        inputs, desc = random_inputs(prog, seed), f"random seed {seed}"
    contract = args.contract
    if contract == "auto":
        contract = "order" if me.has_matmul(module) else "exact"
    ref = prog.run(inputs, record=False).outputs
    kernel = me.compile_kernel(module, args.func)
    got = kernel.run(inputs)
    diffs = me.compare_outputs(ref, got, contract=contract)
    ok = all(d.ok for d in diffs)
    if args.report == "json":
        doc = {
            "kernel": prog.name, "inputs": desc, "contract": contract, "ok": ok,
            "outputs": [d.__dict__ for d in diffs],
        }
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        stdout.write(f"{TOOL}: @{prog.name}, inputs: {desc}, contract: {contract}\n")
        for d in diffs:
            if d.identical:
                stdout.write(f"  {d.name}: bit-identical ({d.size} elements)\n")
            else:
                verdict = "within the contract" if d.ok else "DIFFERS"
                stdout.write(
                    f"  {d.name}: {verdict}: {d.differing} of {d.size} elements differ, "
                    f"max {d.max_ulp} ulp, max |diff| {d.max_abs:.3g}, first at "
                    f"{list(d.first or ())}: interpreter {d.ref_value!r}, mlir {d.got_value!r}\n"
                )
        stdout.write(f"{TOOL}: {'match' if ok else 'MISMATCH'}\n")
    return 0 if ok else 2


def main(argv: Sequence[str] | None = None) -> NoReturn:
    report_and_exit(TOOL, lambda: run(argv, sys.stdout))


if __name__ == "__main__":
    main()
