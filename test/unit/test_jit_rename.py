"""`@pl.jit`'s alpha-renaming (ptoc.frontend.jit_rename): the renamed body means what the
user's body means, on random programs; PyPTO's rules on the cases its specializer names;
and the renamed kernels translate and compute what numpy computes."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ptoc.backend.interpreter import compile_module
from ptoc.frontend import FrontendError, load_kernel
from ptoc.frontend.jit_rename import rename

NAMES = ["a", "b", "c", "p"]


def _renamed(src: str) -> tuple[str, dict[str, str]]:
    tree = ast.parse(textwrap.dedent(src))
    fdef = tree.body[0]
    assert isinstance(fdef, ast.FunctionDef)
    r = rename(fdef, "k.py", src, strict=True)
    tree.body[0] = r.fdef
    return ast.unparse(tree), r.original


def _run(src: str, *args: int) -> Any:
    env: dict[str, Any] = {"nullcontext": __import__("contextlib").nullcontext}
    exec(compile(src, "k.py", "exec"), env)
    return env["f"](*args)


# ------------------------------------------------------------- random programs


@st.composite
def _expr(draw: st.DrawFn) -> str:
    terms = draw(st.lists(st.sampled_from(NAMES + ["1", "2", "i"]), min_size=1, max_size=3))
    return "(" + " + ".join(terms) + ") % 97"


@st.composite
def _block(draw: st.DrawFn, depth: int) -> list[str]:
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["assign", "assign", "assign", "tuple", "for", "if",
                                     "with"] if depth < 3 else ["assign", "tuple"]))
        if kind == "assign":
            out.append(f"{draw(st.sampled_from(NAMES))} = {draw(_expr())}")
        elif kind == "tuple":
            x, y = draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES))
            if x == y:
                out.append(f"{x} = {draw(_expr())}")
            else:
                out.append(f"{x}, {y} = {draw(_expr())}, {draw(_expr())}")
        elif kind == "for":
            out.append(f"for i in range({draw(st.integers(0, 2))}):")
            out += ["    " + s for s in draw(_block(depth + 1))]
        elif kind == "with":
            out.append("with nullcontext():")
            out += ["    " + s for s in draw(_block(depth + 1))]
        else:
            out.append(f"if {draw(_expr())} > 40:")
            out += ["    " + s for s in draw(_block(depth + 1))]
            if draw(st.booleans()):
                out.append("else:")
                out += ["    " + s for s in draw(_block(depth + 1))]
    return out


@st.composite
def programs(draw: st.DrawFn) -> str:
    body = ["i = 0"] + draw(_block(0)) + ["return (" + ", ".join(NAMES) + ")"]
    return "def f(p):\n" + "\n".join("    " + s for s in body) + "\n"


POISON = '''def f(p):
    i = 0
    for i in range(2):
        if p > 40:
            a = p + 1
            a = a + 1
        else:
            a = p
        b = a
    c = 0
    return (a, b, c, p)
'''


@settings(max_examples=300, deadline=None)
@given(src=programs(), p=st.integers(0, 96))
@example(src=POISON, p=50)
def test_renaming_keeps_the_meaning(src: str, p: int) -> None:
    """Where the renamer accepts a body and the renamed body defines every name it reads,
    it computes what the user's body computes (an undefined read corresponds to a name
    PyPTO's SSA rules make invisible: rejected when translated)."""
    try:
        want = _run(src, p)
    except NameError:
        return  # the user's program reads a name it never bound on this path
    try:
        renamed, _ = _renamed(src)
    except FrontendError:
        return  # rejected: PyPTO's renaming would read another value
    try:
        got = _run(renamed, p)
    except NameError:
        return
    assert got == want, renamed


# ------------------------------------------------------------- PyPTO's rules


def test_same_depth_rebinding_is_renamed_deeper_is_not() -> None:
    out, original = _renamed("""
        def f(x):
            x = g(x)
            t = h(x)
            t = h(t)
            for i in r():
                t = h(t)
            return t
    """)
    assert "x_v1 = g(x)" in out
    assert "t_v1 = h(t)" in out
    assert "t_v1 = h(t_v1)" in out  # the loop-carried update keeps the current name
    assert "return t_v1" in out
    assert original == {"x_v1": "x", "t_v1": "t"}


def test_alias_skips_names_the_user_has() -> None:
    out, _ = _renamed("""
        def f(x):
            t_v1 = 1
            t = h(x)
            t = h(t)
            return t
    """)
    assert "t_v2 = h(t)" in out


