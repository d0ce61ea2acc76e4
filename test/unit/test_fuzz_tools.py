"""Mutation fuzzing of the three tools: bad input is a clean diagnostic, never a crash.

Every example kernel (custom and generic form) and every lit test kernel that verifies
is mutated (lines deleted, duplicated,
swapped; text truncated; characters flipped; numbers, types and op names replaced; a
`pto.yield` or a `}` dropped; an ill-typed constant inserted) and fed to `pto-opt`,
`pto-run` and `pto-tune`, in-process through their `main(argv)`. Bad pass pipelines
and options are fed to `pto-opt` and `pto-run`. The property, for every input:

* the exit code is 0 or 1 (2 is an internal error, 130 a run that did not finish);
* neither stdout nor stderr holds a Python traceback or "internal error";
* a failure says `error:` on stderr; a success of `pto-opt` prints IR that parses again;
* no parse runs into `--parse-timeout` (xdsl's lexer once took forever on a dropped `"`).

CI runs a few hundred deterministic examples (`derandomize=True`, no example
database; about 30 s). A long local run, 20 times as many fresh random examples:

    PTOC_FUZZ_SCALE=20 PTOC_FUZZ_RANDOM=1 python -m pytest test/unit/test_fuzz_tools.py -x

A hung tool is interrupted after `PTOC_FUZZ_WATCHDOG` seconds (default 60) and fails
the test with exit 130.
"""

from __future__ import annotations

import _thread
import difflib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from io import StringIO
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FILES = {
    "softmax_pool": ROOT / "examples" / "softmax_pool.mlir",
    "grouped_range": ROOT / "examples" / "softmax_pool_grouped_range.mlir",
    "dsv4": ROOT / "examples" / "dsv4_compressor_ratio4" / "kernel.mlir",
}
SCOPES = {"softmax_pool": "softmax_pool", "grouped_range": "softmax_pool", "dsv4": "softmax_pool"}

SCALE = max(1, int(os.environ.get("PTOC_FUZZ_SCALE", "1") or "1"))
RANDOM = os.environ.get("PTOC_FUZZ_RANDOM", "") not in ("", "0")
WATCHDOG_S = float(os.environ.get("PTOC_FUZZ_WATCHDOG", "60"))


def examples(n: int) -> int:
    """`n` examples in CI; `PTOC_FUZZ_SCALE=k` runs k times as many (a long local run)."""
    return n * SCALE


def fuzz_settings(n: int) -> settings:
    return settings(
        max_examples=examples(n),
        derandomize=not RANDOM,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        print_blob=True,
    )


# --------------------------------------------------------------------------- inputs


def _generic(text: str, name: str) -> str:
    from xdsl.printer import Printer

    import ptoc

    out = StringIO()
    Printer(stream=out, print_generic_format=True).print_op(ptoc.parse(text, name))
    return out.getvalue() + "\n"


def _lit_seeds() -> dict[str, str]:
    """The lit tests' kernels that verify as a whole file: every pto op, pto.unroll."""
    import ptoc

    seeds: dict[str, str] = {}
    lit = ROOT / "test" / "lit"
    for path in sorted([*lit.glob("dialect/roundtrip/*.mlir"), *lit.glob("passes/*/*.mlir")]):
        text = path.read_text()
        try:
            ptoc.parse(text, str(path))
        except Exception:  # a negative test, or one that needs --split-input-file
            continue
        seeds["lit:" + str(path.relative_to(lit))] = text
    return seeds


SOURCES: dict[str, str] = {}
for _key, _path in EXAMPLE_FILES.items():
    _text = _path.read_text()
    SOURCES[_key] = _text
    SOURCES[_key + "-generic"] = _generic(_text, str(_path))
EXAMPLE_NAMES = sorted(SOURCES)
SOURCES.update(_lit_seeds())
SOURCE_NAMES = sorted(SOURCES)

