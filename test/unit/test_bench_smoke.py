"""Smoke test of bench/passes_vs_peers.py: a tiny --quick run with the in-process peers only.

No timing is asserted: only that the bench runs, checks equal work, and prints ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    path = ROOT / "bench" / "passes_vs_peers.py"
    spec = importlib.util.spec_from_file_location("_bench_passes_vs_peers", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_quick_in_process_prints_ratios(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json = tmp_path / "bench.json"
    argv = ["--quick", "--in-process-only", "--repeat", "1", "--grouping-sizes", "1",
            "--expansion-sizes", "2", "--expansion-scopes", "1", "--json", str(out_json)]  # fmt: skip
    assert bench.main(argv) == 0
    text = capsys.readouterr().out
    assert "ptoc/peer" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "ptoc/peer" not in line]
    cases = {line.split("|")[1].strip() for line in rows}
    assert cases == {"grouping", "expansion+cleanup", "expansion only"}
    for line in rows:
        ratio = line.rstrip(" |").rsplit("|", 1)[1].strip()
        assert re.fullmatch(r"\d+\.\d\d", ratio), line
        assert float(ratio) > 0
    assert "subprocess peers off" in text  # says why the e2e rows are missing

    data = json.loads(out_json.read_text())
    assert data["meta"]["repeat"] == 1
    assert len(data["rows"]) == 3
    for row in data["rows"]:
        assert row["ptoc"]["how"] == "in-process"
        assert len(row["ptoc"]["times_s"]) == 1
        (peer,) = row["peers"]
        assert math.isfinite(peer["ratio_median"]) and peer["ratio_median"] > 0
        assert row["ptoc"]["ops_after"] > 0 and peer["ops_after"] > 0


def test_equal_work_checks_reject_unequal_outputs(bench: ModuleType) -> None:
    """The checks that make the ratios fair do fail when the work differs."""
    import ptoc
    from ptoc.passes.spmd_coarsen import SpmdCoarsenPass

    pto_text, up_text = bench.grouping_inputs(2, tiles=True)
    ctx = ptoc.context()
    grouped = ptoc.parse(pto_text, ctx=ctx)
    SpmdCoarsenPass(factor=2).apply(ctx, grouped)
    bench.check_grouping(grouped, 2, ptoc_side=True)
    with pytest.raises(AssertionError):
        bench.check_grouping(grouped, 3, ptoc_side=True)  # a scope too many
    by4 = ptoc.parse(pto_text, ctx=ctx)
    SpmdCoarsenPass(factor=4).apply(ctx, by4)
    with pytest.raises(AssertionError):
        bench.check_grouping(by4, 2, ptoc_side=True)  # groups of 4, not 2
    untouched = bench.parse_upstream(up_text)
    with pytest.raises(AssertionError):
        bench.check_grouping(untouched, 2, ptoc_side=False)  # not tiled at all
    from xdsl.transforms.scf_parallel_loop_tiling import ScfParallelLoopTilingPass

    for size, ok in ((2, True), (4, False)):
        tiled = bench.parse_upstream(up_text)
        ScfParallelLoopTilingPass(parallel_loop_tile_sizes=(size,)).apply(ctx, tiled)
        if ok:
            bench.check_grouping(tiled, 2, ptoc_side=False)
        else:
            with pytest.raises(AssertionError, match="tile size"):
                bench.check_grouping(tiled, 2, ptoc_side=False)

    pto_text, _ = bench.expansion_inputs(2, scopes=1)
    not_expanded = ptoc.parse(pto_text, ctx=ctx)
    with pytest.raises(AssertionError, match="not expanded"):
        bench.check_expansion(not_expanded, 2, 1, cleaned=False)
    bench.expand_only(not_expanded)
    bench.check_expansion(not_expanded, 2, 1, cleaned=False)
    with pytest.raises(AssertionError, match="differ"):
        bench.check_expansion(not_expanded, 4, 1, cleaned=False)


def test_missing_mlir_opt_is_skipped_with_a_message(bench: ModuleType) -> None:
    args = argparse.Namespace(
        in_process_only=False, no_mlir_opt=False, mlir_opt="/nonexistent/mlir-opt"
    )
    tools = bench.find_tools(args)
    assert tools.mlir_opt is None
    assert "apt-get install mlir-19-tools" in tools.mlir_missing
