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

import os
import random
import time
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
from ptoc.passes.check_carried import CheckCarriedPass
from ptoc.passes.check_races import check_scope
from ptoc.passes.spmd_coarsen import SpmdCoarsenPass

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
    # the row of task %t computed through negative index values ((t - K) + K), and the
    # second store column through shli / divui / remui on negative constants
    neg_index: int | None = None
    branch_unroll: int | None = None  # a pto.unroll (holding another) inside the parity scf.if
    dead_if_unroll: bool = False  # a side-effect-free scf.if holding a pto.unroll
    reload: bool = False  # the first stored value is loaded back from memory and stored again
    # another store to out[r(t), 8]: ("same", 0): r = t; ("shift", s): r = (t + s) mod n;
    # ("half", 0): r = t floordiv 2 (the last two race when they map tasks together)
    extra: tuple[str, int] | None = None

    def extra_rows(self) -> list[int] | None:
        """r(t) of the extra store for every task, or None without one."""
        if self.extra is None:
            return None
        kind, shift = self.extra
        if kind == "same":
            return list(range(self.n))
        if kind == "shift":
            return [(t + shift) % self.n for t in range(self.n)]
        return [t // 2 for t in range(self.n)]

    def cells(self, t: int) -> set[tuple[int, int]]:
        """The (row, column block) cells of %out that task t writes."""
        blocks: set[int] = set()
        stores = list(self.stores)
        if self.reload:
            blocks |= {0, 1}
            stores = stores[1:]
        blocks |= {0 if i == 0 and not self.reload else 1 for i in range(len(stores))}
        out = {(t, b) for b in blocks}
        rows = self.extra_rows()
        if rows is not None:
            out.add((rows[t], 1))
        return out

    def races(self) -> bool:
        """Brute force: do two different tasks write a common element of %out?"""
        cells = [self.cells(t) for t in range(self.n)]
        return any(
            cells[a] & cells[b] for a in range(self.n) for b in range(a + 1, self.n)
        )

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
        row = "%t"
        col8 = "%c8"
        if self.neg_index is not None:
            emit(f"    %koff = arith.constant {self.neg_index} : index")
            emit("    %tneg = arith.subi %t, %koff : index")  # negative for t < K
            emit("    %row = arith.addi %tneg, %koff : index")
            emit("    %cm1 = arith.constant -1 : index")
            emit("    %cm8 = arith.constant -8 : index")
            emit("    %c3 = arith.constant 3 : index")
            emit("    %cmin = arith.constant -9223372036854775808 : index")
            emit("    %sh = arith.shli %cm1, %c3 : index")  # -8
            emit("    %qd = arith.divui %cm8, %cmin : index")  # (2^64 - 8) / 2^63 = 1
            emit("    %rm = arith.remui %cm1, %c8 : index")  # (2^64 - 1) mod 8 = 7
            emit("    %nsh = arith.subi %c0, %sh : index")  # 8
            emit("    %q8 = arith.muli %qd, %nsh : index")  # 8
            emit("    %rm1 = arith.addi %rm, %c1 : index")  # 8
            emit("    %col8 = arith.subi %q8, %rm1 : index")  # 0
            emit("    %col8b = arith.addi %col8, %nsh : index")  # 8
            row, col8 = "%row", "%col8b"
        if self.dead_if_unroll:
            emit("    %dpar = arith.remui %t, %c2 : index")
            emit("    %dodd = arith.cmpi eq, %dpar, %c0 : index")
            emit("    scf.if %dodd {")
            emit("      pto.unroll %dq = 0 to 2 {")
            emit("        %dd = arith.addi %t, %dq : index")
            emit("      }")
            emit("    }")
        values: list[str] = []

        def new(name: str) -> str:
            values.append(name)
            return name

        for i, col in enumerate(self.loads):
            emit(f"    %col{i} = arith.constant {8 * col} : index")
            v = new(f"%ld{i}")
            emit(f"    {v} = pto.load %x[{row}, %col{i}] : memref<{n}x{WIDTH}xf32> -> {TILE}")
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
            if self.branch_unroll is not None:
                emit(f"      %bu = pto.unroll %bq = 0 to {self.branch_unroll} iter_args(%ba = %pq) -> ({TILE}) {{")
                emit(f"        %bi = pto.unroll %bqq = 0 to 2 iter_args(%bb = %ba) -> ({TILE}) {{")
                emit("          %bcol0 = arith.muli %bq, %c8 : index")
                emit(f"          %bw = pto.load %x[{row}, %bcol0] : memref<{n}x{WIDTH}xf32> -> {TILE}")
                emit(f"          %bb2 = arith.addf %bb, %bw : {TILE}")
                emit(f"          pto.yield %bb2 : {TILE}")
                emit("        }")
                emit(f"        pto.yield %bi : {TILE}")
                emit("      }")
                emit(f"      scf.yield %bu : {TILE}")
            else:
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
            emit(f"      %rw = pto.load %x[{row}, %rcol] : memref<{n}x{WIDTH}xf32> -> {TILE}")
            emit(f"      %ra2 = {op} %ra, %rw : {TILE}")
            emit(f"      pto.yield %ra2 : {TILE}")
            emit("    }")
            new("%red")
        if self.unroll is not None:
            count, op, init = self.unroll
            emit(f"    %un = pto.unroll %q = 0 to {count} iter_args(%ua = {values[init % len(values)]}) -> ({TILE}) {{")
            emit("      %ucol = arith.muli %q, %c8 : index")
            emit(f"      %uw = pto.load %x[{row}, %ucol] : memref<{n}x{WIDTH}xf32> -> {TILE}")
            emit(f"      %ua2 = {op} %ua, %uw : {TILE}")
            emit(f"      pto.yield %ua2 : {TILE}")
            emit("    }")
            new("%un")
        stores = list(self.stores)
        if self.reload:
            # a value carried through memory inside one task: stored, loaded back, stored
            emit(f"    pto.store {values[stores[0] % len(values)]}, %out[{row}, {col8}] : {TILE}, memref<{n}x16xf32>")
            emit(f"    %rl = pto.load %out[{row}, {col8}] : memref<{n}x16xf32> -> {TILE}")
            emit(f"    %rl2 = math.exp %rl : {TILE}")
            emit(f"    pto.store %rl2, %out[{row}, %c0] : {TILE}, memref<{n}x16xf32>")
            stores = stores[1:]
        for i, which in enumerate(stores):
            col = "%c0" if i == 0 and not self.reload else col8
            emit(f"    pto.store {values[which % len(values)]}, %out[{row}, {col}] : {TILE}, memref<{n}x16xf32>")
        if self.extra is not None:
            kind, shift = self.extra
            if kind == "same":
                emit(f"    %xr = arith.addi {row}, %c0 : index")
            elif kind == "shift":
                emit(f"    %xs = arith.constant {shift} : index")
                emit(f"    %xn = arith.constant {n} : index")
                emit(f"    %xt = arith.addi {row}, %xs : index")
                emit("    %xr = arith.remui %xt, %xn : index")
            else:
                emit(f"    %xr = arith.divui {row}, %c2 : index")
            emit(f"    %xv = math.tanh {values[-1]} : {TILE}")
            emit(f"    pto.store %xv, %out[%xr, {col8}] : {TILE}, memref<{n}x16xf32>")
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
    neg = draw(st.none() | st.integers(1, 40))
    branch = draw(st.none() | st.integers(1, 3))
    return Kernel(
        n, loads, steps, draw(st.booleans()), parity, reduce, unroll, stores, dynamic,
        neg, branch, draw(st.booleans()), draw(st.booleans()),
    )


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


# --------------------------------------------------------------------------- 1,000 kernels

RANDOM_KERNELS = int(os.environ.get("PTOC_RANDOM_KERNELS", "1000"))
"""How many seeded random kernels `test_checks_on_random_kernels` runs (CI: 1,000)."""


def random_kernel(rng: random.Random) -> Kernel:
    """A seeded random kernel (the generator of `kernels()`, without hypothesis)."""
    n = rng.randint(1, 24)

    def pick(xs: tuple[str, ...]) -> str:
        return xs[rng.randrange(len(xs))]

    def maybe(p: float = 0.5) -> bool:
        return rng.random() < p

    combine = ("arith.addf", "arith.maximumf", "arith.mulf")
    extra: tuple[str, int] | None = None
    if maybe(0.6):
        kind = pick(("same", "shift", "half"))
        extra = (kind, rng.randint(0, 2 * n) if kind == "shift" else 0)
    return Kernel(
        n=n,
        loads=tuple(rng.randint(0, 3) for _ in range(rng.randint(1, 3))),
        steps=tuple(
            (pick(BINARY + UNARY), rng.randint(0, 50), rng.randint(0, 50))
            for _ in range(rng.randint(0, 4))
        ),
        task_tile=maybe(),
        parity=(pick(UNARY), rng.randint(0, 50), rng.randint(0, 50)) if maybe() else None,
        reduce=(rng.randint(1, 4), pick(combine), rng.randint(0, 50)) if maybe() else None,
        unroll=(rng.randint(1, 4), pick(combine), rng.randint(0, 50)) if maybe() else None,
        stores=tuple(rng.randint(0, 50) for _ in range(rng.randint(1, 2))),
        dynamic=maybe(0.25),
        neg_index=rng.randint(1, 40) if maybe() else None,
        branch_unroll=rng.randint(1, 3) if maybe() else None,
        dead_if_unroll=maybe(0.3),
        reload=maybe(),
        extra=extra,
    )


CHUNKS = 4
"""The random kernels run as this many tests (kernel i in chunk i % CHUNKS), so that the
test workers share them."""


def _random_cases() -> list[tuple[int, Kernel, bool, int, str]]:
    """The seeded kernels, each with whether it races and (if it does not) the factor and
    inner loop kind it is coarsened with: one random stream, whatever the chunking."""
    rng = random.Random(12)
    cases = []
    for i in range(RANDOM_KERNELS):
        k = random_kernel(rng)
        truth = k.races()
        g, inner = 0, ""
        if not truth:
            g = rng.randint(1, k.n)
            inner = "range" if rng.random() < 0.5 else "unroll"
        cases.append((i, k, bool(truth), g, inner))
    return cases


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_checks_on_random_kernels(interpreter, chunk: int) -> None:  # type: ignore[no-untyped-def]
    """On RANDOM_KERNELS seeded random kernels (issue 12, "done when"; a quarter per
    chunk): no "disjoint" verdict of pto-check-races is contradicted by brute force (the
    rows each task writes) or by running the tasks forward and in reverse, and no legal
    kernel (one whose tasks write disjoint rows) is called a batch leak by
    pto-check-carried, as written or coarsened by a random factor into a range or
    unroll batch loop."""
    ctx = ptoc.context()
    t0 = time.perf_counter()
    racy = caught = witnessed = legal = false_races = order_runs = 0
    for i, k, truth, g, inner in _random_cases():
        if i % CHUNKS != chunk:
            continue
        text = k.text()
        module = ptoc.parse(text, "rand.mlir", ctx)
        spmd = next(o for o in module.walk() if isinstance(o, pto.SpmdOp))
        findings = check_scope(spmd)
        if truth:
            racy += 1
            # "disjoint" for every pair would contradict the brute force
            assert findings, f"a racing kernel passed pto-check-races:\n{text}"
            caught += 1
            witnessed += any(f.verdict.kind == "race" for f in findings)
        else:
            legal += 1
            # a race needing more tasks than run (a dynamic count) is not refuted here
            false_races += sum(
                1
                for f in findings
                if f.verdict.kind == "race" and (f.verdict.min_tasks or 0) <= k.n
            )
            CheckCarriedPass().apply(ctx, module)  # raises on a "batch leak"
            coarse = module.clone()
            SpmdCoarsenPass(factor=g, inner=inner, remainder="guard").apply(ctx, coarse)
            CheckCarriedPass().apply(ctx, coarse)
        if not findings and i % 10 == 0:
            # a "disjoint" kernel: the task order must not change the output
            order_runs += 1
            prog = interpreter.compile_module(module)
            inputs = interpreter.random_inputs(prog, i)
            if k.dynamic:
                inputs["n"] = np.array(k.n, dtype=np.int64)
            fwd = prog.run(inputs).outputs["out"]
            rev = prog.run(inputs, task_order="reverse").outputs["out"]
            assert fwd.tobytes() == rev.tobytes(), text
    elapsed = time.perf_counter() - t0
    print(
        f"\nchunk {chunk} of {RANDOM_KERNELS} random kernels in {elapsed:.1f} s: {racy} racing "
        f"(reported: {caught}, {witnessed} with a witness, the rest 'may race'), {legal} legal "
        f"(none called a batch leak; race errors on legal kernels: {false_races}), "
        f"{order_runs} task-order runs"
    )
    assert false_races == 0