NUMBER = re.compile(r"(?<![\w%#.])-?\d+(?![\w.])")
OP_NAME = re.compile(r"\b(?:pto|arith|math|scf|func|tensor|memref|builtin)\.[a-z_]+\b")
OP_NAMES = (
    "pto.spmd", "pto.unroll", "pto.range", "pto.yield", "pto.load", "pto.store", "pto.read",
    "pto.row_sum", "pto.row_max", "pto.col_max", "pto.row_expand_mul", "pto.col_expand_mul", "pto.matmul",
    "pto.matmul_acc", "pto.gather", "pto.arange", "pto.cast", "pto.nope", "arith.constant",
    "arith.addi", "arith.addf", "arith.divsi", "arith.cmpi", "arith.index_cast", "arith.select",
    "math.exp", "scf.if", "scf.yield", "scf.for", "func.return", "func.func", "tensor.splat",
    "memref.load", "builtin.module", "arith.bitcast", "arith.truncf", "arith.extf",
)
TYPE_SWAPS = (
    ("f32", "i32"), ("index", "i32"), ("i32", "f32"), ("f32", "bf16"), ("i32", "index"),
    ("xf32>", "xi1>"), ("tensor<1x64", "tensor<64"), ("tensor<", "memref<"), ("memref<", "tensor<"),
    ("2048", "?"), ("64x", "?x"), ("f32", "f64"), ("f32", "complex<f32>"), ("i32", "i64"),
)
FLIP_CHARS = "{}()[]<>%#@:,=\"x0-.? \n\\^!"
BAD_CONSTANTS = (
    '%0 = arith.constant "x" : index',
    "%0 = arith.constant 1.5 : index",
    "%0 = arith.constant dense<1.0> : tensor<1x64xi32>",
    "%0 = arith.constant 0 : tensor<1x64xf32>",
    "%zz = arith.constant dense<0.0> : tensor<99999999x99999999xf32>",
    '"pto.spmd"() ({}) : () -> ()',
    "pto.yield",
    "scf.yield",
    "func.return",
    "%c0 = arith.constant 0 : index",
    "}",
    "{",
    "^bb1:",
    "%x = pto.arange start 0 step 1 : tensor<1x64xf32>",
)
SMALL_NUMBERS = ("0", "-1", "1", "3", "65", "1000")
HUGE_NUMBERS = ("99999999999999999999", "4294967296", "-9223372036854775809")


def _mutate_numbers(text: str, k: int, value: str) -> str:
    matches = list(NUMBER.finditer(text))
    if not matches:
        return text
    m = matches[k % len(matches)]
    return text[: m.start()] + value + text[m.end() :]


def _nth_replace(text: str, old: str, new: str, k: int) -> str:
    starts = [m.start() for m in re.finditer(re.escape(old), text)]
    if not starts:
        return text
    i = starts[k % len(starts)]
    return text[:i] + new + text[i + len(old) :]


class Mutant:
    """A mutated example; its repr (what hypothesis prints) is the diff, not the text."""

    def __init__(self, name: str, text: str, done: list[str]):
        self.name, self.text, self.done = name, text, done

    def __repr__(self) -> str:
        diff = difflib.unified_diff(
            SOURCES[self.name].splitlines(), self.text.splitlines(), lineterm="", n=0
        )
        shown = [line for line in diff if not line.startswith(("---", "+++"))][:40]
        return f"Mutant({self.name!r}, {self.done!r}):\n" + "\n".join(shown)

    def describe(self) -> str:
        return f"{self.name}: {', '.join(self.done)}"


ALL_KINDS = (
    "delete", "duplicate", "swap", "truncate", "flip", "number", "type", "opname",
    "drop-yield", "insert", "drop-brace", "drop-quote",
)
# Mutations that often still parse, so that the passes and the interpreter see them.
SEMANTIC_KINDS = ("number", "number", "type", "swap", "delete", "duplicate", "opname")


