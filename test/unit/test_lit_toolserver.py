"""The lit tool server (test/lit/toolserver.py) runs a tool as its real executable does.

A served run and a run of the installed console script are compared on their stdout,
stderr and exit status: a success, a located error, input on stdin, a file written by
the tool, the working directory, a run killed by a signal, and a start-up environment
(PYTHONPATH) that makes the client run the real executable.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

LIT_DIR = Path(__file__).resolve().parents[1] / "lit"
sys.path.insert(0, str(LIT_DIR))
import toolserver  # noqa: E402

sys.path.pop(0)

GOOD = 'func.func @f(%a: index) -> index {\n  %b = arith.addi %a, %a : index\n  func.return %b : index\n}\n'
BAD = "func.func @f() {\n  %x = arith.constant 1 : i32\n  func.return %x : i32\n}\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict, int]]:
    if not hasattr(os, "pidfd_open"):
        pytest.skip("needs os.pidfd_open (Linux)")
    work = tmp_path_factory.mktemp("toolserver")
    sock = work / "tools.sock"
    proc = subprocess.Popen(
        [sys.executable, str(LIT_DIR / "toolserver.py"), "serve", str(sock),
         "pto-opt=ptoc.tools.pto_opt:main", "filecheck=filecheck.main:main"],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    kind, env = proc.stdout.readline().decode().split(" ", 1)
    assert kind == "ready"
    bindir = work / "bin"
    bindir.mkdir()
    real = shutil.which("pto-opt")
    assert real is not None
    shim = bindir / "pto-opt"
    shim.write_text(
        f"#!{sys.executable} -IS\nimport sys\nsys.path.insert(0, {str(LIT_DIR)!r})\n"
        "from toolserver import client\n"
        f"client({str(sock)!r}, 'pto-opt', {real!r}, sys.argv[1:], {env.strip()})\n"
    )
    shim.chmod(0o755)
    yield shim, Path(real), json.loads(env), proc.pid
    proc.kill()
    proc.wait()


def _both(shim: Path, real: Path, args: list[str], **kw: object) -> tuple:
    served = subprocess.run([str(shim), *args], capture_output=True, **kw)  # type: ignore[call-overload]
    direct = subprocess.run([str(real), *args], capture_output=True, **kw)  # type: ignore[call-overload]
    return served, direct


def test_success_and_error_runs_match(server: tuple, tmp_path: Path) -> None:
    shim, real, _, _ = server
    good, bad = tmp_path / "good.mlir", tmp_path / "bad.mlir"
    good.write_text(GOOD)
    bad.write_text(BAD)
    for path in (good, bad):
        served, direct = _both(shim, real, [str(path)])
        assert (served.returncode, served.stdout, served.stderr) == (
            direct.returncode, direct.stdout, direct.stderr
        )
    assert direct.returncode == 1 and b"bad.mlir:3:" in direct.stderr


def test_stdin_cwd_and_output_file(server: tuple, tmp_path: Path) -> None:
    shim, real, _, _ = server
    for tool in (shim, real):
        out = tmp_path / f"{'served' if tool == shim else 'direct'}.out.mlir"
        done = subprocess.run(
            [str(tool), "-", "-o", out.name], input=GOOD.encode(), capture_output=True,
            cwd=tmp_path, check=False,
        )
        assert done.returncode == 0, done.stderr
    outs = sorted(tmp_path.glob("*.out.mlir"))
    assert len(outs) == 2 and outs[0].read_text() == outs[1].read_text()
    assert "arith.addi" in outs[0].read_text()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(x) for x in text.split()]
    except OSError:  # a kernel without CONFIG_PROC_CHILDREN: scan every process's parent
        kids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry))
        return kids


def _served_runs(server_pid: int) -> list[int]:
    """The tool processes: children of the server's per-request handlers."""
    return [tool for handler in _children(server_pid) for tool in _children(handler)]


def _wait_for_run(server_pid: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        runs = _served_runs(server_pid)
        if runs:
            return runs[0]
        time.sleep(0.05)
    pytest.fail("the served run did not start")


def test_a_signal_is_passed_on(server: tuple) -> None:
    """A served run killed by a signal ends its client with the same signal."""
    shim, _, _, server_pid = server
    proc = subprocess.Popen([str(shim), "-"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    os.kill(_wait_for_run(server_pid), signal.SIGKILL)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == -signal.SIGKILL, err


def test_a_killed_client_kills_its_run(server: tuple) -> None:
    shim, _, _, server_pid = server
    proc = subprocess.Popen([str(shim), "-"], stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    run = _wait_for_run(server_pid)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if run not in _served_runs(server_pid):
            return
        time.sleep(0.05)
    pytest.fail("the served run outlived its client")


def test_a_different_startup_environment_runs_the_real_tool(server: tuple, tmp_path: Path) -> None:
    """PYTHONPATH is read when an interpreter starts: such a run is not served."""
    shim, _, env, _ = server
    assert toolserver.startup_env({**env, "PYTHONPATH": str(tmp_path)}) != env
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.stderr.write('a new interpreter started\\n')\n"
    )
    served = subprocess.run(
        [str(shim), "--help"], capture_output=True, check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert served.returncode == 0
    assert b"a new interpreter started" in served.stderr
    plain = subprocess.run([str(shim), "--help"], capture_output=True, check=False)
    assert plain.returncode == 0 and b"a new interpreter started" not in plain.stderr
    assert plain.stdout == served.stdout


def test_lits_own_directory_shadows_nothing_the_tools_import() -> None:
    """test/lit/lit.cfg puts lit's package directory on every command's PYTHONPATH (lit's
    internal shell does so anyway after its first out-of-process builtin). That is only
    harmless if no module the tools import, nor any standard-library module, has the
    name of a module in that directory."""
    import lit.TestRunner

    lit_dir = Path(lit.TestRunner.__file__).resolve().parent
    shadowing = {p.stem for p in lit_dir.glob("*.py")} | {
        p.name for p in lit_dir.iterdir() if (p / "__init__.py").is_file()
    }
    probe = (
        "import sys, ptoc.tools.pto_opt, ptoc.tools.pto_run, ptoc.tools.pto_tune, "
        "ptoc.tools.pto_crosscheck, filecheck.main, ptoc.costmodel, ptoc.tuning, "
        "ptoc.frontend, ptoc.passes\n"
        "from ptoc.passes import available_passes\n"
        "[f() for f in available_passes().values()]\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, env={k: v for k, v in os.environ.items()
                                          if k != "PYTHONPATH"}).stdout.split()
    assert out and "ptoc" in out
    assert not shadowing & (set(out) | set(sys.stdlib_module_names)), shadowing & set(out)
