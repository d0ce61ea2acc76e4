"""Time ptoc's grouping and expansion passes against their upstream peers.

```
python bench/passes_vs_peers.py [--quick] [--repeat N] [--json PATH] [--in-process-only]
                                [--grouping-sizes 1 8 64] [--expansion-sizes 2 4 8 16]
                                [--body same|tiles] [--mlir-opt PATH | --no-mlir-opt]
```

Every comparison is of equal work on generated IR of the same shape, and every peer is
measured in the same run:

* **grouping**: K scopes of 64 tasks, each task body 97 ops (8 times: a column
  constant, two loads, eight float ops, a store; plus the task index), in upstream ops
  (`memref.load`, `arith` on `f32`, `memref.store`). ptoc sees `pto.spmd` scopes, the
  peers the upstream analogue, `scf.parallel` loops (generic form: xDSL 0.74 parses no
  other), with the same body text: the inputs differ only in the loop op. With
  `--body tiles`, ptoc's body is instead `pto.load`/`pto.store` on `tensor<1x64xf32>`
  tiles with the same op count (more realistic for ptoc, but its text carries tensor
  types the peers' text does not, which makes ptoc's parse slower in the e2e rows).
  ptoc's `pto-spmd-coarsen{factor=2}` against xDSL's
  `scf-parallel-loop-tiling{parallel_loop_tile_sizes=2}` and MLIR's
  `--scf-parallel-loop-tiling=parallel-loop-tile-sizes=2`.
* **expansion**: 8 scopes of 64/G groups, each a G-way `pto.unroll` of the same body (the
  output of `pto-spmd-coarsen{factor=G}`), against `scf.for %j = 0 to G step 1` loops with
  constant bounds in `scf.parallel` groups. ptoc's `pto-unroll-expand` (full expansion,
  then canonicalize+CSE of the integer/index `arith` ops of the expanded regions) against
  xDSL's `scf-for-loop-unroll` (full unrolling of every `scf.for` with constant bounds)
  followed by `canonicalize,cse`, and MLIR's `--test-loop-unrolling=unroll-factor=G`
  (G = the trip count, so the loop is fully unrolled and removed) followed by
  `--canonicalize --cse`: the same cleanup is added to the peers' pipelines. In process,
  the expansion alone (ptoc's `expand_unroll` without the cleanup) is also timed against
  `scf-for-loop-unroll` alone.

Two ways of timing:

* **in process** (ptoc and xDSL only): `pass.apply(ctx, module)` on a fresh clone of the
  parsed module for each repetition; parsing, cloning and printing are not timed; GC is
  off during the timed call (as in `timeit`). One untimed warm-up run first.
* **end to end** (subprocess wall time): `pto-opt`, `xdsl-opt` and `mlir-opt` on the
  same input file, output written to a file. This includes interpreter start-up and
  imports for the two Python tools (see the `startup` rows: each tool on an empty module
  without a pass) and parsing and printing for all three.

Before timing, the output of each tool is checked to be the same work: the same
counts of loads, stores, float and index ops (see `check_grouping`/`check_expansion`),
no loop left after expansion, K grouped loops of 2 after grouping. A mismatch stops the
bench with an AssertionError.

Prints, for each case and size, the median and the min over the repetitions of ptoc and
of each peer, and the ratio ptoc/peer of the medians (< 1: ptoc is faster).
`mlir-opt` comes from Debian's `mlir-19-tools` (`apt-get install mlir-19-tools`, in
/usr/lib/llvm-19/bin); without it, its rows are skipped with a message.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IntegerAttr, ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.parser import Parser
from xdsl.passes import ModulePass
from xdsl.transforms.canonicalize import CanonicalizePass
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination
from xdsl.transforms.scf_for_loop_unroll import ScfForLoopUnrollPass
from xdsl.transforms.scf_parallel_loop_tiling import ScfParallelLoopTilingPass
from xdsl.universe import Universe

import ptoc
from ptoc.dialects.pto import SpmdOp, UnrollOp
from ptoc.passes.spmd_coarsen import SpmdCoarsenPass
from ptoc.passes.unroll_expand import UnrollExpandPass, expand_unroll

MLIR_OPT_DEFAULT = "/usr/lib/llvm-19/bin/mlir-opt"
TASKS = 64  # tasks per scope
ROWS = 8  # column blocks per task body: 8 x 12 ops + the task index = 97 ops
WIDTH = ROWS * 64
MEMREF = f"memref<{TASKS}x{WIDTH}xf32>"
TILE = "tensor<1x64xf32>"
BODY_OPS = ROWS * 12
EXPANSION_SCOPES = 8
FLOAT_OPS = (
    ("addf", "x", "y", "s"),
    ("mulf", "s", "x", "m"),
    ("subf", "m", "y", "d"),
    ("maximumf", "d", "s", "mx"),
)
FLOAT_OPS_2 = (("mulf", "e", "y", "q"), ("addf", "q", "m", "rr"), ("divf", "rr", "e", "z"))


# --------------------------------------------------------------------------- inputs


def task_body(task: str, *, pto: bool) -> list[str]:
    """The ops of one task body (without the task index): `pto.load`/`pto.store` on tiles
    (pto) or `memref.load`/`memref.store` on scalars."""
    ty = TILE if pto else "f32"
    lines: list[str] = []
    for r in range(ROWS):
        col = f"%col{r}"
        lines.append(f"{col} = arith.constant {r * 64} : index")
        for v, src in (("x", "%a"), ("y", "%b")):
            if pto:
                lines.append(f"%{v}{r} = pto.load {src}[{task}, {col}] : {MEMREF} -> {ty}")
            else:
                lines.append(f"%{v}{r} = memref.load {src}[{task}, {col}] : {MEMREF}")
        for op, a, b, n in FLOAT_OPS:
            lines.append(f"%{n}{r} = arith.{op} %{a}{r}, %{b}{r} : {ty}")
        lines.append(f"%e{r} = math.exp %mx{r} : {ty}")
        for op, a, b, n in FLOAT_OPS_2:
            lines.append(f"%{n}{r} = arith.{op} %{a}{r}, %{b}{r} : {ty}")
        if pto:
            lines.append(f"pto.store %z{r}, %c[{task}, {col}] : {ty}, {MEMREF}")
        else:
            lines.append(f"memref.store %z{r}, %c[{task}, {col}] : {MEMREF}")
    assert len(lines) == BODY_OPS
    return lines


def _func(body: Iterable[str]) -> str:
    head = f"func.func @bench(%a: {MEMREF}, %b: {MEMREF}, %c: {MEMREF}) {{"
    return "\n".join([head, *("  " + line for line in body), "  func.return", "}", ""])


def _parallel(k: int, count: int, arg: str, body: Iterable[str]) -> list[str]:
    """`scf.parallel` in generic form (the only form xDSL 0.74 parses)."""
    return [
        f"%lb{k} = arith.constant 0 : index",
        f"%ub{k} = arith.constant {count} : index",
        f"%st{k} = arith.constant 1 : index",
        f'"scf.parallel"(%lb{k}, %ub{k}, %st{k}) '
        "<{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> ({",
        f"^bb0(%{arg}: index):",
        *("  " + line for line in body),
        "  scf.reduce",
        "}) : (index, index, index) -> ()",
    ]


def grouping_inputs(scopes: int, *, tiles: bool = False) -> tuple[str, str]:
    """(pto, upstream) modules with `scopes` scopes of TASKS tasks each.

    The pto side's body is the upstream one (identical text) unless `tiles`.
    """
    pto: list[str] = []
    up: list[str] = []
    for k in range(scopes):
        pto.append(f'pto.spmd %t = 0 to {TASKS} name "s{k}" core vector {{')
        pto += ["  " + line for line in task_body("%t", pto=tiles)]
        pto.append("}")
        up += _parallel(k, TASKS, "t", task_body("%t", pto=False))
    return _func(pto), _func(up)


def expansion_inputs(
    g: int, scopes: int = EXPANSION_SCOPES, *, tiles: bool = False
) -> tuple[str, str]:
    """(pto, upstream) modules: `scopes` scopes of TASKS/g groups, each a g-way loop."""
    pto: list[str] = []
    up: list[str] = []
    for k in range(scopes):
        head = [f"%gs = arith.constant {g} : index", "%base = arith.muli %g, %gs : index"]
        index = "  %t = arith.addi %base, %j : index"
        pto.append(f'pto.spmd %g = 0 to {TASKS // g} name "s{k}" core vector {{')
        pto += ["  " + line for line in head]
        pto += [f"  pto.unroll %j = 0 to {g} {{", "  " + index]
        pto += ["    " + line for line in task_body("%t", pto=tiles)]
        pto += ["  }", "}"]
        loop = [
            *head,
            "%j0 = arith.constant 0 : index",
            "%j1 = arith.constant 1 : index",
            "scf.for %j = %j0 to %gs step %j1 {",
            index,
            *("  " + line for line in task_body("%t", pto=False)),
            "}",
        ]
        up += _parallel(k, TASKS // g, "g", loop)
    return _func(pto), _func(up)


def upstream_context() -> Context:
    """Every dialect xDSL knows (the peers' outputs use affine)."""
    ctx = Context()
    for name, factory in Universe.get_multiverse().all_dialects.items():
        ctx.register_dialect(name, factory)
    return ctx


def parse_upstream(text: str) -> ModuleOp:
    return Parser(upstream_context(), text).parse_module()


# --------------------------------------------------------------------------- checks

_SAME = {"pto.load": "load", "memref.load": "load", "pto.store": "store", "memref.store": "store"}
_STRUCTURE = {
    "builtin.module",
    "func.func",
    "func.return",
    "pto.spmd",
    "pto.unroll",
    "pto.yield",
    "scf.parallel",
    "scf.reduce",
    "scf.for",
    "scf.yield",
    "affine.min",
    "arith.constant",
}


def payload(ops: Iterable[Operation]) -> Counter[str]:
    """Counts of the ops that do the work (constants and loop structure excluded)."""
    return Counter(_SAME.get(o.name, o.name) for o in ops if o.name not in _STRUCTURE)


def op_count(module: Operation) -> int:
    return sum(1 for _ in module.walk()) - 1


def check_grouping(module: ModuleOp, scopes: int, *, ptoc_side: bool) -> dict[str, int]:
    """Check a grouped module: `scopes` outer loops of 2-task groups, each body intact."""
    inner: list[Operation] = []
    outer = 0
    if ptoc_side:
        for s in module.walk():
            if isinstance(s, SpmdOp):
                outer += 1
                assert s.static_count == TASKS // 2, f"spmd count {s.static_count}"
        for u in module.walk():
            if isinstance(u, UnrollOp):
                assert u.trip_count == 2, f"unroll count {u.trip_count}"
                inner.append(u)
    else:
        for p in module.walk():
            if isinstance(p, scf.ParallelOp):
                if any(isinstance(q, scf.ParallelOp) for q in p.body.walk()):
                    outer += 1
                    step = _index_value(p.step[0])
                    assert step == 2, f"outer scf.parallel step {step}, not the tile size 2"
                else:
                    inner.append(p)
    assert outer == scopes and len(inner) == scopes, (outer, len(inner), scopes)
    body = Counter[str]()
    for loop in inner:
        body += Counter(
            _SAME.get(o.name, o.name)
            for o in loop.regions[0].walk()
            if o.name not in ("pto.yield", "scf.reduce")
        )
    # the body, plus one `addi` per scope: the task index from the group and the lane
    want = Counter({n: c * scopes for n, c in Counter(_body_names()).items()})
    want["arith.addi"] += scopes
    assert body == want, f"grouped bodies differ from the input: {body - want} / {want - body}"
    return {"ops": op_count(module), "body_ops": sum(body.values())}


def _index_value(value: SSAValue) -> int | None:
    """The value of an index computed from constants by `muli`/`addi`, else None."""
    op = value.owner
    if isinstance(op, arith.ConstantOp) and isinstance(op.value, IntegerAttr):
        return op.value.value.data
    if isinstance(op, arith.MuliOp | arith.AddiOp):
        lhs, rhs = _index_value(op.lhs), _index_value(op.rhs)
        if lhs is None or rhs is None:
            return None
        return lhs * rhs if isinstance(op, arith.MuliOp) else lhs + rhs
    return None


def _body_names() -> list[str]:
    """The op names of `task_body` (loads and stores under their common name)."""
    row = [
        "arith.constant",
        "load",
        "load",
        *(f"arith.{op}" for op, *_ in FLOAT_OPS),
        "math.exp",
        *(f"arith.{op}" for op, *_ in FLOAT_OPS_2),
        "store",
    ]
    return row * ROWS


def check_expansion(module: ModuleOp, g: int, scopes: int, *, cleaned: bool) -> dict[str, Any]:
    """Check an expanded module: no loop left, g copies of each body, same index math."""
    names = Counter(o.name for o in module.walk())
    assert names["pto.unroll"] == 0 and names["scf.for"] == 0, "a loop was not expanded"
    got = payload(module.walk())
    want = Counter[str]()
    for n in _body_names():
        if n != "arith.constant":
            want[n] += g * scopes
    want["arith.muli"] += scopes  # the group base
    # the task index of each copy: `%base + %j` before cleanup, `%base + k` (k > 0) after
    want["arith.addi"] += scopes * (g - 1 if cleaned else g)
    assert got == want, f"expanded ops differ: extra {got - want}, missing {want - got}"
    return {
        "ops": op_count(module),
        "payload_ops": sum(got.values()),
        "constants": names["arith.constant"],
    }


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    tool: str
    how: str  # "in-process" or "subprocess"
    times_s: list[float]
    ops_after: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times_s)

    @property
    def min(self) -> float:
        return min(self.times_s)


