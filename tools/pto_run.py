"""`pto-run`: run a kernel with the numpy interpreter and report its cost-model schedule.

```
pto-run kernel.mlir --inputs in.npz --outputs out.npz
pto-run kernel.mlir -p 'pto-spmd-coarsen{scope=softmax_pool factor=2},pto-unroll-expand'
pto-run kernel.mlir --seed 3 --report json --trace trace.json --plot swimlane.png
```

The file is parsed, the pipeline (`-p`, the `pto-opt` syntax) applied, the function
(`--func`, or the only one) compiled and run on the inputs, and the execution record
simulated on the machine (`--machine`, default a2a3). The report is the cost model's
table (or JSON) after a one-line run summary.

Inputs: `--inputs x.npz` (one array per kernel argument, by its SSA name; bf16 arrays may
be stored as raw 2-byte `|V2` arrays, as numpy saves them), or `--inputs inputs.py`, a
script whose `make_inputs(seed)` returns them (it is run because it is named: use only
files you trust; nothing next to FILE is ever run implicitly), with `--seed N` (default
0); without `--inputs`, random inputs from the argument types and the seed. `--outputs out.npz` writes every memref argument after the run (bf16 as `|V2`).
`--task-order reverse|random:SEED` runs the tasks of every scope in another order: a
race-free kernel gives the same outputs. `--check-nan` stops at the first op that makes
NaN or Inf from finite inputs. Every error is a one-line diagnostic and a non-zero exit;
no output file is written unless the whole run succeeded.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any, NoReturn, cast

import numpy as np

from ptoc.api import run_pipeline
from ptoc.backend.interpreter import compile_module, random_inputs
from ptoc.costmodel import load_machine, simulate
from ptoc.tools.cli import ToolArgumentParser, import_pyplot, positive_arg, seed_arg
from ptoc.tools.pto_opt import (
    ToolError,
    add_parse_timeout,
    check_outputs,
    load_module,
    report_and_exit,
    require_regular_file,
    write_atomically,
    write_bytes_atomically,
)
from ptoc.tuning.factor_sweep import (  # (importing it registers the tuning passes)
    MAX_TASKS,
    TuneError,
    inputs_from_script,
)

TOOL = "pto-run"
DEFAULT_MAX_TASKS = MAX_TASKS



def build_parser() -> argparse.ArgumentParser:
    p = ToolArgumentParser(
        prog=TOOL,
        description="Run a pto kernel with the numpy interpreter and report the cost model's "
        "schedule of the run.",
    )
    p.add_argument("file", metavar="FILE", help="the kernel (.mlir, or a .py PyPTO kernel); '-' reads stdin")
    p.add_argument("-p", "--passes", metavar="PIPELINE", default="",
                   help="pass pipeline to apply first (pto-opt -p syntax)")
    p.add_argument("--inputs", metavar="FILE",
                   help="the kernel's inputs: an .npz (one array per argument) or a .py "
                   "script defining make_inputs(seed) (it is run)")
    p.add_argument("--seed", type=seed_arg,
                   help="seed for the inputs script or the random inputs (default 0)")
    p.add_argument("--outputs", metavar="NPZ", help="write every memref argument after the run")
    p.add_argument("--report", choices=("table", "json"), default="table",
                   help="report format on stdout (default table)")
    p.add_argument("--trace", metavar="JSON", help="write the Chrome trace-event JSON")
    p.add_argument("--plot", metavar="PNG", help="draw the swimlane (needs matplotlib)")
    p.add_argument("--check-nan", action="store_true",
                   help="stop at the first op that makes NaN or Inf from finite inputs")
    p.add_argument("--task-order", default="forward", metavar="ORDER",
                   help="forward (default), reverse or random:SEED")
    p.add_argument("--per-task", action="store_true",
                   help="run every scope task by task (by default a scope whose tasks allow it "
                   "runs them all at once; the outputs and the record are the same)")
    p.add_argument("--func", metavar="NAME", help="the function to run (default: the only one)")
    p.add_argument("--machine", default="a2a3", help="machine name or .toml (default a2a3)")
    p.add_argument("--max-tasks", type=positive_arg, default=DEFAULT_MAX_TASKS, metavar="N",
                   help=f"the most tasks one scope may launch (default {DEFAULT_MAX_TASKS})")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[],
                   help="a .py kernel: replace a module constant before importing, or give a scalar parameter of the entry its value (PyPTO specializes those) (repeatable)")
    add_parse_timeout(p)
    return p


# --------------------------------------------------------------------------- inputs


def load_npz(path: str) -> dict[str, Any]:
    """The arrays of an .npz file, by name; a ToolError if it cannot be read."""
    try:
        loaded: Any = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ToolError(f"'{path}' holds a single array, not an .npz archive of named inputs")
        with loaded:
            return {str(k): np.asarray(cast(Any, loaded[k])) for k in loaded.files}
    except ToolError:
        raise
    except OSError as e:
        raise ToolError(f"cannot read inputs '{path}': {e.strerror or e}") from e
    except Exception as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ToolError(f"'{path}' is not a readable .npz file: {msg}") from e


def make_inputs(args: argparse.Namespace, prog: Any) -> tuple[dict[str, Any], str]:
    seed = 0 if args.seed is None else args.seed
    if args.inputs is not None:
        if args.inputs.endswith(".py"):
            try:
                return inputs_from_script(args.inputs, seed), f"{args.inputs} seed {seed}"
            except TuneError as e:
                raise ToolError(str(e)) from e
        if args.seed is not None:
            raise ToolError("--seed has no effect with an .npz of inputs")
        return load_npz(args.inputs), args.inputs
    return random_inputs(prog, seed), f"random seed {seed}"


# --------------------------------------------------------------------------- outputs


def write_npz_atomically(path: str, arrays: Mapping[str, Any]) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ToolError(f"cannot write '{path}': no such directory '{folder}'")
    buf = io.BytesIO()
    np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})  # pyright: ignore[reportArgumentType]
    try:
        write_bytes_atomically(path, buf.getvalue())
    except OSError as e:
        raise ToolError(f"cannot write '{path}': {e.strerror or e}") from e


def run_summary(prog: Any, res: Any, inputs_desc: str, args: argparse.Namespace) -> dict[str, Any]:
    """What ran: the function, the inputs, and per scope its tasks and recorded events."""
    scopes: list[dict[str, Any]] = []
    for s in res.record.scopes:
        scopes.append({
            "name": s.name,
            "core": s.core,
            "tasks": len(s.tasks),
            "events": sum(len(t.events) for t in s.tasks),
        })
    outputs: dict[str, Any] = {}
    for name, a in res.outputs.items():
        x = np.asarray(a)
        outputs[name] = {
            "shape": list(x.shape),
            "dtype": x.dtype.name,
            "finite": bool(np.all(np.isfinite(x.astype(np.float64)))) if x.size else True,
        }
    return {
        "function": prog.name,
        "inputs": inputs_desc,
        "pipeline": args.passes,
        "task_order": args.task_order,
        "scopes": scopes,
        "outputs": outputs,
    }


def summary_table(summary: Mapping[str, Any]) -> str:
    lines = [
        f"{TOOL}: @{summary['function']}, inputs: {summary['inputs']}, "
        f"task order: {summary['task_order']}"
        + (f", pipeline: {summary['pipeline']}" if summary["pipeline"] else ""),
    ]
    for s in summary["scopes"]:
        lines.append(f"  scope {s['name']} ({s['core']}): {s['tasks']} tasks, {s['events']} ops run")
    return "\n".join(lines)


def _simulate(record: Any, machine: str) -> Any | None:
    """The cost model's report of the run."""
    try:
        m = load_machine(machine)
    except (OSError, ValueError, KeyError) as e:
        raise ToolError(f"cannot load machine '{machine}': {e}") from e
    return simulate(record, m)


