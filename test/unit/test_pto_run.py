"""`pto-run`: runs, reports, writes outputs; every input error is a one-line diagnostic."""

from __future__ import annotations

import json
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from ptoc.tools.pto_run import main

ROOT = Path(__file__).resolve().parents[2]
SOFTMAX = str(ROOT / "examples" / "softmax_pool.mlir")
BF16 = np.dtype(ml_dtypes.bfloat16)


def run_tool(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        main(args)
    out, err = capsys.readouterr()
    code = e.value.code
    return (code if isinstance(code, int) else 1), out, err


def softmax_inputs(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "state": rng.standard_normal((64, 2048)).astype(np.float32),
        "block_table": rng.integers(0, 4, (64, 65)).astype(np.int32),
        "start_pos": rng.integers(0, 4, 64).astype(np.int32),
        "pooled": np.zeros((64, 512), np.float32),
    }


def test_runs_with_a_seed_and_reports(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_npz = tmp_path / "out.npz"
    code, out, err = run_tool([SOFTMAX, "--seed", "1", "--outputs", str(out_npz)], capsys)
    assert code == 0, err
    assert "pto-run: @softmax_pool, inputs: random seed 1" in out
    assert "scope softmax_pool (vector): 64 tasks" in out
    with np.load(out_npz) as data:
        assert sorted(data.files) == ["block_table", "pooled", "start_pos", "state"]
        assert data["pooled"].shape == (64, 512)


def test_outputs_match_the_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import ptoc
    from ptoc.backend.interpreter import compile_module

    inp = softmax_inputs(3)
    in_npz, out_npz = tmp_path / "in.npz", tmp_path / "out.npz"
    np.savez(in_npz, **inp)
    code, _, err = run_tool([SOFTMAX, "--inputs", str(in_npz), "--outputs", str(out_npz)], capsys)
    assert code == 0, err
    prog = compile_module(ptoc.parse(Path(SOFTMAX).read_text(), SOFTMAX))
    want = prog.run(inp).outputs["pooled"]
    with np.load(out_npz) as data:
        assert data["pooled"].tobytes() == want.tobytes()


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_tool([SOFTMAX, "--report", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    run = doc["run"]
    assert run["function"] == "softmax_pool"
    assert run["scopes"][0]["name"] == "softmax_pool" and run["scopes"][0]["tasks"] == 64
    assert run["outputs"]["pooled"] == {"shape": [64, 512], "dtype": "float32", "finite": True}
    if "cost" in doc:
        assert doc["cost"]["total_us"] > 0
        assert doc["cost"]["scopes"][0]["name"] == "softmax_pool"


def test_trace_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    trace, png = tmp_path / "t.json", tmp_path / "s.png"
    code, _, err = run_tool([SOFTMAX, "--trace", str(trace), "--plot", str(png)], capsys)
    assert code == 0, err
    doc = json.loads(trace.read_text())
    events = doc["traceEvents"] if isinstance(doc, dict) else doc
    assert any(e.get("ph") == "X" for e in events)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pipeline_is_applied(capsys: pytest.CaptureFixture[str]) -> None:
    from ptoc.passes import available_passes

    if "pto-spmd-coarsen" not in available_passes():
        pytest.skip("pto-spmd-coarsen is not available yet")
    code, out, err = run_tool(
        [SOFTMAX, "-p", "pto-spmd-coarsen{factor=2 scope=softmax_pool}", "--report", "json"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["run"]["scopes"][0]["tasks"] == 32


@pytest.mark.parametrize("change,message", [
    (lambda d: d.pop("start_pos"), r"missing input 'start_pos'"),
    (lambda d: d.update(state=d["state"][:, :100]), r"input 'state' has shape \[64, 100\]"),
    (lambda d: d.update(block_table=d["block_table"].astype(np.int64)), r"input 'block_table' has dtype int64"),
    (lambda d: d.update(bogus=np.zeros(3)), r"unexpected input 'bogus'"),
])
def test_bad_npz_inputs(change, message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import re

    inp = softmax_inputs()
    change(inp)
    path = tmp_path / "in.npz"
    np.savez(path, **inp)
    out_npz = tmp_path / "out.npz"
    code, _out, err = run_tool([SOFTMAX, "--inputs", str(path), "--outputs", str(out_npz)], capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(message, err), err
    assert "softmax_pool.mlir:" in err and "'func.func' op" in err
    assert not out_npz.exists()


def test_unreadable_npz(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip file")
    code, _, err = run_tool([SOFTMAX, "--inputs", str(bad)], capsys)
    assert code == 1 and err.startswith("pto-run: error: ") and "not a readable .npz" in err
    code, _, err = run_tool([SOFTMAX, "--inputs", str(tmp_path / "missing.npz")], capsys)
    assert code == 1 and "cannot read inputs" in err and len(err.strip().splitlines()) == 1


def test_unknown_function(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_tool([SOFTMAX, "--func", "nope"], capsys)
    assert code == 1 and "no function @nope" in err and "@softmax_pool" in err


def test_bad_task_order_and_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_tool([SOFTMAX, "--task-order", "sideways"], capsys)
    assert code == 1 and "unknown task order 'sideways'" in err
    code, _, err = run_tool(["/nonexistent/k.mlir"], capsys)
    assert code == 1 and "cannot read '/nonexistent/k.mlir'" in err
    code, _, err = run_tool([SOFTMAX, "--report", "xml"], capsys)
    assert code == 1 and err.startswith("pto-run: error:")


NAN_KERNEL = """func.func @k(%a: memref<1x8xf32>, %o: memref<1x8xf32>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<1x8xf32> -> tensor<1x8xf32>
    %z = arith.subf %x, %x : tensor<1x8xf32>
    %l = math.log %z : tensor<1x8xf32>
    pto.store %l, %o[%c0, %c0] : tensor<1x8xf32>, memref<1x8xf32>
  }
  func.return
}
"""


def test_check_nan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    k = tmp_path / "nan.mlir"
    k.write_text(NAN_KERNEL)
    code, _, err = run_tool([str(k)], capsys)
    assert code == 0, err
    code, _, err = run_tool([str(k), "--check-nan"], capsys)
    assert code == 1
    assert f"{k}:6:" in err and "'math.log' op produced Inf" in err


def test_bf16_outputs_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    k = tmp_path / "bf.mlir"
    k.write_text("""func.func @k(%a: memref<1x8xf32>, %o: memref<1x8xbf16>) {
  pto.spmd %t = 0 to 1 {
    %c0 = arith.constant 0 : index
    %x = pto.load %a[%c0, %c0] : memref<1x8xf32> -> tensor<1x8xf32>
    %h = pto.cast %x round "rint" : tensor<1x8xf32> -> tensor<1x8xbf16>
    pto.store %h, %o[%c0, %c0] : tensor<1x8xbf16>, memref<1x8xbf16>
  }
  func.return
}
""")
    a = np.linspace(-3, 3, 8, dtype=np.float32)[None, :]
    np.savez(tmp_path / "in.npz", a=a, o=np.zeros((1, 8), BF16))  # bf16 saved as |V2
    code, _, err = run_tool([str(k), "--inputs", str(tmp_path / "in.npz"),
                             "--outputs", str(tmp_path / "out.npz")], capsys)
    assert code == 0, err
    with np.load(tmp_path / "out.npz") as data:
        assert data["o"].view(BF16).tolist() == a.astype(BF16).tolist()
