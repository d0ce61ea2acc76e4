"""Properties of pto-spmd-coarsen + pto-unroll-expand on random small kernels.

A random kernel is one `pto.spmd` of N tasks (1..24); task %t loads tiles from row %t
of an input, runs a few arith/math ops on tensor<1x8xf32>, maybe a branch on the task's
parity, a `pto.range` reduction, a nested `pto.unroll` with iter_args, a tile made from
the task id, and stores into row %t of the output. For a random factor G (1..N):

* the pipeline always gives IR that verifies, re-parses to the same text, has no
  `pto.unroll` left and ceil(N/G) tasks (no interpreter needed);
* N is a constant or, in half the cases, an `index` argument (`remainder=guard`);
* the interpreter gives bit-identical outputs before and after (compared as raw bytes),
  in forward and reverse task order.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import OpResult
from xdsl.printer import Printer

import ptoc
from ptoc.diagnostics import verify
from ptoc.dialects import pto

WIDTH = 32  # input row: four 8-wide column blocks
TILE = "tensor<1x8xf32>"
BINARY = ("arith.addf", "arith.subf", "arith.mulf", "arith.maximumf", "arith.minimumf")
UNARY = ("math.exp", "math.tanh", "math.absf", "arith.negf")


@dataclass(frozen=True)
class Kernel:
    n: int
    loads: tuple[int, ...]  # column blocks loaded from row %t
    steps: tuple[tuple[str, int, int], ...]  # (op, operand, operand) over earlier values
    task_tile: bool  # a tile filled with float(%t)
    parity: tuple[str, int, int] | None  # (unary op, then-operand, else-operand)
    reduce: tuple[int, str, int] | None  # (trip count, combine op, init operand)
    unroll: tuple[int, str, int] | None  # nested pto.unroll: (count, combine op, init)
    stores: tuple[int, ...]  # values stored to out[%t, 8 * i]
    dynamic: bool = False  # task count passed as an index argument %n (= n at run time)

    def text(self) -> str:
        n = self.n
        lines: list[str] = []
        emit = lines.append
        if self.dynamic:
            emit(f"func.func @k(%x: memref<{n}x{WIDTH}xf32>, %out: memref<{n}x16xf32>, %n: index) {{")
            emit('  pto.spmd %t = 0 to %n name "rand" core vector {')
        else:
            emit(f"func.func @k(%x: memref<{n}x{WIDTH}xf32>, %out: memref<{n}x16xf32>) {{")
            emit(f'  pto.spmd %t = 0 to {n} name "rand" core vector {{')
        for c in (0, 1, 2, 8):
            emit(f"    %c{c} = arith.constant {c} : index")
        values: list[str] = []

        def new(name: str) -> str:
            values.append(name)
            return name

        for i, col in enumerate(self.loads):
            emit(f"    %col{i} = arith.constant {8 * col} : index")
            v = new(f"%ld{i}")
            emit(f"    {v} = pto.load %x[%t, %col{i}] : memref<{n}x{WIDTH}xf32> -> {TILE}")
        if self.task_tile:
            emit("    %ti = arith.index_cast %t : index to i32")
            emit("    %tf = arith.sitofp %ti : i32 to f32")
            emit(f"    {new('%tt')} = tensor.splat %tf : {TILE}")
        for i, (op, a, b) in enumerate(self.steps):
            lhs, rhs = values[a % len(values)], values[b % len(values)]
            v = f"%s{i}"
            if op in UNARY:
                emit(f"    {v} = {op} {lhs} : {TILE}")
            else:
                emit(f"    {v} = {op} {lhs}, {rhs} : {TILE}")
            new(v)
        if self.parity is not None:
            op, a, b = self.parity
            then_v, else_v = values[a % len(values)], values[b % len(values)]
            emit("    %par = arith.remui %t, %c2 : index")
            emit("    %odd = arith.cmpi eq, %par, %c1 : index")
            emit(f"    %pv = scf.if %odd -> ({TILE}) {{")
            emit(f"      %pq = {op} {then_v} : {TILE}")
            emit(f"      scf.yield %pq : {TILE}")
            emit("    } else {")
            emit(f"      scf.yield {else_v} : {TILE}")
            emit("    }")
            new("%pv")
        if self.reduce is not None:
            trips, op, init = self.reduce
            emit(f"    %rk = arith.constant {trips} : index")
            emit(f"    %red = pto.range %k = %c0 to %rk step %c1 iter_args(%ra = {values[init % len(values)]}) -> ({TILE}) {{")
            emit("      %rcol = arith.muli %k, %c8 : index")
            emit(f"      %rw = pto.load %x[%t, %rcol] : memref<{n}x{WIDTH}xf32> -> {TILE}")
            emit(f"      %ra2 = {op} %ra, %rw : {TILE}")
            emit(f"      pto.yield %ra2 : {TILE}")
            emit("    }")
            new("%red")
        if self.unroll is not None:
            count, op, init = self.unroll
            emit(f"    %un = pto.unroll %q = 0 to {count} iter_args(%ua = {values[init % len(values)]}) -> ({TILE}) {{")
            emit("      %ucol = arith.muli %q, %c8 : index")
            emit(f"      %uw = pto.load %x[%t, %ucol] : memref<{n}x{WIDTH}xf32> -> {TILE}")
            emit(f"      %ua2 = {op} %ua, %uw : {TILE}")
            emit(f"      pto.yield %ua2 : {TILE}")
            emit("    }")
            new("%un")
        for i, which in enumerate(self.stores):
            col = "%c0" if i == 0 else "%c8"
            emit(f"    pto.store {values[which % len(values)]}, %out[%t, {col}] : {TILE}, memref<{n}x16xf32>")
        emit("  }")
        emit("  func.return")
        emit("}")
        return "\n".join(lines) + "\n"


@st.composite
def kernels(draw: st.DrawFn) -> Kernel:
    n = draw(st.integers(1, 24))
    loads = tuple(draw(st.lists(st.integers(0, 3), min_size=1, max_size=3)))
    step = st.tuples(st.sampled_from(BINARY + UNARY), st.integers(0, 50), st.integers(0, 50))
    steps = tuple(draw(st.lists(step, max_size=5)))
    parity = draw(st.none() | st.tuples(st.sampled_from(UNARY), st.integers(0, 50), st.integers(0, 50)))
    combine = st.sampled_from(("arith.addf", "arith.maximumf", "arith.mulf"))
    reduce = draw(st.none() | st.tuples(st.integers(1, 4), combine, st.integers(0, 50)))
    unroll = draw(st.none() | st.tuples(st.integers(1, 4), combine, st.integers(0, 50)))
    stores = tuple(draw(st.lists(st.integers(0, 50), min_size=1, max_size=2)))
    dynamic = draw(st.booleans())
    return Kernel(n, loads, steps, draw(st.booleans()), parity, reduce, unroll, stores, dynamic)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Kernel, str, int]:
    k = draw(kernels())
    g = draw(st.integers(1, k.n))
    inner = draw(st.sampled_from(("unroll", "range")))
    # guard is needed when G does not divide N (or N is dynamic); harmless otherwise
    needs_guard = k.n % g != 0 or (k.dynamic and g > 1)
    remainder = "guard" if needs_guard else draw(st.sampled_from(("error", "guard")))
    pipeline = (
        f"pto-spmd-coarsen{{factor={g} inner={inner} remainder={remainder}}},pto-unroll-expand"
    )
    return k, pipeline, g


def printed(module: ModuleOp) -> str:
    out = StringIO()
    Printer(stream=out).print_op(module)
    return out.getvalue()


def count(module: ModuleOp, kind: type) -> int:
    return sum(1 for o in module.walk() if isinstance(o, kind))


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(cases())
def test_pipeline_always_verifies(case: tuple[Kernel, str, int]) -> None:
    kernel, pipeline, g = case
    original = ptoc.parse(kernel.text(), "rand.mlir")
    stores = count(original, pto.StoreOp)
    module = ptoc.run_pipeline(ptoc.parse(kernel.text(), "rand.mlir"), pipeline)
    verify(module)
    text = printed(module)
    assert printed(ptoc.parse(text)) == text
    assert count(module, pto.UnrollOp) == 0
    spmds = [o for o in module.walk() if isinstance(o, pto.SpmdOp)]
    assert len(spmds) == 1
    if not kernel.dynamic:
        assert spmds[0].static_count == -(-kernel.n // g)
    elif g > 1:
        count_value = spmds[0].dyn_count
        assert isinstance(count_value, OpResult)
        assert count_value.op.name == "arith.floordivsi"
    assert spmds[0].scope_name == "rand"
    copies = g if "inner=unroll" in pipeline else 1
    assert count(module, pto.StoreOp) == copies * stores


@pytest.fixture(scope="module")
def interpreter():  # type: ignore[no-untyped-def]
    import ptoc.backend.interpreter as interp

    return interp


@SETTINGS
@given(case=cases(), seed=st.integers(0, 2**31 - 1))
def test_results_bit_identical(interpreter, case: tuple[Kernel, str, int], seed: int) -> None:  # type: ignore[no-untyped-def]
    kernel, pipeline, _ = case
    before = interpreter.compile_module(ptoc.parse(kernel.text(), "rand.mlir"))
    inputs = interpreter.random_inputs(before, seed)
    if kernel.dynamic:
        inputs["n"] = np.array(kernel.n, dtype=np.int64)
    want = before.run(inputs).outputs
    after = interpreter.compile_module(
        ptoc.run_pipeline(ptoc.parse(kernel.text(), "rand.mlir"), pipeline)
    )
    for order in ("forward", "reverse"):
        got = after.run(inputs, task_order=order).outputs
        assert want.keys() == got.keys()
        for name, w in want.items():
            assert w.dtype == got[name].dtype and w.shape == got[name].shape
            assert w.tobytes() == got[name].tobytes(), (name, order, pipeline, kernel.text())
    # every task wrote its row: the output is not left at its initial value
    out0 = inputs["out"]
    assert isinstance(out0, np.ndarray)
    assert not np.array_equal(want["out"][:, :8], out0[:, :8])
