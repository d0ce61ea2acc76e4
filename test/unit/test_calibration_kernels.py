"""The calibration cases (examples/calibration/*/case.toml), the holdout cases
(examples/holdout/*/case.toml: the same schema, `holdout = true`, never fitted) and
their kernels.

* every case file is well-formed (the schema of examples/calibration/README.md): its
  keys and types, a known metric kind, a public source, files that exist, a winner
  that is one of its variants, no development-machine paths;
* every variant kernel parses and verifies (after its `passes`), has the scopes the
  metric covers with the task count and core kind the case gives, is clean under
  `pto-check-races` (or has only the may-race warnings its case declares), and runs
  under the interpreter on its inputs with finite outputs;
* variants that compute the same function (`same_outputs_as`) give equal outputs:
  bit for bit, or within `outputs_rtol` where the variants sum in another order;
* every case's kernels compute what their headers say: an independent numpy reference
  per case (here for a calibration case, in the case's `reference.py` for a holdout
  case; exact where the kernel moves data or sums exact grids), also on inputs
  that take branches the measured fixtures do not (all slot kinds of the gather; any
  window positions of the ratio-4 softmax_pool, a hypothesis property).

Each variant runs once on its inputs (results are cached for the module).
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp

from ptoc.api import parse, run_pipeline
from ptoc.backend.interpreter import compile_module
from ptoc.backend.record import ExecutionRecord
from ptoc.dialects.pto import SpmdOp
from ptoc.passes.check_races import check_scope

ROOT = Path(__file__).resolve().parents[2]
CALIB = ROOT / "examples" / "calibration"
HOLDOUT = ROOT / "examples" / "holdout"
CASE_FILES = sorted(CALIB.glob("*/case.toml")) + sorted(HOLDOUT.glob("*/case.toml"))

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
TOP_OPTIONAL: dict[str, type | tuple[type, ...]] = {"notes": str, "holdout": bool}
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
FOLDER = {p.parent.name: p.parent for p in CASE_FILES}
assert len(FOLDER) == len(CASE_FILES), "a case id is both a calibration and a holdout case"
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
    folder = FOLDER[case]
    _check_keys(doc, TOP_REQUIRED, TOP_OPTIONAL, case)
    # a holdout case says so, and only a holdout case does (the fit reads examples/calibration)
    assert doc.get("holdout", False) == (folder.parent == HOLDOUT), f"{case}: holdout key"
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
    assert not re.search(r"/wor[k]/|\.\./share[d]", text), "a development machine's path"


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_files_have_no_machine_paths(case: str) -> None:
    for f in sorted(FOLDER[case].iterdir()):
        if f.suffix in {".mlir", ".py", ".toml", ".md"}:
            text = f.read_text()
            assert not re.search(r"/wor[k]/|\.\./share[d]", text), f"{f.name}: a machine path"


def _inputs_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"calib_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@functools.cache
def _module(case: str, name: str) -> ModuleOp:
    v = _variant(case, name)
    path = FOLDER[case] / v["kernel"]
    module = parse(path.read_text(), str(path))
    if "passes" in v:
        run_pipeline(module, v["passes"])
    return module


def _inputs(case: str, name: str) -> dict[str, np.ndarray[Any, Any]]:
    v = _variant(case, name)
    mod = _inputs_module(FOLDER[case] / v["inputs"])
    make = getattr(mod, v.get("inputs_function", "make_inputs"))
    return make(0, **v.get("inputs_args", {}))


@functools.cache
def _run(case: str, name: str) -> tuple[dict[str, np.ndarray[Any, Any]], ExecutionRecord]:
    prog = compile_module(_module(case, name))
    res = prog.run(_inputs(case, name))
    return dict(res.outputs), res.record


def _outputs(case: str, name: str) -> dict[str, np.ndarray[Any, Any]]:
    return _run(case, name)[0]


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


# --------------------------------------------------------------------------- numpy references
#
# What each case's kernels compute, written independently in numpy (float64 where the
# kernel rounds in f32; exact where the kernel only moves data or sums exact grids). The
# first variant of each case is checked; `same_outputs_as` carries it to the others.

NpArray = np.ndarray[Any, Any]


def _f64(a: NpArray) -> NpArray:
    return np.asarray(a).astype(np.float64)


def _softmax_pool(scores: NpArray, kvs: NpArray) -> NpArray:
    """Softmax over axis 0 of `scores`, weighting `kvs`: [slots, cols] -> [cols]."""
    m = scores.max(axis=0)
    w = np.exp(scores - m)
    return (w * kvs).sum(axis=0) / w.sum(axis=0)


def _ref_d7c51bae(i: dict[str, NpArray]) -> dict[str, NpArray]:
    s = _f64(i["win_score"]).reshape(64, 8, 128)
    kv = _f64(i["win_kv"]).reshape(64, 8, 128)
    # one output window (argument) per batch: row b of the pooled tensor
    return {f"pooled_b{b}": _softmax_pool(s[b], kv[b])[None, :] for b in range(64)}


def _ref_65967b57(i: dict[str, NpArray]) -> dict[str, NpArray]:
    out = _f64(i["pooled"]).copy()
    st, bt = _f64(i["state"]), i["state_block_table"]
    for b, start in enumerate(i["start_pos"].astype(int)):
        if start % 4 + 2 < 4:
            continue
        cur = start - start % 4

        def row(p: int, b: int = b) -> int:
            return int(bt[b, p // 4]) * 4 + p % 4

        sc = [st[row(cur + 3), 1536:]] + [st[row(p), 1024:1536] for p in range(cur - 4, cur) if p >= 0]
        kv = [st[row(cur + 3), 512:1024]] + [st[row(p), 0:512] for p in range(cur - 4, cur) if p >= 0]
        sc += [st[row(p), 1536:] for p in range(cur, cur + 3)]
        kv += [st[row(p), 512:1024] for p in range(cur, cur + 3)]
        out[b] = _softmax_pool(np.stack(sc), np.stack(kv))
    return {"pooled": out}


def _ref_1597f5c8(i: dict[str, NpArray]) -> dict[str, NpArray]:
    buf = np.zeros_like(i["routed_y_buf"])
    for e, n in enumerate(i["recv_expert_count"]):
        for r in range(int(n)):
            buf[int(i["recv_token_idx"][e, r]), e] = i["recv_y"][e, r]
    return {"routed_y_buf": buf}


def _ref_5f7caa2d(i: dict[str, NpArray]) -> dict[str, NpArray]:
    out = np.zeros_like(i["sparse_kv"])
    idx = i["raw_idx"]
    for t in range(idx.shape[0]):
        for s in range(idx.shape[1]):
            v = int(idx[t, s])
            if v < 0:
                continue
            if v < 128:
                out[t, s] = i["ring_kv"][int(i["ring_block_table"][0, v // 128]), v % 128]
            elif v < 256:
                out[t, s] = i["kv_overlay"][0, v - 128]
            else:
                c = v - 256
                out[t, s] = i["cmp_kv"][int(i["cmp_block_table"][0, c // 128]), c % 128]
    return {"sparse_kv": out}


def _ref_d78b86bd(i: dict[str, NpArray]) -> dict[str, NpArray]:
    h = i["down_acc"] + i["resid"]
    return {"out": h, "normed_out": (h * i["gamma"]).astype(i["normed_out"].dtype)}


def _ref_b9d21016(i: dict[str, NpArray]) -> dict[str, NpArray]:
    def by_block(a: NpArray) -> NpArray:  # rows ((t * 4 + ht) * 5 + b) * 16 + hh -> [t, b, h]
        a = _f64(a).reshape(8, 4, 5, 16, -1).transpose(0, 2, 1, 3, 4)
        return a.reshape(8, 5, 64, a.shape[-1])

    mx, sm, ob = by_block(i["blk_max"])[..., 0], by_block(i["blk_sum"])[..., 0], by_block(i["blk_out"])
    m = mx.max(axis=1)  # [8, 64]
    w = np.exp(mx - m[:, None, :])  # [8, 5, 64]
    den = (w * sm).sum(axis=1) + np.exp(_f64(i["sink"])[:, 0][None, :] - m)
    o = (w[..., None] * ob).sum(axis=1) / den[..., None]  # [8, 64, 512]
    x = o[..., 448:]
    partner = np.arange(64) ^ 1
    cos, sin = _f64(i["rope_cos"])[:, None, :], _f64(i["rope_sin"])[:, None, :]
    o[..., 448:] = x * cos + x[..., partner] * sin
    # o_packed row 8 g + t, columns 512 hh .. of head h = 8 g + hh
    return {"o_packed": o.reshape(8, 8, 8, 512).transpose(1, 0, 2, 3).reshape(64, 4096)}


def _ref_6b8a92de(i: dict[str, NpArray]) -> dict[str, NpArray]:
    act = _f64(i["o_packed"]).reshape(8, 128, 4096)
    w = _f64(i["wo_a"]).reshape(8, 1024, 4096)
    o_r = np.concatenate([act[g] @ w[g].T for g in range(8)], axis=1)  # [128, 8192]
    amax = np.abs(o_r).reshape(128, 64, 128).max(axis=2).T  # [task, token]
    return {"o_r": o_r, "amax": amax}


def _ref_795715d7(i: dict[str, NpArray]) -> dict[str, NpArray]:
    # the two K slices' partials atomic-added into the zero-seeded buffer (exact sums)
    x, w = _f64(i["x"]), _f64(i["wq_a"])
    qr = _f64(i["qr_fp32"]).copy()
    qr[:8] += x[:8] @ w
    return {"qr_fp32": qr}


def _ref_c6b77b8c(i: dict[str, NpArray]) -> dict[str, NpArray]:
    acc = np.zeros((16, 64), dtype=np.float32)
    acc[:8] = (_f64(i["x"])[:8] @ _f64(i["wproj"])).astype(np.float32)  # exact sums
    return {"weights": acc * np.float32(0.0110485433)}


def _ref_1dd087a6(i: dict[str, NpArray]) -> dict[str, NpArray]:
    score = i["score"].copy()
    kv = i["kv_cache"].astype(np.int64)
    for t in range(8):
        pages = -(-(int(i["kv_seq_lens"][t]) // 4) // 128)
        q = i["q_i8"][64 * t : 64 * t + 64].astype(np.int64)
        for p in range(pages):
            page = int(i["block_table"][t, p])
            score[t * 4096 + 128 * p : t * 4096 + 128 * p + 128] = kv[128 * page : 128 * page + 128] @ q.T
    return {"score": score}


def _ref_b8b84496(i: dict[str, NpArray]) -> dict[str, NpArray]:
    xg = i["x"].astype(np.float32) * i["gamma"].astype(np.float32)
    x = _f64(i["x"])
    inv_rms = 1.0 / np.sqrt((x * x).sum(axis=1, keepdims=True) / 4096 + 1e-6)
    amax = np.maximum(np.abs(_f64(xg)).max(axis=1, keepdims=True), 1e-4)
    return {"xg": xg, "inv_rms": inv_rms, "x_norm_scale": amax / 127.0 * inv_rms, "xn_scale": 127.0 / amax}


def _ref_fec57dde(i: dict[str, NpArray]) -> dict[str, NpArray]:
    # every task's partial atomic-added into the zero-seeded [16, 32] tile
    out = _f64(i["mixes_raw"]).copy()
    out[:8, :24] += _f64(i["x"])[:8] @ _f64(i["hc_fn"])[:24].T
    return {"mixes_raw": out}


REFERENCES = {
    "d7c51bae": (_ref_d7c51bae, 1e-5),
    "65967b57": (_ref_65967b57, 1e-5),
    "1597f5c8": (_ref_1597f5c8, 0.0),
    "5f7caa2d": (_ref_5f7caa2d, 0.0),
    "d78b86bd": (_ref_d78b86bd, 0.0),
    "b9d21016": (_ref_b9d21016, 1e-2),
    "6b8a92de": (_ref_6b8a92de, 0.0),
    "795715d7": (_ref_795715d7, 0.0),
    "c6b77b8c": (_ref_c6b77b8c, 0.0),
    "1dd087a6": (_ref_1dd087a6, 0.0),
    "b8b84496": (_ref_b8b84496, 1e-5),
    "fec57dde": (_ref_fec57dde, 1e-4),
}
# a holdout case brings its own reference (`reference(inputs)` and `RTOL` in reference.py)
for _case, _folder in FOLDER.items():
    if _folder.parent == HOLDOUT and (_folder / "reference.py").is_file():
        _mod = _inputs_module(_folder / "reference.py")
        REFERENCES[_case] = (_mod.reference, float(_mod.RTOL))
REF_VARIANTS = [
    (c, v["name"])
    for c, doc in CASES.items()
    if c in REFERENCES
    for v in doc["variants"]
    if "same_outputs_as" not in v
]


@pytest.mark.parametrize(("case", "name"), REF_VARIANTS)
def test_variant_matches_numpy_reference(case: str, name: str) -> None:
    ref, rtol = REFERENCES[case]
    outs = _outputs(case, name)
    for k, want in ref(_inputs(case, name)).items():
        got = outs[k]
        if rtol == 0.0:
            assert np.array_equal(_f64(got), _f64(want)), f"{k} differs from the reference"
        else:
            np.testing.assert_allclose(_f64(got), _f64(want), rtol=rtol, atol=rtol, err_msg=k)


def test_every_case_has_a_reference() -> None:
    missing = sorted(set(CASES) - set(REFERENCES) - {"seed"})
    assert not missing, f"no numpy reference for {missing}"


@pytest.mark.parametrize("name", ["token_tile", "token_block"])
def test_gather_kv_every_slot_kind(name: str) -> None:
    """5f7caa2d with raw indices of all four kinds (the fixture uses two): every branch."""
    mod = _inputs_module(CALIB / "5f7caa2d" / "inputs.py")
    inputs = mod.make_inputs(1, all_kinds=True)
    kinds = inputs["raw_idx"]
    assert (kinds < 0).any() and (kinds >= 256).any() and ((kinds >= 0) & (kinds < 128)).any()
    prog = compile_module(_module("5f7caa2d", name))
    got = prog.run(inputs, record=False).outputs["sparse_kv"]
    want = _ref_5f7caa2d(inputs)["sparse_kv"]
    assert got.tobytes() == want.tobytes()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 258), min_size=64, max_size=64), st.integers(0, 2**16))
def test_softmax_pool_head_tiles_agree_on_any_positions(starts: list[int], seed: int) -> None:
    """65967b57: whatever the gates and window positions, the [1,64]-chunk and [1,512]
    forms give the same bits, and both match the numpy reference."""
    mod = _inputs_module(CALIB / "65967b57" / "inputs.py")
    inputs = mod.make_inputs(seed, start_pos=starts)
    outs = [
        compile_module(_module("65967b57", v)).run(inputs, record=False).outputs["pooled"]
        for v in ("head_tile_64", "head_tile_512")
    ]
    assert outs[0].tobytes() == outs[1].tobytes()
    want = _ref_65967b57(inputs)["pooled"]
    np.testing.assert_allclose(_f64(outs[0]), want, rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------- per-task work
#
# The per-task totals the public descriptions derive from the code (loads, stores, scalar
# reads, vector ops, matmuls), counted in the execution record: the kernels do the work
# the measurements were taken on. Tile slices (`tensor.extract_slice`, recorded as vector
# copies) are not vector ops of the description and are left out of `vector`. Where a
# kernel header documents a deviation, the number here is the kernel's (comment).
# Key: (case, variant, scope, task id or None for the sum over the scope's tasks).

TASK_TOTALS: dict[tuple[str, str, str, int | None], dict[str, int]] = {
    ("d7c51bae", "pool_group_1", "softmax_pool_0", 0): {"load": 16, "store": 1, "vector": 73},
    ("d7c51bae", "pool_group_4", "softmax_pool_0", 0): {"load": 64, "store": 4, "vector": 292},
    # tasks 4 / 2 / 0: full-window, current-window-only and skipped (start 6, 2, 0)
    ("65967b57", "head_tile_64", "softmax_pool", 4): {"read": 58, "load": 128, "store": 8, "vector": 584},
    ("65967b57", "head_tile_64", "softmax_pool", 2): {"read": 26, "load": 64, "store": 8, "vector": 264},
    ("65967b57", "head_tile_64", "softmax_pool", 0): {"read": 1},
    ("65967b57", "head_tile_512", "softmax_pool", 4): {"read": 9, "load": 16, "store": 1, "vector": 73},
    ("65967b57", "head_tile_512", "softmax_pool", 2): {"read": 5, "load": 8, "store": 1, "vector": 33},
    ("65967b57", "head_tile_512", "softmax_pool", 0): {"read": 1},
    ("seed", "pool_group_1", "softmax_pool", 4): {"read": 58, "load": 128, "store": 8, "vector": 584},
    ("1597f5c8", "single_core", "combine_scatter", 0): {"vector": 128, "store": 128 + 768, "read": 16 + 768, "load": 768},
    ("1597f5c8", "spmd_experts", "combine_scatter", None): {"vector": 128, "store": 128 + 768, "read": 16 + 768, "load": 768},
    ("5f7caa2d", "token_tile", "prefill_hca_overlay_gather_kv", 0): {"vector": 1, "read": 4 + 1536, "store": 1536, "load": 10},
    ("5f7caa2d", "token_tile", "prefill_hca_overlay_gather_kv", 31): {"vector": 1, "read": 4 + 1536, "store": 1536, "load": 16 * 31 + 10},
    ("5f7caa2d", "token_block", "prefill_hca_overlay_gather_kv", 0): {"vector": 1, "read": 4 + 512, "store": 512, "load": 10},
    ("5f7caa2d", "token_block", "prefill_hca_overlay_gather_kv", 1): {"vector": 1, "read": 4 + 512, "store": 512},
    # sparse block 2 reads indices only below the top-k (the public code; see the header)
    ("5f7caa2d", "token_block", "prefill_hca_overlay_gather_kv", 2): {"vector": 1, "read": 4 + 256, "store": 512},
    ("d78b86bd", "pl_at", "dcr_xgamma_3", 0): {"load": 3, "store": 2, "vector": 3},
    ("d78b86bd", "pl_spmd", "dcr_xgamma", 3): {"load": 3, "store": 2, "vector": 3},
    ("b9d21016", "upstream", "merge_norm", 0): {"load": 64, "store": 68, "vector": 204},
    ("b9d21016", "upstream", "rope", 0): {"load": 24, "store": 8, "vector": 53},
    ("b9d21016", "fused", "merge_norm", 0): {"load": 18, "store": 32, "vector": 69},
    ("6b8a92de", "k_tile_128", "proj_a", 0): {"load": 64, "matmul": 32, "handoff": 1, "store": 8, "vector": 12},
    ("6b8a92de", "k_tile_256", "proj_a", 0): {"load": 32, "matmul": 16, "handoff": 1, "store": 8, "vector": 12},
    ("6b8a92de", "k_tile_512", "proj_a", 0): {"load": 16, "matmul": 8, "handoff": 1, "store": 8, "vector": 12},
    # + 1 vector: the zero tile the carried accumulator starts as (never read; see headers)
    # the one store of 795715d7 and fec57dde is an atomic add (test_atomic_adds_as_described)
    ("795715d7", "n_tile_128", "qr_proj_matmul", 0): {"load": 16, "matmul": 8, "store": 1, "vector": 1},
    ("795715d7", "n_tile_256", "qr_proj_matmul", 0): {"load": 16, "matmul": 8, "store": 1, "vector": 1},
    ("c6b77b8c", "unsplit", "weights_proj", 0): {"load": 16, "matmul": 8, "handoff": 1, "vector": 1 + 1, "store": 1},
    ("c6b77b8c", "n_split", "weights_proj", 0): {"load": 16, "matmul": 8, "handoff": 1, "vector": 1 + 1, "store": 1},
    ("c6b77b8c", "k_split", "weights_proj", 0): {"load": 4, "matmul": 2, "store": 1, "vector": 1},
    ("c6b77b8c", "k_split", "weights_proj_reduce", 0): {"load": 4, "vector": 4, "store": 1},
    ("1dd087a6", "range", "score_mat", 0): {"read": 17, "load": 17, "matmul": 16, "store": 16},
    ("1dd087a6", "pipeline_2", "score_mat", 0): {"read": 17, "load": 17, "matmul": 16, "store": 16},
    ("1dd087a6", "pipeline_3", "score_mat", 0): {"read": 17, "load": 17, "matmul": 16, "store": 16},
    # one more vector op than described: the ones fill of the recip (see the headers)
    ("b8b84496", "one_task", "ffn_norm", 0): {"load": 32, "store": 19, "vector": 171},
    ("b8b84496", "per_token", "ffn_norm", 0): {"load": 8, "store": 7, "vector": 51},
    ("fec57dde", "linear_ok_4", "hc_pre_linear", 0): {"load": 32, "matmul": 16, "store": 1, "vector": 1},
    ("fec57dde", "linear_ok_8", "hc_pre_linear", 0): {"load": 16, "matmul": 8, "store": 1, "vector": 1},
    # holdout cases (examples/holdout): the totals their headers derive from the public code
    ("8170f0af", "per_token_block", "prefill_c4_state_update", 0): {"read": 2, "load": 4, "vector": 4, "store": 2},
    ("8170f0af", "per_token", "prefill_c4_state_update", 0): {"read": 2, "load": 97, "vector": 97, "store": 64},
    # + 1 vector op each: the ones fill of the reciprocal (see the headers)
    ("e4ce7a8a", "quant_tile_256", "exp_h_q_0", 0): {"load": 16, "store": 9, "vector": 69},
    ("e4ce7a8a", "quant_tile_512", "exp_h_q_0", 0): {"load": 8, "store": 5, "vector": 37},
    # task 16 / 8: the first task of batch 2, which compresses; task 0 (batch 0) only reads
    # its start position; the gather's 256 row inserts count as vector events
    ("16b5b542", "row_gather_transpose", "softmax_pool", 16): {"read": 257, "load": 256, "vector": 267, "store": 1},
    ("16b5b542", "row_gather_transpose", "softmax_pool", 0): {"read": 1},
    ("16b5b542", "block_col_reduce", "softmax_pool", 8): {"read": 17, "load": 32, "vector": 42, "store": 1},
    ("16b5b542", "block_col_reduce", "softmax_pool", 0): {"read": 1},
    ("786e0ccc", "sort_scan", "lm_head_greedy_sample", 0): {"load": 506, "store": 1, "sort": 1518, "vector": 510},
    ("786e0ccc", "max_scan", "lm_head_greedy_sample", 0): {"load": 20, "store": 1, "vector": 157},
    # task 3: the last quarter, whose second run crosses a KV block and falls back to rows
    ("ff00f81e", "per_row", "swa_gather_kv", 0): {"read": 32, "load": 32, "store": 32},
    ("ff00f81e", "bulk_runs", "swa_gather_kv", 0): {"read": 4, "load": 2, "store": 2},
    ("ff00f81e", "bulk_runs", "swa_gather_kv", 3): {"read": 20, "load": 17, "store": 17},
    # the vector counts include the row inserts (tensor.insert_slice) and zero fills the
    # headers list
    ("1436179c", "online_flash", "prefill_hca_c128_softmax_pool", 0): {"read": 385, "load": 640, "vector": 2814, "store": 1},
    ("1436179c", "vectorized", "prefill_hca_c128_softmax_pool", 0): {"read": 130, "load": 256, "vector": 781, "store": 1},
    ("f06f5f04", "per_head_loop", "rope_kv_cache_0", 0): {"load": 156, "store": 152, "vector": 584},
    # + 16 vector: the two column extracts per kv head (not counted here: extract_slice)
    ("f06f5f04", "vectorized", "rope_kv_cache_0", 0): {"load": 36, "store": 48, "vector": 152},
    # + 1 vector: the zero tile the carried accumulator starts as (never read)
    ("825a7858", "k_tile_256", "qproj_matmul", 0): {"load": 64, "matmul": 32, "store": 8, "vector": 1},
    ("825a7858", "k_tile_512", "qproj_matmul", 0): {"load": 32, "matmul": 16, "store": 8, "vector": 1},
    ("01496c81", "vector_dot", "gate_dot", 0): {"load": 1024, "store": 2, "read": 16, "write": 4096, "vector": 2259},
    ("01496c81", "cube_matmul", "gate_dot", 0): {"load": 16, "matmul": 8, "store": 1, "vector": 1},
    ("01496c81", "cube_matmul", "gate_score_post", 0): {"load": 2, "store": 4, "vector": 15},
    # both sides of the mixed tasks; the vector counts include the fills and mask / pad
    # events the headers list
    ("b9d8495a", "five_scopes", "linear", 0): {"load": 256, "matmul": 128, "handoff": 129, "vector": 518, "store": 1},
    ("b9d8495a", "five_scopes", "split_pre_post", 0): {"load": 6, "vector": 20, "store": 3},
    ("b9d8495a", "five_scopes", "write_post", 0): {"load": 1, "store": 1},
    ("b9d8495a", "five_scopes", "comb_sinkhorn", 0): {"load": 4, "vector": 424, "store": 4},
    ("b9d8495a", "five_scopes", "mix_x", 0): {"load": 33, "vector": 98, "store": 8},
    ("b9d8495a", "fused", "hc_pre_1spmd", 0): {"load": 332, "matmul": 128, "handoff": 129, "vector": 1169, "store": 22},
    ("9ec1a5c1", "per_group", "hc_pre_1spmd", 0): {"load": 332, "matmul": 128, "handoff": 129, "vector": 1169, "store": 22},
    # the concats' inserts count as vector events (the headers list them)
    ("9ec1a5c1", "group_stack", "hc_pre_1spmd", 0): {"load": 300, "matmul": 128, "handoff": 129, "vector": 955, "store": 14},
    # the vector counts include the fills the headers list (recip's ones, transposes'
    # result tiles, the accumulators' zero tiles)
    ("3f67f0d4", "five_scopes", "hc_head_rms", 0): {"load": 32, "vector": 100, "store": 1},
    ("3f67f0d4", "five_scopes", "hc_head_linear", 0): {"load": 16, "matmul": 8, "vector": 1, "store": 1},
    ("3f67f0d4", "five_scopes", "hc_head_pre_fused", 0): {"read": 1, "load": 3, "vector": 12, "store": 1},
    ("3f67f0d4", "five_scopes", "hc_head_reduce", 0): {"load": 36, "vector": 64, "store": 8},
    ("3f67f0d4", "fanned_out", "hc_head_rms", 0): {"load": 2, "vector": 7, "store": 1},
    ("3f67f0d4", "fanned_out", "hc_head_linear", 0): {"load": 8, "matmul": 4, "vector": 1, "store": 1},
    ("3f67f0d4", "fanned_out", "hc_head_reduce", 0): {"read": 1, "load": 7, "vector": 26, "store": 1},
}
COUNTED = ("load", "store", "read", "write", "vector", "matmul", "handoff", "sort")


@pytest.mark.parametrize(("case", "name", "scope", "task"), list(TASK_TOTALS))
def test_per_task_work_as_described(case: str, name: str, scope: str, task: int | None) -> None:
    record = _run(case, name)[1]
    scopes = [sc for sc in record.scopes if sc.name == scope]
    assert len(scopes) == 1, f"scope {scope} ran {len(scopes)} times"
    tasks = scopes[0].tasks if task is None else [t for t in scopes[0].tasks if t.task_id == task]
    assert tasks, f"no task {task}"
    got = {k: 0 for k in COUNTED}
    for t in tasks:
        for e in t.events:
            if e.kind in got and e.op != "tensor.extract_slice":
                got[e.kind] += 1
    want = {k: TASK_TOTALS[case, name, scope, task].get(k, 0) for k in COUNTED}
    assert got == want


@pytest.mark.parametrize(
    ("case", "name", "adds"),
    [("795715d7", "n_tile_128", 16), ("795715d7", "n_tile_256", 8),
     ("fec57dde", "linear_ok_4", 4), ("fec57dde", "linear_ok_8", 8)],
)  # fmt: skip
def test_atomic_adds_as_described(case: str, name: str, adds: int) -> None:
    """Every task of the split-K cases ends in one atomic-add store of its partial."""
    record = _run(case, name)[1]
    stores = [e for sc in record.scopes for t in sc.tasks for e in t.events if e.kind == "store"]
    assert len(stores) == adds and all(e.atomic for e in stores)


def test_every_variant_has_per_task_totals() -> None:
    covered = {(c, v) for c, v, _, _ in TASK_TOTALS}
    missing = sorted(set(VARIANTS) - covered - {("seed", "pool_group_2"), ("seed", "pool_group_4")})
    assert not missing, f"no per-task totals for {missing}"
