"""The seed kernel in `pl` (examples/dsv4_compressor_ratio4/kernel.py) against kernel.mlir:
the same outputs bit for bit and the same cost-model report, in every grouping form;
the tools on `.py` kernels; constant sweeps; diagnostics."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ptoc
from ptoc.backend.interpreter import compile_module
from ptoc.costmodel import load_machine, simulate
from ptoc.dialects.pto import RangeOp, SpmdOp
from ptoc.frontend import CARRIED_TENSORS_ATTR, FrontendError, load_kernel, parse_set

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "dsv4_compressor_ratio4"
KERNEL_PY = str(EXAMPLE / "kernel.py")
KERNEL_MLIR = EXAMPLE / "kernel.mlir"

sys.path.insert(0, str(EXAMPLE))
import inputs as seed_inputs  # noqa: E402  # pyright: ignore[reportMissingImports]


@pytest.fixture(scope="module")
def ins() -> dict[str, Any]:
    return seed_inputs.make_inputs(0)


def run(module: Any, ins: dict[str, Any]) -> tuple[dict[str, Any], str, float]:
    res = compile_module(module).run(ins)
    rep = simulate(res.record, load_machine("a2a3"))
    return dict(res.outputs), rep.to_table(), rep.total_us


def mlir(pipeline: str | None = None) -> Any:
    m = ptoc.parse(KERNEL_MLIR.read_text(), str(KERNEL_MLIR))
    if pipeline:
        ptoc.run_pipeline(m, pipeline)
    return m


def same_bits(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    assert set(a) == set(b)
    return [k for k in a if np.asarray(a[k]).tobytes() != np.asarray(b[k]).tobytes()]


@pytest.mark.parametrize(
    ("constants", "pipeline"),
    [
        ({}, None),
        ({"POOL_GROUP": 2}, "pto-spmd-coarsen{scope=softmax_pool factor=2},pto-unroll-expand"),
        ({"POOL_GROUP": 2, "POOL_UNROLL": False},
         "pto-spmd-coarsen{scope=softmax_pool factor=2 inner=range}"),
    ],
    ids=["per-batch", "unroll-2", "range-2"],
)
def test_seed_bit_identical_and_same_report(
    ins: dict[str, Any], constants: dict[str, Any], pipeline: str | None
) -> None:
    out_py, rep_py, total_py = run(load_kernel(KERNEL_PY, constants=constants), ins)
    out_ml, rep_ml, total_ml = run(mlir(pipeline), ins)
    assert same_bits(out_py, out_ml) == []
    assert rep_py == rep_ml
    assert total_py == total_ml


def test_seed_matches_the_numpy_golden(ins: dict[str, Any]) -> None:
    import golden  # pyright: ignore[reportMissingImports]

    out, _, _ = run(load_kernel(KERNEL_PY), ins)
    assert not golden.compare(out, golden.golden(ins))


@pytest.mark.parametrize("unroll", [True, False])
def test_seed_round_trips_through_pto_opt(unroll: bool) -> None:
    m = load_kernel(KERNEL_PY, constants={"POOL_GROUP": 2, "POOL_UNROLL": unroll})
    text = str(m)
    again = ptoc.parse(text, "roundtrip.mlir")
    assert str(again) == text


def test_seed_range_form_carries_only_pooled_across_batches() -> None:
    m = load_kernel(KERNEL_PY, constants={"POOL_GROUP": 2, "POOL_UNROLL": False})
    ci = [o for o in m.walk() if isinstance(o, RangeOp) and o.index.name_hint == "ci"]
    assert len(ci) == 1
    assert list(ci[0].iter_args) == []
    assert [s.data for s in ci[0].attributes[CARRIED_TENSORS_ATTR].data] == ["pooled"]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
    ptoc.run_pipeline(m, "pto-check-carried,pto-check-races")  # both accept it


def test_seed_unroll_form_has_one_copy_per_batch_and_no_loop() -> None:
    m = load_kernel(KERNEL_PY, constants={"POOL_GROUP": 4})
    (sp,) = [o for o in m.walk() if isinstance(o, SpmdOp) and o.scope_name == "softmax_pool"]
    assert sp.static_count == 16
    assert sum(1 for o in sp.walk() if o.name == "scf.if") == 4 * 2  # gate + p >= 0 per copy
    ptoc.run_pipeline(m, "pto-check-carried,pto-check-races")


def test_reimport_with_other_constants_gives_other_ir() -> None:
    a = load_kernel(KERNEL_PY, constants={"POOL_GROUP": 1})
    b = load_kernel(KERNEL_PY, constants={"POOL_GROUP": 8})
    counts = [
        next(o.static_count for o in m.walk() if isinstance(o, SpmdOp) and o.scope_name ==
             "softmax_pool") for m in (a, b)
    ]
    assert counts == [64, 8]


def test_failing_import_is_located_in_the_kernel_file() -> None:
    with pytest.raises(FrontendError) as e:
        load_kernel(KERNEL_PY, constants={"POOL_GROUP": 3})
    text = str(e.value)
    assert "kernel.py:" in text.splitlines()[0]
    assert "failed an assert: POOL_GROUP must divide the batch" in text
    assert "^" in text and "Traceback" not in text


def test_parse_set() -> None:
    assert parse_set("POOL_GROUP=1,2,4") == ("POOL_GROUP", [1, 2, 4])
    assert parse_set("F=True,0.5,range") == ("F", [True, 0.5, "range"])
    for bad in ("POOL_GROUP", "=1", "X=", "X=1,,2", "1X=2"):
        with pytest.raises(ValueError):
            parse_set(bad)


def test_constant_sweep_reports_failing_imports(ins: dict[str, Any]) -> None:
    from ptoc.tuning.constant_sweep import format_set_table, sweep_constants

    points = sweep_constants(KERNEL_PY, [("POOL_GROUP", [2, 3])], inputs=ins, machine="a2a3",
                             scope="softmax_pool")
    assert [p.status for p in points] == ["ok", "failed"]
    assert points[0].tasks == 32 and points[0].legal
    assert "POOL_GROUP must divide the batch" in points[1].reasons[0]
    table = format_set_table(points)
    assert "failed" in table and "<- best" in table


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          timeout=600, env=env, check=False)


def test_pto_opt_prints_the_imported_ir() -> None:
    r = tool("ptoc.tools.pto_opt", KERNEL_PY, "--set", "POOL_GROUP=2")
    assert r.returncode == 0, r.stderr
    assert 'pto.spmd %cg = 0 to 32 name "softmax_pool" core vector' in r.stdout


def test_pto_opt_error_is_one_located_diagnostic_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import pypto.language as pl\n\n\n@pl.jit\ndef k(x: pl.Tensor[[4, 4], "
                   "pl.FP32]):\n    y = pl.frobnicate(x)\n")
    r = tool("ptoc.tools.pto_opt", str(bad))
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == (f"{bad}:6:9: error: pl.frobnicate is not supported yet (see "
                        "docs/frontend.md for the supported constructs)")
    assert lines[1].endswith("|") or "|" in lines[1]
    assert "Traceback" not in r.stderr


def test_pto_run_and_pto_tune_take_py_kernels() -> None:
    script = str(Path(KERNEL_PY).parent / "inputs.py")  # run only because it is named
    r = tool("ptoc.tools.pto_run", KERNEL_PY, "--inputs", script, "--report", "json")
    assert r.returncode == 0, r.stderr
    assert '"function": "decode_compressor_ratio4"' in r.stdout
    r = tool("ptoc.tools.pto_tune", KERNEL_PY, "--set", "POOL_GROUP=2,3", "--scope",
             "softmax_pool", "--inputs", script)
    assert r.returncode == 0, r.stderr
    assert "POOL_GROUP" in r.stdout and "failed" in r.stdout and "<- best" in r.stdout


def test_bench_frontend_vs_parse_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Smoke test of bench/frontend_vs_parse.py (no timing asserted)."""
    import importlib.util

    path = ROOT / "bench" / "frontend_vs_parse.py"
    spec = importlib.util.spec_from_file_location("_bench_frontend_vs_parse", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "ratio import / parse (same IR):" in out
