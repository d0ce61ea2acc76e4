"""Tests of the carried-value analysis (`ptoc.passes.carried_analysis`) and of
`pto-check-carried`, on parsed modules."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.dialects import scf
from xdsl.dialects.builtin import ModuleOp

import ptoc
from ptoc.diagnostics import PtoDiagnostic
from ptoc.dialects.pto import RangeOp
from ptoc.passes.carried_analysis import (
    FORWARD,
    LEAK,
    REDUCTION,
    RESET,
    CarryInfo,
    batch_index,
    classify_range,
    intended_carries,
    static_trip_count,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "softmax_pool.mlir"
GROUPED_RANGE = ROOT / "examples" / "softmax_pool_grouped_range.mlir"
GROUPED_UNROLL = (
    ROOT
    / "test"
    / "lit"
    / "passes"
    / "check-carried"
    / "Inputs"
    / "softmax_pool_grouped_unroll.mlir"
)


def parse_file(path: Path) -> ModuleOp:
    return ptoc.parse(path.read_text(), str(path))


def ranges(module: ModuleOp) -> list[RangeOp]:
    return [op for op in module.walk() if isinstance(op, RangeOp)]


def by_index_name(module: ModuleOp) -> dict[str, list[CarryInfo]]:
    """Classification of every range, keyed by its induction variable's name (first wins)."""
    out: dict[str, list[CarryInfo]] = {}
    for r in ranges(module):
        out.setdefault(r.index.name_hint or "?", classify_range(r))
    return out


def kinds(infos: list[CarryInfo]) -> dict[str, str]:
    return {i.name: i.kind for i in infos}


# --------------------------------------------------------------------------- the seed


def test_seed_window_loops_are_reductions() -> None:
    m = parse_file(SEED)
    rs = ranges(m)
    assert [r.index.name_hint for r in rs] == ["hb", "s", "s"]
    assert classify_range(rs[0]) == []
    for r in rs[1:]:
        infos = classify_range(r)
        assert kinds(infos) == {"mi": REDUCTION, "li": REDUCTION, "oi": REDUCTION}
        assert all(i.legal and i.crosses_iterations and not i.invariant for i in infos)
        assert batch_index(r) is None
    assert [static_trip_count(r) for r in rs] == [8, 4, 3]


def test_seed_unchanged_by_check_and_fix() -> None:
    text = SEED.read_text()
    ref = str(ptoc.parse(text))
    for pipeline in ("pto-check-carried", "pto-privatize-carries"):
        m = ptoc.parse(text)
        ptoc.run_pipeline(m, pipeline)
        assert str(m) == ref


def test_grouped_unroll_is_clean() -> None:
    m = parse_file(GROUPED_UNROLL)
    ref = str(m)
    ptoc.run_pipeline(m, "pto-check-carried")
    assert str(m) == ref


# --------------------------------------------------------------------------- the hazard


def test_grouped_range_leaks_mi_li_oi_under_the_gate() -> None:
    m = parse_file(GROUPED_RANGE)
    batch_loop = ranges(m)[0]
    assert batch_loop.index.name_hint == "j"
    b = batch_index(batch_loop)
    assert b is not None and b.name_hint == "b"
    infos = classify_range(batch_loop)
    assert kinds(infos) == {"mi": LEAK, "li": LEAK, "oi": LEAK}
    for i in infos:
        assert isinstance(i.gate, scf.IfOp)
        assert i.gate.cond.name_hint == "gate"
        assert i.passed_unchanged
        assert [(d.op, d.taken) for d in i.kept_path] == [(i.gate, False)]
        assert [(d.op, d.taken) for d in i.fresh_path] == [(i.gate, True)]
        assert i.path == (
            f"when %gate is false, %{i.name} is passed through unchanged; "
            "when true, it is recomputed from scratch"
        )
        # no store reads the passed-through state in this kernel (its outputs equal the
        # per-batch kernel's, see the numerics test): the hazard is the carry itself
        assert not i.live_out and not i.observed
    # the head-tile loop merely re-carries them: resets whose results are used
    hb = by_index_name(m)["hb"]
    assert [(i.name, i.kind, i.live_out) for i in hb] == [
        ("mi_h", RESET, True),
        ("li_h", RESET, True),
        ("oi_h", RESET, True),
    ]


