"""pto-tune, the command line: table, JSON, plot, inputs, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ptoc.tools import pto_tune

ROWS = """
func.func @rows(%x: memref<8x64xf32>, %y: memref<8x64xf32>) {
  pto.spmd %t = 0 to 8 name "rows" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    %e = math.exp %a : tensor<1x64xf32>
    %s = arith.addf %e, %a : tensor<1x64xf32>
    pto.store %s, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  pto.spmd %t = 0 to 2 name "other" core vector {
    %c0 = arith.constant 0 : index
    %a = pto.load %x[%t, %c0] : memref<8x64xf32> -> tensor<1x64xf32>
    pto.store %a, %y[%t, %c0] : tensor<1x64xf32>, memref<8x64xf32>
  }
  func.return
}
"""

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "dsv4_compressor_ratio4" / "kernel.mlir"


@pytest.fixture
def kernel(tmp_path: Path) -> Path:
    p = tmp_path / "k.mlir"
    p.write_text(ROWS)
    return p


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        pto_tune.main(argv)
    out, err = capsys.readouterr()
    code = e.value.code
    return (code if isinstance(code, int) else 1), out, err


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scope", "nope"], "unknown scope 'nope' (scopes: rows, other)"),
        (["--scope", "rows", "--factors", "1,x"], "'x' is not an integer"),
        (["--scope", "rows", "--factors", "\uff13"], "'\uff13' is not an integer"),
        (["--scope", "rows", "--factors", "1,,2"], "bad --factors '1,,2'"),
        (["--scope", "rows", "--factors", ""], "bad --factors ''"),
        (["--scope", "rows", "--factors", "0,2"], "factor 0 must be >= 1"),
        (["--scope", "rows", "--factors", "2,-4"], "factor -4 must be >= 1"),
        (["--scope", "rows", "--factors", "2", "--auto"], "not allowed with argument"),
        (["--scope", "rows", "--seed", "1", "--inputs", "a.npz"], "--seed has no effect with an .npz"),
        (["--scope", "rows", "--seed", "one"], "invalid int value"),
        (["--scope", "rows", "--func", "g"], "no function 'g'"),
        ([], "the following arguments are required: --scope"),
    ],
)
def test_errors_are_one_line(
    kernel: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code, out, err = _run([str(kernel), *extra], capsys)
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pto-tune: error: ")
    assert message in lines[0]


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([str(tmp_path / "none.mlir"), "--scope", "rows"], capsys)
    assert code == 1
    assert err.count("\n") == 1 and "cannot read" in err


def test_parse_error_is_diagnostic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f( {\n")
    code, _, err = _run([str(bad), "--scope", "rows"], capsys)
    assert code == 1
    assert "bad.mlir:1:" in err.splitlines()[0] and "Traceback" not in err


def test_bad_npz_is_one_line(kernel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    npz = tmp_path / "x.npz"
    npz.write_text("not a zip")
    code, _, err = _run([str(kernel), "--scope", "rows", "--inputs", str(npz)], capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "pto-tune: error:" in err


def test_parse_factors() -> None:
    assert pto_tune.parse_factors("1,2, 4") == [1, 2, 4]


def test_progress_bar_only_after_delay() -> None:
    import io

    s = io.StringIO()
    bar = pto_tune.Progress(s, enabled=True, delay=3600)
    bar(0, 2, 1)
    bar(2, 2, 2)
    bar.close()
    assert s.getvalue() == ""
    bar = pto_tune.Progress(s, enabled=True, delay=0)
    bar(1, 2, 2)
    bar.close()
    assert "1/2" in s.getvalue() and s.getvalue().endswith("\r")  # erased at the end
    s2 = io.StringIO()
    off = pto_tune.Progress(s2, enabled=False, delay=0)
    off(1, 2, 2)
    off.close()
    assert s2.getvalue() == ""


# --------------------------------------------------------------------------- runs


def test_table_lists_every_factor_and_marks_best(
    kernel: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run([str(kernel), "--scope", "rows", "--factors", "1,2,3,4,8"], capsys)
    assert code == 0, err
    assert err == ""  # no progress bar when stderr is not a terminal
    lines = out.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.split()[:1] == ["factor"])
    for word in ("tasks", "waves", "span", "Exec%", "tail", "total", "legal"):
        assert word in lines[header]
    rows = {ln.split()[0]: ln for ln in lines[header + 1 : header + 6]}
    # 3 does not divide the 8 tasks: tuned with a guarded remainder (the default), marked *
    assert set(rows) == {"1", "2", "3*", "4", "8"}
    assert rows["3*"].split()[1:3] == ["3", "1"] and "yes" in rows["3*"]
    assert any(ln.startswith("* guarded") for ln in lines)
    assert sum("<- best" in ln for ln in lines) == 1
    assert any(ln.startswith("best: factor ") for ln in lines)


def test_remainder_skip_skips_non_divisors(
    kernel: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        [str(kernel), "--scope", "rows", "--factors", "1,3", "--remainder", "skip"], capsys
    )
    assert code == 0, err
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.split()[:1] in (["1"], ["3"])}
    assert "skipped" in rows["3"]
    assert "guarded" not in out


def test_json_output(kernel: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([str(kernel), "--scope", "rows", "--factors", "1,2,4", "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["scope"] == "rows" and doc["tasks"] == 8 and doc["func"] == "rows"
    assert doc["machine"] == "a2a3" and doc["inputs"] == "random seed 0"
    assert doc["factors"] == [1, 2, 4]
    assert [p["tasks"] for p in doc["points"]] == [8, 4, 2]
    legal = [p for p in doc["points"] if p["legal"]]
    assert doc["best"] == min(legal, key=lambda p: p["total_us"])["factor"]


def test_auto_uses_divisors(kernel: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([str(kernel), "--scope", "rows", "--auto", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["factors"] == [1, 2, 4, 8]


def test_inputs_npz_and_hook(kernel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    npz = tmp_path / "in.npz"
    np.savez(npz, x=np.ones((8, 64), np.float32), y=np.zeros((8, 64), np.float32))
    code, out, _ = _run([str(kernel), "--scope", "rows", "--factors", "1,2", "--json",
                         "--inputs", str(npz)], capsys)
    assert code == 0 and json.loads(out)["inputs"] == str(npz)
    (tmp_path / "inputs.py").write_text(
        "import numpy as np\n"
        "def make_inputs(seed):\n"
        "    return {'x': np.full((8, 64), seed, np.float32), 'y': np.zeros((8, 64), np.float32)}\n"
    )
    # next to the kernel, the script is not run: only when named with --inputs
    code, out, _ = _run([str(kernel), "--scope", "rows", "--factors", "1,2", "--json",
                         "--seed", "5"], capsys)
    assert code == 0 and json.loads(out)["inputs"] == "random seed 5"
    script = str(tmp_path / "inputs.py")
    code, out, _ = _run([str(kernel), "--scope", "rows", "--factors", "1,2", "--json",
                         "--inputs", script, "--seed", "5"], capsys)
    assert code == 0 and json.loads(out)["inputs"] == f"{script} seed 5"


def test_plot_writes_png(kernel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "u.png"
    code, _, err = _run([str(kernel), "--scope", "rows", "--factors", "1,2,4", "--plot", str(png)],
                        capsys)
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib(
    kernel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = _run([str(kernel), "--scope", "rows", "--factors", "1", "--plot",
                         str(tmp_path / "u.png")], capsys)
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("pto-tune: error: --plot needs matplotlib")


def test_forced_progress_goes_to_stderr(kernel: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pto_tune, "PROGRESS_DELAY_S", 0.0)
    monkeypatch.setattr(pto_tune.Progress.__init__, "__defaults__", (0.0,))
    code, out, err = _run([str(kernel), "--scope", "rows", "--factors", "1,2", "--progress",
                           "--json"], capsys)
    assert code == 0
    json.loads(out)  # stdout stays clean
    assert "pto-tune [" in err and "2/2" in err


@pytest.mark.skipif(shutil.which("pto-tune") is None, reason="pto-tune is not installed")
def test_console_script(kernel: Path) -> None:
    r = subprocess.run(["pto-tune", str(kernel), "--scope", "rows", "--factors", "1,2", "--json"],
                       capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PTO_TUNE_PROGRESS": "0"})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["best"] in (1, 2)


def test_seed_kernel_picks_two(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run([str(SEED), "--scope", "softmax_pool", "--factors", "1,2,4,8,16",
                           "--inputs", str(SEED.parent / "inputs.py"), "--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    # The refitted a2a3 model (issue 9, compiler/costmodel/MODEL.md) picks G = 2, as the
    # hardware does (measured: 2 is 20% faster than 1), though by a small margin (under
    # 1%); over-coarsening is clearly worse.
    assert doc["best"] == 2
    total = {p["factor"]: p["total_us"] for p in doc["points"]}
    assert total[2] < total[1] and total[2] < total[4] < total[8]
    assert doc["tasks"] == 64
    assert all(p["legal"] for p in doc["points"]), doc["points"]


def test_inputs_missing_an_argument(kernel: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    npz = tmp_path / "in.npz"
    np.savez(npz, x=np.ones((8, 64), np.float32))
    code, out, err = _run([str(kernel), "--scope", "rows", "--inputs", str(npz)], capsys)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"{kernel}:2:1: error: 'func.func' op missing input 'y' (argument %y : memref<8x64xf32>)"
    ]


def test_plot_into_missing_folder_fails_before_the_sweep(
    kernel: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run([str(kernel), "--scope", "rows", "--plot",
                           str(tmp_path / "no" / "u.png")], capsys)
    assert code == 1 and out == ""
    assert "no such directory" in err and len(err.strip().splitlines()) == 1


def test_unknown_machine(kernel: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([str(kernel), "--scope", "rows", "--machine", "nope"], capsys)
    assert code == 1
    assert err.startswith("pto-tune: error: cannot load machine 'nope'")
    assert len(err.strip().splitlines()) == 1


def test_a_variant_with_an_internal_error_exits_2_without_a_recommendation(
    kernel: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12, item 4: a crash in one variant is not 'that factor is illegal'; the run
    exits 2 and no factor is recommended (the crashed one might have been the best)."""
    from ptoc.passes.spmd_coarsen import SpmdCoarsenPass

    real = SpmdCoarsenPass.apply

    def crash_at_4(self: SpmdCoarsenPass, ctx: object, op: object) -> None:
        if self.factor == 4:
            raise TypeError("a bug")
        real(self, ctx, op)  # pyright: ignore[reportArgumentType]

    monkeypatch.setattr(SpmdCoarsenPass, "apply", crash_at_4)
    code, out, err = _run([str(kernel), "--scope", "rows", "--factors", "1,2,4"], capsys)
    assert code == 2, err
    assert "best:" not in out and "<- best" not in out
    assert "no recommendation: a variant hit an internal error" in out
    assert "pto-tune: internal error: factor 4: internal error in pto-spmd-coarsen: TypeError: a bug" in err