@st.composite
def mutations(
    draw: st.DrawFn,
    huge: bool = True,
    kinds: Sequence[str] = ALL_KINDS,
    most: int = 3,
    names: Sequence[str] = SOURCE_NAMES,
) -> Mutant:
    """1 to `most` mutations of an example (or of a lit test's kernel)."""
    name = draw(st.sampled_from(names))
    text = SOURCES[name]
    done: list[str] = []
    numbers = SMALL_NUMBERS + (HUGE_NUMBERS if huge else ())
    for _ in range(draw(st.integers(1, most))):
        lines = text.split("\n")
        n = len(lines)
        kind = draw(st.sampled_from(kinds))
        i = draw(st.integers(0, max(n - 1, 0)))
        k = draw(st.integers(0, 10**6))
        if kind == "delete":
            del lines[i]
            text = "\n".join(lines)
        elif kind == "duplicate":
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif kind == "swap":
            j = draw(st.integers(0, n - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "truncate":
            text = text[: k % (len(text) + 1)]
        elif kind == "flip":
            c = draw(st.sampled_from(FLIP_CHARS) | st.characters(codec="utf-8"))
            p = k % max(len(text), 1)
            text = text[:p] + c + text[p + 1 :]
        elif kind == "number":
            value = draw(st.sampled_from(numbers))
            text = _mutate_numbers(text, k, value)
        elif kind == "type":
            old, new = draw(st.sampled_from(TYPE_SWAPS))
            if draw(st.booleans()):
                text = _nth_replace(text, old, new, k)
            else:
                text = text.replace(old, new)
        elif kind == "opname":
            new = draw(st.sampled_from(OP_NAMES))
            found = list(OP_NAME.finditer(text))
            if found:
                m = found[k % len(found)]
                text = text[: m.start()] + new + text[m.end() :]
        elif kind == "drop-yield":
            yields = [j for j, line in enumerate(lines) if "pto.yield" in line]
            if yields:
                del lines[yields[k % len(yields)]]
            text = "\n".join(lines)
        elif kind == "insert":
            lines.insert(i, draw(st.sampled_from(BAD_CONSTANTS)))
            text = "\n".join(lines)
        elif kind == "drop-quote":  # an unterminated string literal
            text = _nth_replace(text, '"', "", k)
        else:  # drop-brace
            text = _nth_replace(text, "}", "", k)
        done.append(f"{kind}@{i}/{k}")
    return Mutant(name, text, done)


# --------------------------------------------------------------------------- running


class _Watchdog:
    """Interrupt the main thread (KeyboardInterrupt -> exit 130) after `seconds`."""

    def __init__(self, seconds: float):
        self.timer = threading.Timer(seconds, _thread.interrupt_main)
        self.timer.daemon = True

    def __enter__(self) -> None:
        self.timer.start()

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def run_tool(
    main: Callable[[Sequence[str] | None], NoReturn],
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    capsys.readouterr()
    with _Watchdog(WATCHDOG_S), pytest.raises(SystemExit) as e:
        main(argv)
    out, err = capsys.readouterr()
    code = e.value.code
    return (code if isinstance(code, int) else 1), out, err


def check_clean(tool: str, argv: Sequence[str], code: int, out: str, err: str, what: str) -> None:
    where = f"{tool} {' '.join(argv)} ({what})\n--- stdout:\n{out[-2000:]}\n--- stderr:\n{err[-3000:]}"
    assert code in (0, 1), f"exit {code}: {where}"
    for stream in (out, err):
        assert "Traceback" not in stream, where
        assert "internal error" not in stream, where
    assert "parsing did not finish" not in err, f"the parser hung: {where}"
    if code == 1:
        assert "error" in err, f"failed without a diagnostic: {where}"


def reparses(text: str) -> None:
    """The IR that pto-opt printed parses and verifies again."""
    import ptoc

    ptoc.parse(text, "<pto-opt output>")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(workdir: Path, text: str) -> str:
    path = workdir / "input.mlir"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------- pto-opt

PIPELINES = (
    "",
    "pto-spmd-coarsen{factor=2}",
    "pto-spmd-coarsen{factor=4 inner=range}",
    "pto-spmd-coarsen{factor=3 remainder=guard},pto-unroll-expand",
    "pto-spmd-coarsen{scope=softmax_pool factor=2},pto-unroll-expand",
    "pto-unroll-expand",
    "pto-check-carried",
    "pto-privatize-carries",
    "pto-check-races",
    "canonicalize,cse",
    "dce",
)


@fuzz_settings(250)
@given(
    case=mutations() | mutations(kinds=SEMANTIC_KINDS, most=2),
    pipeline=st.sampled_from(PIPELINES),
    generic_out=st.booleans(),
)
def test_pto_opt_never_crashes(
    case: Mutant,
    pipeline: str,
    generic_out: bool,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ptoc.tools.pto_opt import main

    argv = [_write(workdir, case.text), "--parse-timeout", "20"]
    if pipeline:
        argv += ["-p", pipeline]
    if generic_out:
        argv.append("--print-op-generic")
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-opt", argv, code, out, err, case.describe())
    if code == 0:
        reparses(out)


@fuzz_settings(40)
@given(case=mutations())
def test_pto_opt_verify_diagnostics_never_crashes(
    case: Mutant, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under --verify-diagnostics a diagnostic is matched against the (absent)
    expected-* annotations: an unexpected one is exit 1, never a crash."""
    from ptoc.tools.pto_opt import main

    argv = [_write(workdir, case.text), "--verify-diagnostics", "--split-input-file"]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-opt", argv, code, out, err, case.describe())


# --------------------------------------------------------------------------- pipelines

BAD_PIPELINES = (
    "pto-spmd-coarsen{factor=abc}",
    "pto-spmd-coarsen{factor=}",
    "pto-spmd-coarsen{inner=sideways}",
    "pto-spmd-coarsen{remainder=maybe}",
    "pto-spmd-coarsen{factor=0}",
    "pto-spmd-coarsen{factor=-2}",
    "pto-spmd-coarsen{factor=99999999999999999999}",
    "pto-spmd-coarsen{factor=2.5}",
    "pto-spmd-coarsen{factor=2,3}",
    "pto-spmd-coarsen{factor=2 factor=3}",
    "pto-spmd-coarsen{scope=nope factor=2}",
    "pto-spmd-coarsen{scope= factor=2}",
    "pto-spmd-coarsen{bogus=1}",
    "pto-spmd-coarsen{factor=2",
    "pto-spmd-coarsen}factor=2{",
    "pto-spmd-coarsen{{factor=2}}",
    "pto-spmd-coarsen{factor=\"2\"}",
    "pto-spmd-coarsen{factor=\uff12}",
    "pto-spmd-coarsen{factor=2}}",
    "pto-spmd-coarsen,,pto-unroll-expand",
    ",",
    "{}",
    "pto-unroll-expand{x=1}",
    "pto-check-carried{fix=maybe}",
    "pto-check-carried{fix=}",
    "pto-auto-coarsen{factors=}",
    "pto-auto-coarsen{factors=0,-1}",
    "pto-auto-coarsen{machine=nope}",
    "pto-auto-coarsen{machine=/nonexistent.toml}",
    "pto-auto-coarsen{scope=nope}",
    "pto-spmd-coarsen{factor=2}\u00e9",
    "pto-sp\u00e9md-coarsen",
    "\u2603",
    "pto-spmd-coarsen{factor=\u2603}",
    "pto-spmd-coarsen{scope=\u2603 factor=2}",
    "pto-spmd-coarsen{factor=\x00}",
    "no-such-pass",
    "cse{bad=1}",
    "canonicalize{max_iterations=x}",
)
PIPELINE_PIECES = (
    "pto-spmd-coarsen", "pto-unroll-expand", "pto-check-carried", "pto-check-races",
    "pto-auto-coarsen", "cse", "{", "}", "=", ",", " ", "factor", "inner", "scope", "fix",
    "remainder", "factors", "machine", "2", "0", "-1", "abc", "true", "range", "unroll",
    "guard", "softmax_pool", "\u00e9", "\"", "'", "\\", "[", "]",
)


def _opt_with_pipeline(
    pipeline: str, src: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str, list[str]]:
    from ptoc.tools.pto_opt import main

    argv = [_write(workdir, SOURCES[src]), "-p", pipeline]
    code, out, err = run_tool(main, argv, capsys)
    return code, out, err, argv


@pytest.mark.parametrize("pipeline", BAD_PIPELINES)
def test_bad_pipelines_are_clean_errors(
    pipeline: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err, argv = _opt_with_pipeline(pipeline, "softmax_pool", workdir, capsys)
    check_clean("pto-opt", argv, code, out, err, "bad pipeline")
    assert code == 1, f"pto-opt accepted the bad pipeline {pipeline!r}:\n{out[:500]}"


@fuzz_settings(60)
@given(
    pieces=st.lists(st.sampled_from(PIPELINE_PIECES) | st.text(max_size=4), max_size=8),
    src=st.sampled_from(("softmax_pool", "grouped_range")),
)
def test_random_pipelines_never_crash(
    pieces: list[str], src: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipeline = "".join(pieces)
    code, out, err, argv = _opt_with_pipeline(pipeline, src, workdir, capsys)
    check_clean("pto-opt", argv, code, out, err, "random pipeline")


# --------------------------------------------------------------------------- pto-run

RUN_PIPELINES = (
    "",
    "pto-spmd-coarsen{factor=2},pto-unroll-expand",
    "pto-spmd-coarsen{factor=4 inner=range}",
    "pto-privatize-carries",
)


@fuzz_settings(60)
@given(
    case=mutations(huge=False) | mutations(huge=False, kinds=SEMANTIC_KINDS, most=2),
    pipeline=st.sampled_from(RUN_PIPELINES),
)
def test_pto_run_never_crashes(
    case: Mutant,
    pipeline: str,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Mutated kernels are rejected or run; huge numbers are left out (a kernel of
    10**20 tasks is legal and merely slow)."""
    from ptoc.tools.pto_run import main

    argv = [_write(workdir, case.text), "--seed", "0"]
    if pipeline:
        argv += ["-p", pipeline]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-run", argv, code, out, err, case.describe())


@pytest.mark.parametrize("pipeline", BAD_PIPELINES[:12])
def test_pto_run_bad_pipelines(
    pipeline: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ptoc.tools.pto_run import main

    argv = [_write(workdir, SOURCES["softmax_pool"]), "-p", pipeline]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-run", argv, code, out, err, "bad pipeline")
    assert code == 1


BAD_RUN_OPTIONS: tuple[list[str], ...] = (
    ["--seed", "abc"],
    ["--seed", "-1"],
    ["--seed", "99999999999999999999999"],
    ["--task-order", "sideways"],
    ["--task-order", "random:"],
    ["--task-order", "random:x"],
    ["--task-order", "random:-1"],
    ["--machine", "nope"],
    ["--machine", "/nonexistent/m.toml"],
    ["--func", "nope"],
    ["--func", ""],
    ["--report", "xml"],
    ["--inputs", "/nonexistent.npz"],
    ["--inputs", str(EXAMPLE_FILES["softmax_pool"])],
    ["--outputs", ""],
    ["--outputs", "/nonexistent/dir/out.npz"],
    ["--trace", "/nonexistent/dir/t.json"],
    ["--plot", "/nonexistent/dir/p.png"],
    ["--inputs", "x.npz", "--seed", "1"],
    ["--bogus"],
    ["\u2603"],
)


@pytest.mark.parametrize("options", BAD_RUN_OPTIONS, ids=lambda o: " ".join(o))
def test_pto_run_bad_options(
    options: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ptoc.tools.pto_run import main

    argv = [_write(workdir, SOURCES["softmax_pool"]), *options]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-run", argv, code, out, err, "bad option")


# --------------------------------------------------------------------------- pto-tune


@fuzz_settings(15)
@given(
    case=mutations(huge=False, kinds=SEMANTIC_KINDS, most=2, names=EXAMPLE_NAMES),
    inner=st.sampled_from(("unroll", "range")),
)
def test_pto_tune_never_crashes(
    case: Mutant,
    inner: str,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ptoc.tools.pto_tune import main

    scope = SCOPES[case.name.removesuffix("-generic")]
    argv = [_write(workdir, case.text), "--scope", scope, "--factors", "1,2", "--inner", inner,
            "--no-progress"]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-tune", argv, code, out, err, case.describe())


BAD_TUNE_OPTIONS: tuple[list[str], ...] = (
    ["--scope", "nope"],
    ["--scope", ""],
    ["--scope", "softmax_pool", "--factors", "abc"],
    ["--scope", "softmax_pool", "--factors", ""],
    ["--scope", "softmax_pool", "--factors", "0"],
    ["--scope", "softmax_pool", "--factors", "-2"],
    ["--scope", "softmax_pool", "--factors", "1,,2"],
    ["--scope", "softmax_pool", "--factors", "\uff13"],
    ["--scope", "softmax_pool", "--factors", "99999999999999999999"],
    ["--scope", "softmax_pool", "--factors", "1", "--inner", "sideways"],
    ["--scope", "softmax_pool", "--factors", "1", "--remainder", "maybe"],
    ["--scope", "softmax_pool", "--factors", "1", "--machine", "nope"],
    ["--scope", "softmax_pool", "--factors", "1", "--func", "nope"],
    ["--scope", "softmax_pool", "--factors", "1", "--inputs", "/nonexistent.npz"],
    ["--scope", "softmax_pool", "--factors", "1", "--plot", "/nonexistent/dir/u.png"],
    ["--scope", "softmax_pool", "--factors", "1", "--seed", "x"],
    ["--scope", "softmax_pool", "--factors", "1", "--auto"],
    ["--scope", "\u2603", "--factors", "1"],
    [],
)


@pytest.mark.parametrize("options", BAD_TUNE_OPTIONS, ids=lambda o: " ".join(o) or "none")
def test_pto_tune_bad_options(
    options: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ptoc.tools.pto_tune import main

    argv = [_write(workdir, SOURCES["softmax_pool"]), "--no-progress", *options]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-tune", argv, code, out, err, "bad option")


# --------------------------------------------------------------------------- subprocess


def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(exe).exists():
        pytest.skip(f"{name} is not installed")
    return exe


def _subprocess_cases() -> Iterator[tuple[str, list[str], str]]:
    yield "pto-opt", ["-"], '%0 = arith.constant "x" : index\n'
    yield "pto-opt", ["-", "-p", "pto-spmd-coarsen{factor=abc}"], SOURCES["softmax_pool"]
    yield "pto-run", ["-"], SOURCES["softmax_pool"].replace("pto.yield %m2", "pto.yield %m2, %m2")
    yield "pto-tune", ["-", "--scope", "softmax_pool", "--factors", "x"], SOURCES["softmax_pool"]


@pytest.mark.parametrize("tool,argv,stdin", list(_subprocess_cases()))
def test_tools_as_processes(tool: str, argv: list[str], stdin: str) -> None:
    """The console scripts themselves (stdin input, real exit codes)."""
    proc = subprocess.run(
        [_tool(tool), *argv], input=stdin, capture_output=True, text=True, timeout=120
    )
    check_clean(tool, argv, proc.returncode, proc.stdout, proc.stderr, "subprocess")
    assert proc.returncode == 1


# --------------------------------------------------------------------------- backstops


def test_interpreter_crash_is_located(monkeypatch: pytest.MonkeyPatch) -> None:
    """An op's code that crashes at run time (here: a broken arith.muli) gives an
    InterpreterError at that op, not a Python exception."""
    import ptoc
    from ptoc.backend import interpreter as interp

    def broken(c: interp._Compiler, op: object) -> object:  # pyright: ignore[reportPrivateUsage]
        return c.value_op(op, lambda f: None + 1, "scalar")  # pyright: ignore

    monkeypatch.setitem(interp._HANDLERS, "arith.muli", broken)  # pyright: ignore[reportPrivateUsage]
    path = str(EXAMPLE_FILES["softmax_pool"])
    prog = interp.compile_module(ptoc.parse(SOURCES["softmax_pool"], path))
    with pytest.raises(interp.InterpreterError) as e:
        prog.run(interp.random_inputs(prog, 0), batched=False)  # the per-task handler's code
    line = next(i for i, ln in enumerate(SOURCES["softmax_pool"].splitlines(), 1) if "arith.muli" in ln)
    assert f"softmax_pool.mlir:{line}:" in str(e.value)
    assert "'arith.muli' op the interpreter failed on this op: TypeError" in str(e.value)


def test_closed_stdout_pipe_is_quiet() -> None:
    """`pto-opt big.mlir | head`: exit 141, no traceback, no internal error."""
    exe = _tool("pto-opt")
    text = "\n".join(SOURCES["dsv4"].replace("@decode_compressor_ratio4", f"@f{i}")
                     for i in range(8))
    proc = subprocess.Popen([exe, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(text.encode())
    proc.stdin.close()
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert code in (0, 141), err
    assert "Traceback" not in err and "internal error" not in err, err


# --------------------------------------------------------------------------- output files


FAILING_RUNS = (
    ["--machine", "nope"],
    ["--task-order", "sideways"],
    ["--func", "nope"],
    ["--inputs", "/nonexistent.npz"],
    ["-p", "pto-spmd-coarsen{factor=abc}"],
)


@pytest.mark.parametrize("bad", [None, *FAILING_RUNS], ids=lambda b: "bad kernel" if b is None else " ".join(b))
def test_pto_run_failure_keeps_output_files(
    bad: list[str] | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failing run writes none of --outputs, --trace, --plot: existing files stay."""
    from ptoc.tools.pto_run import main

    kernel = tmp_path / "k.mlir"
    text = SOURCES["softmax_pool"]
    kernel.write_text(text if bad is not None else text.replace("%c8 = ", "%c8 = %c8 "))
    outs = {name: tmp_path / name for name in ("out.npz", "t.json", "p.png")}
    for p in outs.values():
        p.write_text("keep-me")
    argv = [str(kernel), "--outputs", str(outs["out.npz"]), "--trace", str(outs["t.json"]),
            "--plot", str(outs["p.png"]), *(bad or [])]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-run", argv, code, out, err, "failing run")
    assert code == 1
    for p in outs.values():
        assert p.read_text() == "keep-me", p
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted(["k.mlir", *outs]), "temp files left"


@pytest.mark.parametrize("opt", ["--outputs", "--trace", "--plot"])
def test_pto_run_missing_folder_is_a_clean_error(
    opt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ptoc.tools.pto_run import main

    argv = [str(EXAMPLE_FILES["softmax_pool"]), opt, str(tmp_path / "missing" / "f")]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-run", argv, code, out, err, "missing folder")
    assert code == 1 and "no such directory" in err and out == ""


def test_pto_tune_failure_keeps_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ptoc.tools.pto_tune import main

    png = tmp_path / "u.png"
    png.write_text("keep-me")
    for bad in (["--scope", "nope"], ["--scope", "softmax_pool", "--machine", "nope"]):
        argv = [str(EXAMPLE_FILES["softmax_pool"]), "--factors", "1", "--no-progress",
                "--plot", str(png), *bad]
        code, out, err = run_tool(main, argv, capsys)
        check_clean("pto-tune", argv, code, out, err, "failing sweep")
        assert code == 1 and png.read_text() == "keep-me"
    argv = [str(EXAMPLE_FILES["softmax_pool"]), "--scope", "softmax_pool", "--plot",
            str(tmp_path / "missing" / "u.png")]
    code, out, err = run_tool(main, argv, capsys)
    check_clean("pto-tune", argv, code, out, err, "missing folder")
    assert code == 1 and "no such directory" in err