def test_sibling_loop_reading_first_is_bridged() -> None:
    out, _ = _renamed("""
        def f(x):
            for i in r():
                t = h(x)
            for j in r():
                t = h(t)
            return t
    """)
    assert "t_v1 = t\n    for j in r():\n        t_v1 = h(t_v1)" in out
    assert "return t_v1" in out


def test_sibling_loop_writing_first_is_a_new_local() -> None:
    out, _ = _renamed("""
        def f(x):
            for i in r():
                t = h(x)
            for j in r():
                t = h(x)
                t = h(t)
            return t
    """)
    assert "_v1 = t\n" not in out  # no bridge
    assert "for j in r():\n        t = h(x)\n        t_v1 = h(t)" in out


def test_else_branch_binds_the_then_branch_names_afresh() -> None:
    out, _ = _renamed("""
        def f(x):
            if c():
                t = h(x)
            else:
                t = g(x)
            return t
    """)
    assert "_v1" not in out


@pytest.mark.parametrize("body, what", [
    ("t = h(x)\nt = h(t)\nfor t in r():\n    g(t)", "the loop variable 't'"),
    ("t = h(x)\nt = h(t)\na, t = g(x)", "the tuple-assignment target 't'"),
    ("t = h(x)\nt = h(t)\nfor i in r():\n    t: int = h(t)", "the annotated rebinding of 't'"),
    ("if c():\n    t = h(x)\n    t = h(t)\nelse:\n    t = g(x)\nreturn t", "'t' is read after an if"),
])
def test_where_pypto_would_read_another_value_it_is_rejected(body: str, what: str) -> None:
    src = "def f(x):\n" + textwrap.indent(body, "    ") + "\n"
    with pytest.raises(FrontendError, match=what):
        _renamed(src)


# ------------------------------------------------------------- translated kernels

HEADER = "import pypto.language as pl\n\n"


def _kernel(tmp_path: Path, body: str) -> Any:
    p = tmp_path / "k.py"
    p.write_text(HEADER + textwrap.dedent("""
        @pl.jit
        def k(x: pl.Tensor[[16, 64], pl.FP32], y: pl.Out[pl.Tensor[[1, 16], pl.FP32]],
              z: pl.Out[pl.Tensor[[16, 64], pl.FP32]]):
    """) + textwrap.indent(textwrap.dedent(body), "    "))
    return load_kernel(str(p))


def _inputs() -> dict[str, np.ndarray]:
    x = np.random.default_rng(7).standard_normal((16, 64)).astype(np.float32)
    return {"x": x, "y": np.zeros((1, 16), np.float32), "z": np.zeros((16, 64), np.float32)}


def test_a_same_depth_rebinding_may_change_the_type(tmp_path: Path) -> None:
    m = _kernel(tmp_path, """
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            sq = pl.row_sum(pl.mul(x[0:16, 0:64], x[0:16, 0:64]))
            sq = pl.reshape(sq, [1, 16])
            y[0:1, 0:16] = sq
            z[0:16, 0:64] = x[0:16, 0:64]
    """)
    ins = _inputs()
    out = compile_module(m).run(ins).outputs
    x = ins["x"]
    want = np.zeros((16, 1), np.float32)
    for c in range(64):  # the interpreter's row_sum order: left to right
        want[:, 0] += x[:, c] * x[:, c]
    np.testing.assert_allclose(out["y"], want.reshape(1, 16), rtol=1e-5)


def test_a_bridged_sibling_loop_carries_the_last_value(tmp_path: Path) -> None:
    m = _kernel(tmp_path, """
        with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
            for i in pl.range(2):
                t = x[0:16, 0:64]
                t = pl.mul(t, 2.0)
            for j in pl.range(3):
                t = pl.add(t, 1.0)
            z[0:16, 0:64] = t
            y[0:1, 0:16] = x[0:1, 0:16]
    """)
    ins = _inputs()
    out = compile_module(m).run(ins).outputs
    assert out["z"].tobytes() == (ins["x"] * np.float32(2) + np.float32(1) + np.float32(1)
                                  + np.float32(1)).tobytes()


def test_a_deeper_rebinding_with_another_type_is_an_error_naming_the_user_name(
        tmp_path: Path) -> None:
    with pytest.raises(FrontendError, match=r"cannot reassign 'sq' with a different type"):
        _kernel(tmp_path, """
            with pl.at(level=pl.Level.CORE_GROUP, name_hint="s"):
                sq = pl.row_sum(x[0:16, 0:64])
                sq = pl.reshape(sq, [1, 16])
                for i in pl.range(2):
                    sq = pl.row_sum(x[0:16, 0:64])
                y[0:1, 0:16] = sq
        """)