@dataclass
class Row:
    case: str
    size: str
    ptoc: Timing
    peers: list[Timing] = field(default_factory=list[Timing])
    skipped: list[str] = field(default_factory=list[str])


def time_apply(
    passes: Sequence[ModulePass], ctx: Context, module: ModuleOp, repeat: int
) -> tuple[list[float], ModuleOp]:
    """Times of applying `passes` to fresh clones of `module`, and the warm-up result."""
    warm = module.clone()
    for p in passes:
        p.apply(ctx, warm)
    times: list[float] = []
    for _ in range(repeat):
        m = module.clone()
        gc.collect()
        gc.disable()
        try:
            t = time.perf_counter()
            for p in passes:
                p.apply(ctx, m)
            times.append(time.perf_counter() - t)
        finally:
            gc.enable()
    return times, warm


def time_call(fn: Callable[[ModuleOp], None], module: ModuleOp, repeat: int) -> list[float]:
    fn(module.clone())
    times: list[float] = []
    for _ in range(repeat):
        m = module.clone()
        gc.collect()
        gc.disable()
        try:
            t = time.perf_counter()
            fn(m)
            times.append(time.perf_counter() - t)
        finally:
            gc.enable()
    return times


def time_cmd(argv: Sequence[str], repeat: int) -> list[float]:
    times: list[float] = []
    for _ in range(repeat):
        t = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{proc.stderr}")
    return times


