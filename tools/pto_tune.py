"""`pto-tune`: sweep the coarsening factor of one SPMD scope and print the U-curve.

```
pto-tune examples/dsv4_compressor_ratio4/kernel.mlir --scope softmax_pool --factors 1,2,4,8,16
pto-tune kernel.mlir --scope softmax_pool --auto --json
pto-tune kernel.mlir --scope softmax_pool --plot ucurve.png
```

For every factor the parsed module is cloned in-process, coarsened
(`pto-spmd-coarsen{scope=S factor=G}`), checked (`pto-check-carried`, `pto-check-races`),
unroll-expanded, run once with the interpreter on the same inputs and simulated with the
cost model (see `ptoc.tuning`). The table lists factor, tasks, waves, span, Exec%, tail
overhead, total time and legality, and marks the fastest legal factor; `--json` prints
the same as JSON. A factor that does not divide the task count is tuned with a guarded
remainder (marked `*` in the table, `"guarded": true` in JSON) unless `--remainder skip`.

Inputs: `--inputs x.npz` (one array per kernel argument, by its SSA name), or
`--inputs inputs.py`, a script whose `make_inputs(seed)` returns them (with `--seed N`,
default 0; the script is code that runs because it is named: use only files you trust).
Without `--inputs`, `ptoc.backend.interpreter.random_inputs(prog, seed)` makes random
inputs from the argument types. Nothing next to FILE is ever run implicitly.

Every error is a one-line diagnostic and a non-zero exit. A progress bar is drawn on
stderr when the sweep takes more than a second and stderr is a terminal (`--progress`
forces it, `--no-progress` turns it off).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn

from ptoc.backend.interpreter import compile_module, random_inputs
from ptoc.frontend import is_kernel_file, parse_set
from ptoc.tools.cli import ToolArgumentParser, import_pyplot, positive_arg, seed_arg
from ptoc.tools.pto_opt import (
    ToolError,
    add_parse_timeout,
    check_outputs,
    load_module,
    report_and_exit,
    require_regular_file,
)
from ptoc.tuning.constant_sweep import (
    best_point,
    format_set_table,
    set_points_json,
    sweep_constants,
)
from ptoc.tuning.factor_sweep import (
    TuneError,
    TunePoint,
    best,
    divisors,
    find_scope,
    format_table,
    function_of,
    inputs_from_script,
    load_npz_inputs,
    sweep,
    to_json,
    unique_warnings,
)

if TYPE_CHECKING:
    import numpy as np

TOOL = "pto-tune"
DEFAULT_FACTORS = (1, 2, 4, 8, 16)
PROGRESS_DELAY_S = 1.0




def build_parser() -> argparse.ArgumentParser:
    p = ToolArgumentParser(
        prog=TOOL,
        description="Sweep the coarsening factor of one pto.spmd scope with the interpreter "
        "and the cost model; print the U-curve and the best legal factor.",
        epilog="inputs: --inputs FILE.npz, or --inputs FILE.py whose make_inputs(seed) makes\n"
        "them (the script is run); otherwise random inputs from the argument types.\n"
        "Nothing next to the kernel is run implicitly.\n\n"
        "example:\n  pto-tune examples/dsv4_compressor_ratio4/kernel.mlir "
        "--scope softmax_pool --factors 1,2,4,8,16",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="the kernel (.mlir, or a .py PyPTO kernel); '-' reads stdin")
    p.add_argument("--scope", help="the name of the pto.spmd scope to tune (with --set: the "
                   "scope whose tasks, span and Exec%% are shown)")
    p.add_argument("--set", metavar="NAME=V1,V2", action="append", default=[],
                   help="a .py kernel: re-import it with each value of this module constant "
                   "or scalar parameter of the entry (several --set make a grid) instead of "
                   "coarsening a scope")
    fac = p.add_mutually_exclusive_group()
    fac.add_argument(
        "--factors",
        help="comma-separated coarsening factors (default: 1,2,4,8,16)",
    )
    fac.add_argument(
        "--auto",
        action="store_true",
        help="try every divisor of the scope's task count",
    )
    p.add_argument("--inputs", metavar="FILE",
                   help="the kernel's inputs: an .npz (one array per argument) or a .py "
                   "script defining make_inputs(seed) (it is run)")
    p.add_argument(
        "--seed",
        type=seed_arg,
        help="seed for the inputs script or the random inputs (default 0)",
    )
    p.add_argument("--machine", default="a2a3", help="machine name or .toml (default a2a3)")
    p.add_argument("--func", help="the function holding the scope (default: the one that has it)")
    p.add_argument(
        "--inner",
        choices=("unroll", "range"),
        default="unroll",
        help="the loop over the grouped tasks (default unroll)",
    )
    p.add_argument(
        "--remainder",
        choices=("skip", "guard"),
        default="guard",
        help="a factor that does not divide the task count: guard its remainder (default) "
        "or skip it",
    )
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="build and run the variants in N processes, or 'auto': one per idle core "
        "(the usable cores less the 1-minute load average; default 1)",
    )
    p.add_argument("--plot", metavar="PNG", help="draw the U-curve (needs matplotlib)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    add_parse_timeout(p)
    prog = p.add_mutually_exclusive_group()
    prog.add_argument("--progress", action="store_true", default=None, help="always draw progress")
    prog.add_argument("--no-progress", dest="progress", action="store_false", help="never draw it")
    return p


def _jobs(text: str) -> int | str:
    """`--jobs`: a positive integer or `auto`."""
    if text == "auto":
        return text
    try:
        return positive_arg(text)
    except argparse.ArgumentTypeError as e:
        raise argparse.ArgumentTypeError(f"{e} (N >= 1 or 'auto')") from None


def parse_factors(text: str) -> list[int]:
    """`"1,2,4"` -> [1, 2, 4]; a ToolError naming the bad item otherwise."""
    items = [t.strip() for t in text.split(",")]
    if not text.strip() or any(t == "" for t in items):
        raise ToolError(f"bad --factors '{text}': expected comma-separated integers like 1,2,4")
    out: list[int] = []
    for t in items:
        try:
            if not t.isascii():
                raise ValueError(t)
            f = int(t, 10)
        except ValueError:
            raise ToolError(f"bad --factors '{text}': '{t}' is not an integer") from None
        if f <= 0:
            raise ToolError(f"bad --factors '{text}': factor {f} must be >= 1")
        out.append(f)
    return out


class Progress:
    """A one-line progress bar on a stream, drawn only after `delay` seconds."""

    def __init__(self, stream: IO[str], enabled: bool, delay: float = PROGRESS_DELAY_S):
        self.stream = stream
        self.enabled = enabled
        self.delay = delay
        self.start = time.monotonic()
        self.drawn = False
        self.width = 0

    def __call__(self, done: int, total: int, factor: int) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        if elapsed < self.delay and not self.drawn:
            return
        width = 24
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        what = "done" if done >= total else f"factor {factor}"
        line = f"{TOOL} [{bar}] {done}/{total} {what} {elapsed:5.1f}s"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(line))
        self.drawn = True

    def close(self) -> None:
        """Erase the bar, so that what follows starts on a clean line."""
        if self.drawn:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _inputs(args: argparse.Namespace, module: Any, func: str | None) -> tuple[dict[str, np.ndarray], str]:
    seed: int = 0 if args.seed is None else args.seed
    if args.inputs is not None:
        if args.inputs.endswith(".py"):
            return inputs_from_script(args.inputs, seed), f"{args.inputs} seed {seed}"
        if args.seed is not None:
            raise ToolError("--seed has no effect with an .npz of inputs")
        return load_npz_inputs(args.inputs), args.inputs
    return random_inputs(compile_module(module, func=func), seed), f"random seed {seed}"


def _check_writable(path: str) -> None:
    """Fail before the sweep, not after it, when the plot cannot be written."""
    if not path.strip():
        raise ToolError("--plot needs a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ToolError(f"cannot write '{path}': no such directory '{folder}'")
    if os.path.isdir(path):
        raise ToolError(f"cannot write '{path}': it is a directory")


def plot_ucurve(
    points: Sequence[TunePoint], path: str, *, scope: str, machine: str, title: str | None = None
) -> None:
    """Total time against factor, legal points joined, illegal ones crossed, best starred."""
    plt = import_pyplot()
    timed = [p for p in points if p.total_us is not None]
    legal = [p for p in timed if p.legal]
    illegal = [p for p in timed if not p.legal]
    b = best(points)
    fig: Any
    ax: Any
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    try:
        ax.plot(
            [p.factor for p in legal],
            [p.total_us for p in legal],
            "o-",
            color="tab:blue",
            label="legal",
        )
        if illegal:
            ax.plot(
                [p.factor for p in illegal],
                [p.total_us for p in illegal],
                "x",
                color="tab:red",
                markersize=9,
                label="illegal",
            )
        if b is not None and b.total_us is not None:
            ax.plot([b.factor], [b.total_us], "*", color="tab:orange", markersize=16,
                    label=f"best: factor {b.factor}")
            ax.annotate(
                f"{b.total_us:.1f} us",
                (b.factor, b.total_us),
                textcoords="offset points",
                xytext=(0, 12),
                ha="center",
            )
        factors = sorted({p.factor for p in timed})
        if factors and all(f > 0 for f in factors):
            ax.set_xscale("log", base=2)
            ax.set_xticks(factors)
            ax.set_xticklabels([str(f) for f in factors])
        ax.set_xlabel(f"coarsening factor of {scope}")
        ax.set_ylabel("total time (us, cost model)")
        ax.set_title(title or f"{scope} on {machine}: total time vs factor")
        ax.margins(x=0.08, y=0.15)
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        _check_writable(path)
        try:
            fig.savefig(path, format="png")
        except OSError as e:
            raise ToolError(f"cannot write '{path}': {e.strerror or e}") from e
    finally:
        plt.close(fig)


def run(argv: Sequence[str] | None, stdout: IO[str], stderr: IO[str], env: Mapping[str, str]) -> int:
    args = build_parser().parse_args(argv)
    if args.set:
        return _run_set(args, stdout, stderr, env)
    if args.scope is None:
        raise ToolError("the following arguments are required: --scope")
    factors: list[int] = list(DEFAULT_FACTORS)
    if args.factors is not None:
        factors = parse_factors(args.factors)
    check_outputs({"--plot": args.plot}, [args.file, args.inputs])
    if args.inputs is not None:
        if args.seed is not None and not args.inputs.endswith(".py"):
            raise ToolError("--seed has no effect with an .npz of inputs")
        require_regular_file(args.inputs, "inputs ")
    if args.plot is not None:
        _check_writable(args.plot)
    module, name = load_module(args.file, args.func, None, args.parse_timeout)
    try:
        spmd = find_scope(module, args.scope, args.func)
        count = spmd.static_count
        if count is None:
            raise TuneError(f"scope '{args.scope}' has a dynamic task count and cannot be tuned")
        if args.auto:
            factors = divisors(count)
        func = args.func or function_of(spmd)
        inputs, inputs_desc = _inputs(args, module, func)
        forced = args.progress
        enabled = forced if forced is not None else (
            stderr.isatty() or env.get("PTO_TUNE_PROGRESS", "") not in ("", "0")
        )
        bar = Progress(stderr, enabled)
        try:
            points = sweep(
                module,
                args.scope,
                factors,
                inputs=inputs,
                machine=args.machine,
                inner=args.inner,
                func=func,
                remainder=args.remainder,
                progress=bar,
                jobs=args.jobs,
            )
        finally:
            bar.close()
    except TuneError as e:
        raise ToolError(str(e)) from e
    for w in unique_warnings(points):
        print(w, file=stderr)
    b = best(points)
    if args.json:
        doc = to_json(
            points,
            scope=args.scope,
            tasks=count,
            func=func,
            machine=args.machine,
            inner=args.inner,
            file=name,
            inputs=inputs_desc,
        )
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        title = (
            f"{TOOL}: scope {args.scope} of @{func} ({count} tasks), machine {args.machine}, "
            f"inputs: {inputs_desc}, inner loop: {args.inner}"
        )
        stdout.write(format_table(points, title=title) + "\n")
        if b is not None:
            stdout.write(f"best: factor {b.factor} ({b.total_us:.2f} us)\n")
    stdout.flush()
    if args.plot is not None:
        plot_ucurve(points, args.plot, scope=args.scope, machine=args.machine)
    broken = [p for p in points if p.internal_error]
    if broken:
        # a crash of ptoc on a variant, not a property of the kernel: no recommendation
        for p in broken:
            print(f"{TOOL}: internal error: factor {p.factor}: {p.reasons[0]}", file=stderr)
        return 2
    if b is None:
        print(f"{TOOL}: error: no factor of scope '{args.scope}' is legal", file=stderr)
        return 1
    return 0


def _run_set(
    args: argparse.Namespace, stdout: IO[str], stderr: IO[str], env: Mapping[str, str]
) -> int:
    """`--set NAME=V1,V2 ...`: re-import a .py kernel per grid point (ptoc.tuning.constant_sweep)."""
    if not is_kernel_file(args.file):
        raise ToolError("--set needs a .py kernel (it replaces module constants and re-imports)")
    if args.factors is not None or args.auto or args.plot is not None:
        raise ToolError("--set cannot be combined with --factors, --auto or --plot")
    try:
        sets = [parse_set(spec) for spec in args.set]
    except ValueError as e:
        raise ToolError(str(e)) from None
    # the inputs as for a scope sweep (_inputs), made once per argument signature: the
    # variants of a sweep run on the same inputs unless a constant changes a shape
    made: dict[str, Any] = {}
    descs: list[str] = []

    def inputs(module: Any) -> Any:
        key = str([getattr(op, "function_type", None) for op in module.ops])
        if key not in made:
            made[key], desc = _inputs(args, module, args.func)
            descs.append(desc)
        return made[key]

    forced = args.progress
    enabled = forced if forced is not None else (
        stderr.isatty() or env.get("PTO_TUNE_PROGRESS", "") not in ("", "0")
    )
    bar = Progress(stderr, enabled)
    try:
        points = sweep_constants(
            args.file, sets, inputs=inputs, machine=args.machine, func=args.func,
            scope=args.scope, progress=lambda d, t, _label: bar(d, t, d),
        )
    except TuneError as e:
        raise ToolError(str(e)) from e
    finally:
        bar.close()
    for w in dict.fromkeys(w for p in points for w in p.warnings):
        print(w, file=stderr)
    b = best_point(points)
    if args.json:
        doc = set_points_json(points, file=args.file, func=args.func, scope=args.scope,
                              machine=args.machine, inputs=", ".join(dict.fromkeys(descs)))
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        what = " x ".join(f"{n} in {{{', '.join(map(str, v))}}}" for n, v in sets)
        inputs_desc = ", ".join(dict.fromkeys(descs)) or "none"
        title = (f"{TOOL}: {args.file}, {what}, machine {args.machine}, inputs: {inputs_desc}"
                 + (f", scope {args.scope}" if args.scope else ""))
        stdout.write(format_set_table(points, title=title) + "\n")
        if b is not None and b.total_us is not None:
            stdout.write(f"best: {b.label} ({b.total_us:.2f} us)\n")
    stdout.flush()
    if b is None:
        print(f"{TOOL}: error: no variant is legal", file=stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> NoReturn:
    report_and_exit(TOOL, lambda: run(argv, sys.stdout, sys.stderr, os.environ))


if __name__ == "__main__":
    main()