def _require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401  # pyright: ignore[reportUnusedImport]
    except ImportError:
        raise ToolError(
            "--plot needs matplotlib: install the plot extra (pip install 'ptoc[plot]')"
        ) from None


def plot_swimlane(report: Any, path: str, title: str) -> None:
    """One row per core, one bar per task (start..end), coloured by scope."""
    plt = import_pyplot()
    import matplotlib.patches as patches

    handles: list[Any] = []
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ToolError(f"cannot write '{path}': no such directory '{folder}'")
    tasks = list(report.tasks)
    cores = sorted({t.core for t in tasks}, key=lambda c: (c.rstrip("0123456789"), int("0" + c[len(c.rstrip("0123456789")):])))
    row = {c: i for i, c in enumerate(cores)}
    scope_names = list(dict.fromkeys(t.scope for t in tasks))
    colors = plt.get_cmap("tab10")
    fig: Any
    ax: Any
    fig, ax = plt.subplots(figsize=(10, max(2.5, 0.18 * len(cores) + 1.2)), dpi=110)
    try:
        for i, name in enumerate(scope_names):
            mine = [t for t in tasks if t.scope == name]
            handles.append(patches.Patch(color=colors(i % 10), label=name))
            for t in mine:
                y = row[t.core]
                ax.broken_barh([(t.start_us, max(t.end_us - t.start_us, 1e-3))], (y - 0.4, 0.8),
                               color=colors(i % 10))
                if t.finish_us > t.end_us:
                    ax.plot([t.end_us, t.finish_us], [y, y], color="0.6", linewidth=0.6)
        ax.set_yticks(range(len(cores)))
        ax.set_yticklabels(cores, fontsize=6)
        ax.invert_yaxis()
        ax.set_xlabel("time (us, cost model)")
        ax.set_title(title, fontsize=9)
        ax.legend(handles=handles, fontsize=7, loc="upper right")
        ax.grid(True, axis="x", alpha=0.3)
        fig.tight_layout()
        try:
            fig.savefig(path, format="png")
        except OSError as e:
            raise ToolError(f"cannot write '{path}': {e.strerror or e}") from e
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- main


