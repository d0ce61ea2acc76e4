"""The calibration cases (examples/calibration/*/case.toml) and their kernels.

* every case file is well-formed (the schema of examples/calibration/README.md): its
  keys and types, a known metric kind, a public source, files that exist, a winner
  that is one of its variants, no development-machine paths;
* every variant kernel parses and verifies (after its `passes`), has the scopes the
  metric covers with the task count and core kind the case gives, is clean under
  `pto-check-races` (or has only the may-race warnings its case declares), and runs
  under the interpreter on its inputs with finite outputs;
* variants that compute the same function (`same_outputs_as`) give equal outputs:
  bit for bit, or within `outputs_rtol` where the variants sum in another order.

Each variant runs once (results are cached for the module).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

# A multi-threaded OpenBLAS spins on the shared cores and makes small matmuls slow.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest
from xdsl.dialects.builtin import ModuleOp

from ptoc.api import parse, run_pipeline
from ptoc.backend.interpreter import compile_module
from ptoc.dialects.pto import SpmdOp
from ptoc.passes.check_races import check_scope

ROOT = Path(__file__).resolve().parents[2]
CALIB = ROOT / "examples" / "calibration"
CASE_FILES = sorted(CALIB.glob("*/case.toml"))

METRICS = {"span", "task_time", "total"}
CORES = {"vector", "cube", "mix"}
RACE_CHECKS = {"clean", "warnings"}
TOP_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "schema": int,
    "case": str,
    "scope": str,
    "title": str,
    "hardware": str,
    "hardware_inferred": bool,
    "metric": str,
    "metric_note": str,
    "winner": str,
    "attribution": str,
    "source": dict,
    "variants": list,
}
TOP_OPTIONAL: dict[str, type | tuple[type, ...]] = {"notes": str}
VARIANT_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "kernel": str,
    "inputs": str,
    "code_commit": str,
    "tasks": int,
    "core": str,
    "measured_us": (int, float),
    "measured_as_quoted": str,
    "scopes": list,
}
VARIANT_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "inputs_function": str,
    "inputs_args": dict,
    "passes": str,
    "same_outputs_as": str,
    "outputs_rtol": float,
    "exec_pct": (int, float),
    "tail_oh_us": (int, float),
    "also": list,
    "race_check": str,
    "notes": str,
}
HEX = re.compile(r"^[0-9a-f]{7,40}$")


def _load_case(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


CASES = {p.parent.name: _load_case(p) for p in CASE_FILES}
VARIANTS = [(c, v["name"]) for c, doc in CASES.items() for v in doc.get("variants", [])]
SAME = [
    (c, v["name"], v["same_outputs_as"])
    for c, doc in CASES.items()
    for v in doc.get("variants", [])
    if "same_outputs_as" in v
]


def _variant(case: str, name: str) -> dict[str, Any]:
    return next(v for v in CASES[case]["variants"] if v["name"] == name)


def _check_keys(
    doc: dict[str, Any],
    required: dict[str, type | tuple[type, ...]],
    optional: dict[str, type | tuple[type, ...]],
    where: str,
) -> None:
    for k, t in required.items():
        assert k in doc, f"{where}: missing key '{k}'"
        assert isinstance(doc[k], t), f"{where}: '{k}' must be {t}, got {doc[k]!r}"
    for k, v in doc.items():
        assert k in required or k in optional, f"{where}: unknown key '{k}'"
        if k in optional:
            assert isinstance(v, optional[k]), f"{where}: '{k}' must be {optional[k]}"


def test_cases_exist() -> None:
    assert CASES, "no calibration cases found"


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_file_well_formed(case: str) -> None:
    doc = CASES[case]
    folder = CALIB / case
    _check_keys(doc, TOP_REQUIRED, TOP_OPTIONAL, case)
    assert doc["schema"] == 1
    assert doc["metric"] in METRICS, f"{case}: metric '{doc['metric']}' not in {METRICS}"
    assert doc["hardware"] == "a2a3"
    assert doc["attribution"] in {"high", "medium", "low"}
    src = doc["source"]
    assert set(src) == {"repo", "commit", "path"}, f"{case}: [source] keys"
    assert src["repo"] == "hw-native-sys/pypto-lib"
    assert HEX.match(src["commit"]), f"{case}: source commit {src['commit']!r}"
    assert not src["path"].startswith("/"), f"{case}: source path must be the repo's path"
    if case != "seed":
        assert doc["case"] == case == src["commit"], "the folder is named by the case id"
    names = [v.get("name") for v in doc["variants"]]
    assert len(names) >= 2 and len(set(names)) == len(names), f"{case}: variant names"
    assert doc["winner"] in names, f"{case}: winner {doc['winner']!r} is not a variant"
    for v in doc["variants"]:
        where = f"{case}/{v.get('name')}"
        _check_keys(v, VARIANT_REQUIRED, VARIANT_OPTIONAL, where)
        assert (folder / v["kernel"]).is_file(), f"{where}: no kernel {v['kernel']}"
        assert (folder / v["inputs"]).is_file(), f"{where}: no inputs {v['inputs']}"
        assert HEX.match(v["code_commit"]), f"{where}: code_commit"
        assert v["tasks"] >= 1 and v["measured_us"] > 0
        assert v["core"] in CORES
        assert v["scopes"] and all(isinstance(s, str) for s in v["scopes"])
        assert v.get("race_check", "clean") in RACE_CHECKS
        if "same_outputs_as" in v:
            assert v["same_outputs_as"] in names and v["same_outputs_as"] != v["name"]
        for also in v.get("also", []):
            assert set(also) == {"scope", "metric", "measured_us"}, f"{where}: also"
            assert also["metric"] in METRICS
    text = (folder / "case.toml").read_text()
    assert "/work/" not in text and "../shared" not in text


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_files_have_no_machine_paths(case: str) -> None:
    for f in sorted((CALIB / case).iterdir()):
        if f.suffix in {".mlir", ".py", ".toml", ".md"}:
            text = f.read_text()
            assert "/work/" not in text and "../shared" not in text, f"{f.name}"


def _inputs_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"calib_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@functools.cache
def _module(case: str, name: str) -> ModuleOp:
    v = _variant(case, name)
    path = CALIB / case / v["kernel"]
    module = parse(path.read_text(), str(path))
    if "passes" in v:
        run_pipeline(module, v["passes"])
    return module


def _inputs(case: str, name: str) -> dict[str, np.ndarray[Any, Any]]:
    v = _variant(case, name)
    mod = _inputs_module(CALIB / case / v["inputs"])
    make = getattr(mod, v.get("inputs_function", "make_inputs"))
    return make(0, **v.get("inputs_args", {}))


@functools.cache
def _outputs(case: str, name: str) -> dict[str, np.ndarray[Any, Any]]:
    prog = compile_module(_module(case, name))
    res = prog.run(_inputs(case, name), record=False)
    return dict(res.outputs)


def _scopes(module: ModuleOp) -> dict[str, list[SpmdOp]]:
    found: dict[str, list[SpmdOp]] = {}
    for op in module.walk():
        if isinstance(op, SpmdOp):
            found.setdefault(op.scope_name or "", []).append(op)
    return found


@pytest.mark.parametrize(("case", "name"), VARIANTS)
def test_variant_scopes_and_races(case: str, name: str) -> None:
    v = _variant(case, name)
    scopes = _scopes(_module(case, name))
    for s in v["scopes"]:
        assert s in scopes, f"scope {s!r} not in the kernel (has {sorted(scopes)})"
        assert len(scopes[s]) == 1, f"scope name {s!r} is used twice"
    assert sum(scopes[s][0].static_count or 0 for s in v["scopes"]) == v["tasks"]
    first = scopes[v["scopes"][0]][0]
    assert first.core is not None and first.core.data == v["core"]
    for also in v.get("also", []):
        assert also["scope"] in scopes, f"scope {also['scope']!r} not in the kernel"
    findings = [f for ops in scopes.values() for op in ops for f in check_scope(op)]
    errors = [f.message for f in findings if f.severity == "error"]
    assert not errors, errors
    if v.get("race_check", "clean") == "clean":
        assert not findings, [f.message for f in findings]


@pytest.mark.parametrize(("case", "name"), VARIANTS)
def test_variant_runs(case: str, name: str) -> None:
    outs = _outputs(case, name)
    assert outs
    for k, a in outs.items():
        if a.dtype.kind == "f" or str(a.dtype) == "bfloat16":
            assert np.all(np.isfinite(a.astype(np.float32))), f"{k} is not finite"


@pytest.mark.parametrize(("case", "name", "other"), SAME)
def test_same_function_same_outputs(case: str, name: str, other: str) -> None:
    a, b = _outputs(case, name), _outputs(case, other)
    assert set(a) == set(b)
    rtol = _variant(case, name).get("outputs_rtol")
    for k in a:
        if rtol is None:
            assert a[k].dtype == b[k].dtype
            assert a[k].tobytes() == b[k].tobytes(), f"{k} differs"
        else:
            np.testing.assert_allclose(
                a[k].astype(np.float64), b[k].astype(np.float64), rtol=rtol, atol=rtol, err_msg=k
            )
