"""No input of at most 1 MB makes a tool run longer than 30 s or use more than 2 GB.

Each case is an input found to hang or exhaust memory before the limits existed (issue
12, item 6), plus large and deeply nested inputs. Every tool runs as a subprocess; its
wall time and peak resident memory (`wait4`'s rusage of that one child) are measured,
and its address space is capped at 4 GB so that a regression fails this test rather
than the machine.
CI runs the cases at a small budget (inputs of about 200 kB); `PTOC_FUZZ_SCALE=1` (or
more) runs the 1 MB inputs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

LIMIT_S = 30.0
LIMIT_BYTES = 2 * 1024**3
BIG = 1_000_000 if os.environ.get("PTOC_FUZZ_SCALE") else 200_000


def _straight_line(size: int) -> str:
    lines = ["func.func @f(%a: index) {"]
    total = 0
    i = 0
    while total < size - 80:
        line = f"  %v{i} = arith.addi %a, %a : index"
        lines.append(line)
        total += len(line) + 1
        i += 1
    lines.append("  func.return\n}\n")
    return "\n".join(lines)


def _nested(size: int) -> str:
    depth = size // 60
    head = "func.func @f(%c: i1) {\n" + "  scf.if %c {\n" * depth
    return head + "  }\n" * depth + "  func.return\n}\n"


def _unroll(copies: int) -> str:
    return (
        "func.func @f(%x: memref<64xf32>) {\n"
        f"  pto.unroll %i = 0 to {copies} {{\n"
        "    %c0 = arith.constant 0 : index\n"
        "    %v = pto.load %x[%c0] : memref<64xf32> -> tensor<1xf32>\n"
        "    pto.store %v, %x[%c0] : tensor<1xf32>, memref<64xf32>\n"
        "  }\n  func.return\n}\n"
    )


CASES: dict[str, tuple[Callable[[], str], list[str]]] = {
    "splat-18GB": (
        lambda: "func.func @f() {\n  %0 = arith.constant dense<0.0> : tensor<3x99999999xf32>\n"
        "  func.return\n}\n",
        ["pto-opt"],
    ),
    "tasks-2**31": (
        lambda: 'func.func @f() {\n  pto.spmd %t = 0 to 2147483648 name "s" {\n  }\n'
        "  func.return\n}\n",
        ["pto-run"],
    ),
    "tasks-2**62": (
        lambda: 'func.func @f() {\n  pto.spmd %t = 0 to 4611686018427387904 name "s" {\n  }\n'
        "  func.return\n}\n",
        ["pto-run"],
    ),
    "unroll-8192": (lambda: _unroll(8192), ["pto-opt", "-p", "pto-unroll-expand"]),
    "unroll-2**40": (lambda: _unroll(2**40), ["pto-opt", "-p", "pto-unroll-expand"]),
    "straight-line": (lambda: _straight_line(BIG), ["pto-opt"]),
    "straight-line-run": (lambda: _straight_line(BIG // 4), ["pto-run"]),
    "nested": (lambda: _nested(BIG), ["pto-opt"]),
    "unterminated-string": (
        lambda: 'func.func @f() {\n  pto.spmd %t = 0 to 4 name "' + "x\\\\" * (BIG // 4) + "\n}\n",
        ["pto-opt"],
    ),
    "huge-memref-arg": (
        lambda: "func.func @f(%m: memref<99999999999x512xf32>) {\n"
        '  pto.spmd %t = 0 to 4 name "s" {\n  }\n  func.return\n}\n',
        ["pto-run"],
    ),
}


# The tool is started by a small launcher process, not by this pytest worker: on Linux a
# child's ru_maxrss starts from the resident set of the process it was forked from (the
# kernel keeps the high-water mark across exec), and a pytest worker holds a gigabyte or
# more late in the suite. Forked from the launcher, the tool's peak is its own. The
# launcher caps the tool's address space, waits for it with wait4 and prints
# "<exit code> <peak KB>" (or "timeout", after killing it) as its last line of stdout.
_LAUNCHER = """
import os, resource, subprocess, sys, time
cap, limit_s = int(sys.argv[1]), float(sys.argv[2])
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
proc = subprocess.Popen(sys.argv[3:], stdout=subprocess.DEVNULL, preexec_fn=limit)
deadline = time.monotonic() + limit_s
while True:
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if pid:
        break
    if time.monotonic() > deadline:
        proc.kill()
        os.wait4(proc.pid, 0)
        print("timeout")
        sys.exit(0)
    time.sleep(0.02)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


@pytest.mark.parametrize("name", sorted(CASES))
def test_tool_stays_within_time_and_memory(name: str, tmp_path: Path) -> None:
    make, argv = CASES[name]
    path = tmp_path / f"{name}.mlir"
    text = make()
    assert len(text.encode()) <= 1_000_000
    path.write_text(text)
    exe = shutil.which(argv[0])
    assert exe is not None, f"{argv[0]} is not installed"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    cmd = [exe, str(path), *argv[1:], "--parse-timeout", str(int(LIMIT_S))]
    t0 = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-S", "-c", _LAUNCHER, str(2 * LIMIT_BYTES), str(LIMIT_S), *cmd],
            capture_output=True, env=env, timeout=LIMIT_S + 30, check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: {argv[0]} ran longer than {LIMIT_S} s")
    wall = time.monotonic() - t0
    text_err = done.stderr.decode(errors="replace")
    assert done.returncode == 0, f"{name}: the launcher failed: {text_err[-2000:]}"
    if done.stdout.decode().split()[-1:] == ["timeout"]:
        pytest.fail(f"{name}: {argv[0]} ran longer than {LIMIT_S} s")
    code, peak_kb = (int(x) for x in done.stdout.decode().split()[-2:])
    peak = peak_kb * 1024  # Linux reports kilobytes
    assert code in (0, 1), f"{name}: exit {code}: {text_err[-2000:]}"
    assert "Traceback" not in text_err
    assert wall < LIMIT_S, f"{name}: {wall:.1f} s"
    assert peak < LIMIT_BYTES, f"{name}: {argv[0]} peaked at {peak / 1024**3:.2f} GB"
    assert "out of memory" not in text_err or name == "huge-memref-arg", text_err
