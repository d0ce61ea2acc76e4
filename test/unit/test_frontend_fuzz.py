"""Properties of ptoc.frontend on mutated kernels: every input either imports to verified
IR or is rejected with one located FrontendError (never another exception)."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptoc.diagnostics import verify
from ptoc.frontend import FrontendError, load_kernel

BASE = '''import pypto.language as pl

N = 16


@pl.jit
def k(x: pl.Tensor[[64, 64], pl.FP32], n: pl.Tensor[[64], pl.INT32],
      y: pl.Out[pl.Tensor[[64, 64], pl.FP32]]):
    for t in pl.spmd(4, name_hint="s"):
        r0 = t * N
        acc = pl.full([N, 1], dtype=pl.FP32, value=0.0)
        v = pl.cast(pl.read(n, [t]), pl.INDEX)
        for j in pl.range(0, 64, 16):
            xt = x[r0:r0 + N, j:j + 16]
            acc = pl.add(acc, pl.row_sum(xt))
            if v > j:
                acc = pl.mul(acc, 2.0)
        for j in pl.unroll(2):
            xt = x[r0:r0 + N, j * 16:j * 16 + 16]
            y[r0:r0 + N, j * 16:j * 16 + 16] = pl.row_expand_mul(pl.exp(xt), acc)
'''

LINES = BASE.splitlines()
TOKENS = ["0", "1", "N", "acc", "xt", "t", "v", "j", "x", "y", "n", "pl.exp", "pl.range",
          "pl.unroll", "pl.FP32", "pl.INT32", "[", "]", ":", "(", ")", ",", "+", "*", "//",
          "==", "if", "for", "    ", "64", "-1", "1.5", "None", "'s'", "pl.row_sum"]


@st.composite
def mutants(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(6, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "token", "swap"]))
        if kind == "delete" and len(lines) > 8:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        else:
            words = lines[i].split(" ")
            w = draw(st.integers(0, len(words) - 1))
            words[w] = draw(st.sampled_from(TOKENS))
            lines[i] = " ".join(words)
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(src=mutants())
def test_mutated_kernels_import_or_fail_located(tmp_path: Path, src: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(src)
    try:
        module = load_kernel(str(path))
    except FrontendError as e:
        first = str(e).splitlines()[0]
        assert first.startswith(str(path)) and ": error: " in first
        assert "Traceback" not in str(e)
        return
    verify(module)


def test_base_kernel_imports(tmp_path: Path) -> None:
    path = tmp_path / "base.py"
    path.write_text(BASE)
    module = load_kernel(str(path))
    assert any(o.name == "pto.range" for o in module.walk())
    ast.parse(BASE)