def test_grouped_range_check_reports_all_three_in_one_error() -> None:
    m = parse_file(GROUPED_RANGE)
    with pytest.raises(PtoDiagnostic) as e:
        ptoc.run_pipeline(m, "pto-check-carried")
    msg = str(e.value)
    assert "softmax_pool_grouped_range.mlir:37:5: error: 'pto.range' op pto.range %j is a batch loop" in msg
    assert "leaks %mi, %li and %oi from one batch into the next" in msg
    assert "softmax_pool_grouped_range.mlir:46:7 on %gate" in msg
    assert "{pto.intended_carry = [0, 1, 2]}" in msg


def test_grouped_range_fix_privatizes_and_then_passes() -> None:
    m = parse_file(GROUPED_RANGE)
    ptoc.run_pipeline(m, "pto-privatize-carries")
    rs = ranges(m)
    assert [len(r.iter_args) for r in rs] == [0, 0, 3, 3]  # batch, hb, window loops
    assert all(i.kind == REDUCTION for r in rs for i in classify_range(r))
    ptoc.run_pipeline(m, "pto-check-carried")  # no error


def test_coarsen_inner_range_is_recognized_as_batch_loop() -> None:
    m = ptoc.parse(SEED.read_text())
    ptoc.run_pipeline(m, "pto-spmd-coarsen{factor=2 inner=range}")
    batch_loop = ranges(m)[0]
    b = batch_index(batch_loop)
    assert b is not None
    assert [r for r in ranges(m)[1:] if batch_index(r) is not None] == []
    ptoc.run_pipeline(m, "pto-check-carried")


# --------------------------------------------------------------------------- numerics