def run(argv: Sequence[str] | None, stdout: IO[str]) -> int:
    args = build_parser().parse_args(argv)
    for opt in ("outputs", "trace", "plot"):
        value = getattr(args, opt)
        if value is None:
            continue
        if not value.strip():
            raise ToolError(f"--{opt} needs a file name")
        folder = os.path.dirname(os.path.abspath(value))
        if not os.path.isdir(folder):  # fail before running, not after the report
            raise ToolError(f"cannot write '{value}': no such directory '{folder}'")
        if os.path.isdir(value):
            raise ToolError(f"cannot write '{value}': it is a directory")
    check_outputs(
        {"--outputs": args.outputs, "--trace": args.trace, "--plot": args.plot},
        [args.file, args.inputs],
    )
    if args.inputs is not None:
        if args.seed is not None and not args.inputs.endswith(".py"):
            raise ToolError("--seed has no effect with an .npz of inputs")
        require_regular_file(args.inputs, "inputs ")
    if args.plot is not None:
        _require_matplotlib()
    module, _ = load_module(args.file, args.func, args.set, args.parse_timeout)
    if args.passes:
        run_pipeline(module, args.passes)
    prog = compile_module(module, func=args.func)
    inputs, inputs_desc = make_inputs(args, prog)
    res = prog.run(inputs, task_order=args.task_order, check_nan=args.check_nan,
                   max_tasks=args.max_tasks, batched=not args.per_task)
    report = _simulate(res.record, args.machine)
    summary = run_summary(prog, res, inputs_desc, args)
    if args.report == "json":
        doc: dict[str, Any] = {"run": summary}
        if report is not None:
            doc["cost"] = report.to_json()
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        stdout.write(summary_table(summary) + "\n")
        if report is not None:
            stdout.write(report.to_table() + "\n")
    stdout.flush()
    if args.outputs is not None:
        write_npz_atomically(args.outputs, res.outputs)
    if args.trace is not None:
        if report is None:
            raise ToolError("--trace needs the cost model (ptoc.costmodel), which is missing")
        try:
            write_atomically(args.trace, json.dumps(report.to_trace_events()) + "\n")
        except OSError as e:
            raise ToolError(f"cannot write '{args.trace}': {e.strerror or e}") from e
    if args.plot is not None:
        if report is None:
            raise ToolError("--plot needs the cost model (ptoc.costmodel), which is missing")
        title = f"@{prog.name} on {args.machine}: total {report.total_us:.2f} us"
        plot_swimlane(report, args.plot, title)
    return 0


def main(argv: Sequence[str] | None = None) -> NoReturn:
    report_and_exit(TOOL, lambda: run(argv, sys.stdout))


if __name__ == "__main__":
    main()