def run_text(argv: Sequence[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{proc.stderr}")
    return proc.stdout


def expand_only(module: ModuleOp) -> None:
    """pto-unroll-expand without its cleanup: every unroll expanded, innermost first."""
    for u in [u for u in module.walk(region_first=True) if isinstance(u, UnrollOp)]:
        expand_unroll(u)


@dataclass
class Tools:
    pto_opt: str | None
    xdsl_opt: str | None
    mlir_opt: str | None
    mlir_missing: str = ""


def find_tools(args: argparse.Namespace) -> Tools:
    bindir = Path(sys.executable).parent

    def venv_or_path(name: str) -> str | None:
        local = bindir / name
        return str(local) if local.exists() else shutil.which(name)

    if args.in_process_only:
        return Tools(None, None, None, "subprocess peers off (--in-process-only)")
    mlir: str | None = None
    missing = ""
    if args.no_mlir_opt:
        missing = "mlir-opt rows off (--no-mlir-opt)"
    else:
        cand = args.mlir_opt or shutil.which("mlir-opt") or MLIR_OPT_DEFAULT
        if Path(cand).exists() or shutil.which(cand):
            mlir = cand
        else:
            missing = (
                f"mlir-opt not found ({cand}): its rows are skipped; "
                "install it with `apt-get install mlir-19-tools`"
            )
    return Tools(venv_or_path("pto-opt"), venv_or_path("xdsl-opt"), mlir, missing)


# --------------------------------------------------------------------------- cases


def bench_grouping(k: int, repeat: int, tools: Tools, tmp: Path, tiles: bool) -> list[Row]:
    pto_text, up_text = grouping_inputs(k, tiles=tiles)
    pctx = ptoc.context()
    uctx = upstream_context()
    pmod = ptoc.parse(pto_text, ctx=pctx)
    umod = Parser(uctx, up_text).parse_module()
    size = f"K={k} scopes"
    coarsen = SpmdCoarsenPass(factor=2)
    tiling = ScfParallelLoopTilingPass(parallel_loop_tile_sizes=(2,))

    t_p, out_p = time_apply([coarsen], pctx, pmod, repeat)
    t_x, out_x = time_apply([tiling], uctx, umod, repeat)
    cp = check_grouping(out_p, k, ptoc_side=True)
    cx = check_grouping(out_x, k, ptoc_side=False)
    assert cp["body_ops"] == cx["body_ops"]
    rows = [
        Row(
            "grouping",
            size,
            Timing("ptoc SpmdCoarsenPass(factor=2)", "in-process", t_p, cp["ops"]),
            [Timing("xdsl ScfParallelLoopTilingPass((2,))", "in-process", t_x, cx["ops"])],
        )
    ]
    if tools.pto_opt is None:
        return rows

    pin, uin = tmp / f"group{k}.pto.mlir", tmp / f"group{k}.up.mlir"
    pin.write_text(pto_text)
    uin.write_text(up_text)
    out = str(tmp / "out.mlir")
    pto_cmd = [tools.pto_opt, str(pin), "-p", "pto-spmd-coarsen{factor=2}", "-o", out]
    run_text(pto_cmd)
    cp = check_grouping(ptoc.parse(Path(out).read_text()), k, ptoc_side=True)
    row = Row(
        "grouping e2e",
        size,
        Timing(
            "pto-opt -p pto-spmd-coarsen{factor=2}",
            "subprocess",
            time_cmd(pto_cmd, repeat),
            cp["ops"],
        ),
    )
    if tools.xdsl_opt is not None:
        cmd = [
            tools.xdsl_opt,
            str(uin),
            "-p",
            "scf-parallel-loop-tiling{parallel_loop_tile_sizes=2}",
            "-o",
            out,
        ]
        run_text(cmd)
        cx = check_grouping(parse_upstream(Path(out).read_text()), k, ptoc_side=False)
        row.peers.append(
            Timing(
                "xdsl-opt -p scf-parallel-loop-tiling",
                "subprocess",
                time_cmd(cmd, repeat),
                cx["ops"],
            )
        )
    if tools.mlir_opt is not None:
        cmd = [tools.mlir_opt, str(uin), "--scf-parallel-loop-tiling=parallel-loop-tile-sizes=2"]
        cm = check_grouping(
            parse_upstream(run_text([*cmd, "--mlir-print-op-generic"])), k, ptoc_side=False
        )
        row.peers.append(
            Timing(
                "mlir-opt --scf-parallel-loop-tiling",
                "subprocess",
                time_cmd([*cmd, "-o", out], repeat),
                cm["ops"],
            )
        )
    else:
        row.skipped.append(tools.mlir_missing)
    rows.append(row)
    return rows


def bench_expansion(
    g: int, repeat: int, tools: Tools, tmp: Path, scopes: int, tiles: bool
) -> list[Row]:
    pto_text, up_text = expansion_inputs(g, scopes, tiles=tiles)
    pctx = ptoc.context()
    uctx = upstream_context()
    pmod = ptoc.parse(pto_text, ctx=pctx)
    umod = Parser(uctx, up_text).parse_module()
    size = f"G={g} x {scopes} scopes"
    unroll = ScfForLoopUnrollPass()
    cleanup = [CanonicalizePass(), CommonSubexpressionElimination()]

    t_p, out_p = time_apply([UnrollExpandPass()], pctx, pmod, repeat)
    t_x, out_x = time_apply([unroll, *cleanup], uctx, umod, repeat)
    cp = check_expansion(out_p, g, scopes, cleaned=True)
    cx = check_expansion(out_x, g, scopes, cleaned=True)
    rows = [
        Row(
            "expansion+cleanup",
            size,
            Timing("ptoc UnrollExpandPass()", "in-process", t_p, cp["ops"]),
            [
                Timing(
                    "xdsl scf-for-loop-unroll,canonicalize,cse",
                    "in-process",
                    t_x,
                    cx["ops"],
                    note="xDSL canonicalizes every op of the module; ptoc only the "
                    "integer/index arith of the expanded regions",
                )
            ],
        ),
    ]

    t_p = time_call(expand_only, pmod, repeat)
    t_x, out_x = time_apply([unroll], uctx, umod, repeat)
    warm = pmod.clone()
    expand_only(warm)
    cp = check_expansion(warm, g, scopes, cleaned=False)
    cx = check_expansion(out_x, g, scopes, cleaned=False)
    rows.append(
        Row(
            "expansion only",
            size,
            Timing("ptoc expand_unroll (no cleanup)", "in-process", t_p, cp["ops"]),
            [Timing("xdsl ScfForLoopUnrollPass()", "in-process", t_x, cx["ops"])],
        )
    )
    if tools.pto_opt is None:
        return rows

    pin, uin = tmp / f"expand{g}.pto.mlir", tmp / f"expand{g}.up.mlir"
    pin.write_text(pto_text)
    uin.write_text(up_text)
    out = str(tmp / "out.mlir")
    pto_cmd = [tools.pto_opt, str(pin), "-p", "pto-unroll-expand", "-o", out]
    run_text(pto_cmd)
    cp = check_expansion(ptoc.parse(Path(out).read_text()), g, scopes, cleaned=True)
    row = Row(
        "expansion e2e",
        size,
        Timing("pto-opt -p pto-unroll-expand", "subprocess", time_cmd(pto_cmd, repeat), cp["ops"]),
    )
    if tools.xdsl_opt is not None:
        cmd = [tools.xdsl_opt, str(uin), "-p", "scf-for-loop-unroll,canonicalize,cse", "-o", out]
        run_text(cmd)
        cx = check_expansion(parse_upstream(Path(out).read_text()), g, scopes, cleaned=True)
        row.peers.append(
            Timing(
                "xdsl-opt -p scf-for-loop-unroll,canonicalize,cse",
                "subprocess",
                time_cmd(cmd, repeat),
                cx["ops"],
            )
        )
    if tools.mlir_opt is not None:
        cmd = [
            tools.mlir_opt,
            str(uin),
            f"--test-loop-unrolling=unroll-factor={g}",
            "--canonicalize",
            "--cse",
        ]
        cm = check_expansion(
            parse_upstream(run_text([*cmd, "--mlir-print-op-generic"])), g, scopes, cleaned=True
        )
        row.peers.append(
            Timing(
                f"mlir-opt --test-loop-unrolling=unroll-factor={g} --canonicalize --cse",
                "subprocess",
                time_cmd([*cmd, "-o", out], repeat),
                cm["ops"],
            )
        )
    else:
        row.skipped.append(tools.mlir_missing)
    rows.append(row)
    return rows


def bench_startup(repeat: int, tools: Tools, tmp: Path) -> list[Row]:
    """Each tool on an empty module, no pass: the fixed cost inside the e2e rows."""
    if tools.pto_opt is None:
        return []
    empty = tmp / "empty.mlir"
    empty.write_text("builtin.module {\n}\n")
    out = str(tmp / "out.mlir")
    row = Row(
        "startup",
        "empty module",
        Timing("pto-opt", "subprocess", time_cmd([tools.pto_opt, str(empty), "-o", out], repeat)),
    )
    if tools.xdsl_opt is not None:
        row.peers.append(
            Timing(
                "xdsl-opt", "subprocess", time_cmd([tools.xdsl_opt, str(empty), "-o", out], repeat)
            )
        )
    if tools.mlir_opt is not None:
        row.peers.append(
            Timing(
                "mlir-opt", "subprocess", time_cmd([tools.mlir_opt, str(empty), "-o", out], repeat)
            )
        )
    else:
        row.skipped.append(tools.mlir_missing)
    return [row]


# --------------------------------------------------------------------------- report


def _ms(s: float) -> str:
    return f"{s * 1e3:.2f}" if s < 0.1 else f"{s * 1e3:.0f}"


def table(rows: Sequence[Row]) -> str:
    head = ("case", "size", "ptoc ms med (min)", "peer", "peer ms med (min)", "ptoc/peer")
    lines: list[tuple[str, ...]] = []
    for r in rows:
        p = f"{_ms(r.ptoc.median)} ({_ms(r.ptoc.min)})"
        if not r.peers:
            lines.append((r.case, r.size, p, "-", "-", "-"))
        for peer in r.peers:
            lines.append(
                (
                    r.case,
                    r.size,
                    p,
                    peer.tool,
                    f"{_ms(peer.median)} ({_ms(peer.min)})",
                    f"{r.ptoc.median / peer.median:.2f}",
                )
            )
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]

    def fmt(cols: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths)) + " |"

    out = [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [fmt(x) for x in lines]
    return "\n".join(out)


def to_json(rows: Sequence[Row], meta: dict[str, Any]) -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    for r in rows:
        d = asdict(r)
        d["ptoc"].update(median_s=r.ptoc.median, min_s=r.ptoc.min)
        for peer, pd in zip(r.peers, d["peers"]):
            pd.update(
                median_s=peer.median,
                min_s=peer.min,
                ratio_median=r.ptoc.median / peer.median,
                ratio_min=r.ptoc.min / peer.min,
            )
        out.append(d)
    return {"meta": meta, "rows": out}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument(
        "--quick", action="store_true", help="smoke run: 3 repetitions, sizes K=1,8 and G=2,4"
    )
    ap.add_argument("--repeat", type=int, default=None, help="repetitions (default 7; 3 quick)")
    ap.add_argument("--grouping-sizes", type=int, nargs="*", default=None, metavar="K")
    ap.add_argument("--expansion-sizes", type=int, nargs="*", default=None, metavar="G")
    ap.add_argument("--expansion-scopes", type=int, default=EXPANSION_SCOPES)
    ap.add_argument(
        "--in-process-only",
        action="store_true",
        help="only the in-process comparisons (no pto-opt/xdsl-opt/mlir-opt runs)",
    )
    ap.add_argument(
        "--mlir-opt",
        default=None,
        help=f"path of mlir-opt (default: PATH, then {MLIR_OPT_DEFAULT})",
    )
    ap.add_argument("--no-mlir-opt", action="store_true")
    ap.add_argument(
        "--body",
        choices=("same", "tiles"),
        default="same",
        help="ptoc's task body: the peers' upstream ops (default) or pto tile ops",
    )
    ap.add_argument(
        "--json", default=None, metavar="PATH", help="also write the results as JSON ('-': stdout)"
    )
    args = ap.parse_args(argv)

    repeat = args.repeat or (3 if args.quick else 7)
    gsizes = (
        args.grouping_sizes
        if args.grouping_sizes is not None
        else ([1, 8] if args.quick else [1, 8, 64])
    )
    esizes = (
        args.expansion_sizes
        if args.expansion_sizes is not None
        else ([2, 4] if args.quick else [2, 4, 8, 16])
    )
    for g in esizes:
        if g < 1 or TASKS % g:
            ap.error(f"expansion size {g} must divide {TASKS}")
    if any(k < 1 for k in gsizes) or repeat < 1 or args.expansion_scopes < 1:
        ap.error("sizes, scopes and --repeat must be positive")
    tools = find_tools(args)
    tiles = args.body == "tiles"

    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ptoc-bench-") as d:
        tmp = Path(d)
        rows += bench_startup(repeat, tools, tmp)
        for k in gsizes:
            rows += bench_grouping(k, repeat, tools, tmp, tiles)
        for g in esizes:
            rows += bench_expansion(g, repeat, tools, tmp, args.expansion_scopes, tiles)
    load_after = os.getloadavg()

    meta: dict[str, Any] = {
        "date": started,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "repeat": repeat,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "tools": {"pto-opt": tools.pto_opt, "xdsl-opt": tools.xdsl_opt, "mlir-opt": tools.mlir_opt},
        "body_ops": BODY_OPS + 1,
        "tasks_per_scope": TASKS,
        "ptoc_body": args.body,
    }
    to_stdout = args.json == "-"
    say: Callable[..., None] = (lambda *a: print(*a, file=sys.stderr)) if to_stdout else print
    say(
        f"# ptoc passes vs peers  {started}  {os.cpu_count()} CPUs  python {meta['python']}  "
        f"repeat {repeat}  load {load_before[0]:.2f} -> {load_after[0]:.2f}"
    )
    say(
        "# in-process: pass.apply on a fresh clone, parse/print excluded; "
        "subprocess (e2e, startup): wall time including interpreter start-up, parse and print"
    )
    say("# ratio = ptoc median / peer median (< 1: ptoc faster); outputs checked for equal work")
    body = "pto tile ops" if tiles else "the peers' upstream ops (same text)"
    say(f"# task body: {BODY_OPS + 1} ops; ptoc's body is {body}")
    if tools.mlir_missing:
        say(f"# note: {tools.mlir_missing}")
    say(table(rows))
    notes = dict.fromkeys(f"# {r.case}: {p.note}" for r in rows for p in r.peers if p.note)
    for note in notes:
        say(note)
    if args.json:
        data = json.dumps(to_json(rows, meta), indent=2)
        if to_stdout:
            print(data)
        else:
            Path(args.json).write_text(data + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