def softmax_pool_reference(
    state: np.ndarray, block_table: np.ndarray, start_pos: np.ndarray, pooled: np.ndarray
) -> np.ndarray:
    """The seed's softmax_pool in plain numpy (from the seed-kernel description)."""
    out = pooled.copy()

    def update(
        mi: np.ndarray, li: np.ndarray, oi: np.ndarray, sc: np.ndarray, kv: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m2 = np.maximum(mi, sc)
        a = np.exp(mi - m2)
        e = np.exp(sc - m2)
        return m2, a * li + e, oi * a + kv * e

    for b in range(out.shape[0]):
        start = int(start_pos[b])
        pos = start % 4
        cur = start - pos
        prev = cur - 4
        if pos + 2 < 4:
            continue

        def row(p: int, b: int = b) -> int:
            return int(block_table[b, p // 4]) * 4 + p % 4

        last = row(cur + 3)
        for hb in range(8):
            h0 = hb * 64
            mi = state[last, 1536 + h0 : 1600 + h0]
            li = np.ones_like(mi)
            oi = state[last, 512 + h0 : 576 + h0]
            for s in range(4):
                p = prev + s
                if p >= 0:
                    r = row(p)
                    mi, li, oi = update(
                        mi, li, oi, state[r, 1024 + h0 : 1088 + h0], state[r, h0 : h0 + 64]
                    )
            for s in range(3):
                r = row(cur + s)
                mi, li, oi = update(
                    mi, li, oi, state[r, 1536 + h0 : 1600 + h0], state[r, 512 + h0 : 576 + h0]
                )
            out[b, h0 : h0 + 64] = oi / li
    return out


def pool_inputs(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "state": rng.standard_normal((64, 2048), dtype=np.float32),
        "block_table": rng.integers(0, 16, (64, 65)).astype(np.int32),
        "start_pos": rng.integers(0, 200, (64,)).astype(np.int32),
        "pooled": rng.standard_normal((64, 512), dtype=np.float32),
    }


def test_fixed_grouped_range_equals_per_batch_and_numpy() -> None:
    import ptoc.backend.interpreter as interp
    inputs = pool_inputs(7)
    assert len({int(s) % 4 >= 2 for s in inputs["start_pos"]}) == 2  # the gate is mixed
    want = softmax_pool_reference(**inputs)
    fixed = parse_file(GROUPED_RANGE)
    ptoc.run_pipeline(fixed, "pto-privatize-carries")
    for module in (parse_file(SEED), parse_file(GROUPED_RANGE), fixed, parse_file(GROUPED_UNROLL)):
        got = interp.compile_module(module).run(inputs).outputs["pooled"]
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


LEAK_KERNEL = """
func.func @leak(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<8x4xf32>) {
  pto.spmd %t = 0 to 1 name "one" {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    %c0_i32 = arith.constant 0 : i32
    %zero = arith.constant dense<0.000000e+00> : tensor<1x4xf32>
    %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> (tensor<1x4xf32>) {
      %f = pto.read %flags[%i] : memref<8xi32> -> i32
      %on = arith.cmpi ne, %f, %c0_i32 : i32
      %next = scf.if %on -> (tensor<1x4xf32>) {
        %v = pto.load %x[%i, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
        %e = math.exp %v : tensor<1x4xf32>
        scf.yield %e : tensor<1x4xf32>
      } else {
        scf.yield %m : tensor<1x4xf32>
      }
      pto.store %next, %y[%i, %c0] : tensor<1x4xf32>, memref<8x4xf32>
      pto.yield %next : tensor<1x4xf32>
    } {pto.batch}
  }
  func.return
}
"""


def test_leak_fix_semantics_is_per_iteration_restart() -> None:
    """Unfixed, a gate-false row stores the last gate-true row's value; fixed, it stores
    the initial value (every iteration starts from the loop's initial state)."""
    import ptoc.backend.interpreter as interp
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 4), dtype=np.float32)
    flags = np.array([0, 1, 0, 0, 1, 1, 0, 1], dtype=np.int32)
    inputs = {"x": x, "flags": flags, "y": np.full((8, 4), 7.0, np.float32)}
    leaky = np.zeros((8, 4), np.float32)
    private = np.zeros((8, 4), np.float32)
    carried = np.zeros((1, 4), np.float32)
    for i in range(8):
        if flags[i]:
            carried = np.exp(x[i : i + 1])
            private[i] = carried
        leaky[i] = carried
    m = ptoc.parse(LEAK_KERNEL)
    np.testing.assert_allclose(interp.compile_module(m).run(inputs).outputs["y"], leaky, rtol=1e-6)
    ptoc.run_pipeline(m, "pto-privatize-carries")
    assert all(len(r.iter_args) == 0 for r in ranges(m))
    np.testing.assert_allclose(
        interp.compile_module(m).run(inputs).outputs["y"], private, rtol=1e-6
    )


# --------------------------------------------------------------------------- attribute


def test_intended_carries_by_position_not_by_name() -> None:
    text = LEAK_KERNEL.replace("} {pto.batch}", "} {pto.batch, pto.intended_carry = [0]}")
    m = ptoc.parse(text)
    assert intended_carries(ranges(m)[0]) == {0}
    ptoc.run_pipeline(m, "pto-check-carried")
    m = ptoc.parse(text.replace("[0]", "array<i64: 0>"))
    assert intended_carries(ranges(m)[0]) == {0}
    m = ptoc.parse(text.replace("[0]", '["m"]'))
    with pytest.raises(PtoDiagnostic, match=r'names "m": name the iter_args by position .* \(%m is at position 0\)'):
        intended_carries(ranges(m)[0])
    m = ptoc.parse(text.replace("[0]", "[1]"))
    with pytest.raises(PtoDiagnostic, match="position 1 is out of range"):
        intended_carries(ranges(m)[0])


# --------------------------------------------------------------------------- random bodies


@dataclasses.dataclass(frozen=True)
class Pass:
    pass


@dataclasses.dataclass(frozen=True)
class Fresh:
    pass


@dataclasses.dataclass(frozen=True)
class Dep:
    inner: Expr


@dataclasses.dataclass(frozen=True)
class If:
    then: Expr
    other: Expr


@dataclasses.dataclass(frozen=True)
class Loop:
    """`pto.range %k = 0 to N iter_args(%t = inner)` yielding `body` with `%t` as the
    pass-through; N = 0 (a runtime bound that may be zero) or 2 (a constant)."""

    init: Expr
    body: Expr
    static: bool


Expr = Pass | Fresh | Dep | If | Loop


def statuses(e: Expr) -> set[str]:
    """Reference semantics, by explicit path enumeration: the status of the outgoing
    value on every path, P (the incoming value), D (computed from it), F (fresh)."""
    if isinstance(e, Pass):
        return {"P"}
    if isinstance(e, Fresh):
        return {"F"}
    if isinstance(e, Dep):
        return {"F" if s == "F" else "D" for s in statuses(e.inner)}
    if isinstance(e, If):
        return statuses(e.then) | statuses(e.other)
    # a loop: the result is the init (zero trips) or the body's value in the last
    # iteration, whose "Pass" leaves mean the previous iteration's value, i.e. after
    # unfolding, the init or an earlier body value.
    init = statuses(e.init)
    body = statuses(e.body)
    results: set[str] = set()
    prev = set(init)
    for _ in range(3):  # the fixed point is reached after two unfoldings
        cur: set[str] = set()
        for s in body:
            cur |= (
                prev
                if s == "P"
                else ({"F" if p == "F" else "D" for p in prev} if s == "D" else {"F"})
            )
        results |= cur
        prev = prev | cur
    return results | (set() if e.static else init)


exprs: st.SearchStrategy[Expr] = st.recursive(
    st.sampled_from([Pass(), Fresh()]),
    lambda sub: st.one_of(
        st.builds(Dep, sub),
        st.builds(If, sub, sub),
        st.builds(Loop, sub, sub, st.booleans()),
    ),
    max_leaves=8,
)

T = "tensor<1x4xf32>"


class Emitter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.n = 0

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"%{prefix}{self.n}"

    def emit(self, e: Expr, incoming: str, indent: str) -> str:
        if isinstance(e, Pass):
            return incoming
        if isinstance(e, Fresh):
            v = self.fresh("ld")
            self.lines.append(f"{indent}{v} = pto.load %x[%i, %c0] : memref<8x4xf32> -> {T}")
            return v
        if isinstance(e, Dep):
            a = self.emit(e.inner, incoming, indent)
            v = self.fresh("dep")
            self.lines.append(f"{indent}{v} = math.exp {a} : {T}")
            return v
        if isinstance(e, If):
            g = self.fresh("g")
            r = self.fresh("if")
            self.lines.append(f"{indent}{g}_r = pto.read %flags[%i] : memref<8xi32> -> i32")
            self.lines.append(f"{indent}{g} = arith.cmpi ne, {g}_r, %c0_i32 : i32")
            self.lines.append(f"{indent}{r} = scf.if {g} -> ({T}) {{")
            a = self.emit(e.then, incoming, indent + "  ")
            self.lines.append(f"{indent}  scf.yield {a} : {T}")
            self.lines.append(f"{indent}}} else {{")
            b = self.emit(e.other, incoming, indent + "  ")
            self.lines.append(f"{indent}  scf.yield {b} : {T}")
            self.lines.append(f"{indent}}}")
            return r
        init = self.emit(e.init, incoming, indent)
        t = self.fresh("t")
        r = self.fresh("loop")
        k = self.fresh("k")
        ub = "%c2" if e.static else "%n"
        self.lines.append(
            f"{indent}{r} = pto.range {k} = %c0 to {ub} step %c1 iter_args({t} = {init}) -> ({T}) {{"
        )
        y = self.emit(e.body, t, indent + "  ")
        self.lines.append(f"{indent}  pto.yield {y} : {T}")
        self.lines.append(f"{indent}}}")
        return r


def kernel_of(e: Expr) -> str:
    em = Emitter()
    out = em.emit(e, "%m", "    ")
    body = "\n".join(em.lines)
    return f"""
func.func @k(%x: memref<8x4xf32>, %flags: memref<8xi32>, %y: memref<1x4xf32>, %n: index) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant dense<0.000000e+00> : {T}
  %r = pto.range %i = %c0 to %c8 step %c1 iter_args(%m = %zero) -> ({T}) {{
{body}
    pto.yield {out} : {T}
  }}
  pto.store %r, %y[%c0, %c0] : {T}, memref<1x4xf32>
  func.return
}}
"""


@settings(max_examples=60, deadline=None)
@given(exprs)
def test_classification_matches_path_enumeration(e: Expr) -> None:
    m = ptoc.parse(kernel_of(e))
    [info] = classify_range(ranges(m)[0])
    s = statuses(e)
    if "F" not in s:
        assert info.kind == REDUCTION
        assert info.invariant == (s == {"P"})
    elif s == {"F"}:
        assert info.kind in (RESET, FORWARD)
        assert info.kind == RESET  # nothing in these bodies reads %m but the carry itself
    else:
        assert info.kind == LEAK
        assert info.passed_unchanged == ("P" in s)
        assert info.gate is not None
