"""Tasks on two threads (ptoc.backend.parallel) and read-only load views give exactly the
serial per-task run: the same outputs bit for bit, the same execution record, the same
first error; and only scopes whose tasks provably cannot see each other are threaded."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend import parallel
from ptoc.backend.interpreter import InterpreterError, RunResult, compile_module
from ptoc.dialects.pto import SpmdOp

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "dsv4_compressor_ratio4"
BF16 = ml_dtypes.bfloat16

# 8 tasks, each one [16, 32] block of o = a @ b: row block t // 2, column block t % 2
MM = """
func.func @k(%a: memref<64x32xbf16>, %b: memref<32x64xbf16>, %o: memref<64x64xf32>) {
  pto.spmd %t = 0 to 8 name "mm" core cube {
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c16 = arith.constant 16 : index
    %c32 = arith.constant 32 : index
    %rb = arith.divsi %t, %c2 : index
    %cb = arith.remsi %t, %c2 : index
    %r0 = arith.muli %rb, %c16 : index
    %n0 = arith.muli %cb, %c32 : index
    %x = pto.load %a[%r0, %c0] : memref<64x32xbf16> -> tensor<16x32xbf16>
    %w = pto.load %b[%c0, %n0] : memref<32x64xbf16> -> tensor<32x32xbf16>
    %p = pto.matmul %x, %w : tensor<16x32xbf16>, tensor<32x32xbf16> -> tensor<16x32xf32>
    STORE
  }
  func.return
}
"""
PLAIN = "pto.store %p, %o[%r0, %n0] : tensor<16x32xf32>, memref<64x64xf32>"


def _mm(store: str = PLAIN, extra: str = "") -> str:
    return MM.replace("STORE", extra + store)


def _scope(text: str) -> SpmdOp:
    return next(o for o in ptoc.parse(text, "k.mlir").walk() if isinstance(o, SpmdOp))


def _inputs(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "a": rng.standard_normal((64, 32), dtype=np.float32).astype(BF16),
        "b": rng.standard_normal((32, 64), dtype=np.float32).astype(BF16),
        "o": np.zeros((64, 64), np.float32),
    }


def _reference(inp: dict[str, np.ndarray]) -> np.ndarray:
    """The same per-task products in plain numpy (one BLAS call per block, as per task)."""
    a, b = inp["a"].astype(np.float32), inp["b"].astype(np.float32)
    o = np.zeros((64, 64), np.float32)
    for t in range(8):
        r0, n0 = (t // 2) * 16, (t % 2) * 32
        o[r0:r0 + 16, n0:n0 + 32] = np.matmul(
            np.ascontiguousarray(a[r0:r0 + 16]), np.ascontiguousarray(b[:, n0:n0 + 32])
        )
    return o


def _run(text: str, inputs: dict[str, Any], threads: str, monkeypatch: pytest.MonkeyPatch,
         **kw: Any) -> RunResult:
    monkeypatch.setenv("PTOC_THREADS", threads)  # read when the program is compiled
    return compile_module(ptoc.parse(text, "k.mlir")).run(inputs, **kw)


def _assert_same(got: RunResult, want: RunResult) -> None:
    assert got.record == want.record
    assert got.outputs.keys() == want.outputs.keys()
    for name, w in want.outputs.items():
        assert got.outputs[name].tobytes() == w.tobytes(), name


class _Threaded:
    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.calls = 0
        orig = parallel.run_tasks

        def counted(*a: Any) -> None:
            self.calls += 1
            orig(*a)

        monkeypatch.setattr("ptoc.backend.interpreter.run_tasks", counted)


# ---------------------------------------------------------------- which scopes qualify


def test_a_disjoint_matmul_scope_is_independent() -> None:
    assert parallel.independent_tasks(_scope(_mm()))


@pytest.mark.parametrize(
    "why, text",
    [
        ("atomic adds of floats round by task order",
         _mm("pto.store %p, %o[%r0, %n0] atomic add : tensor<16x32xf32>, memref<64x64xf32>")),
        ("every task writes the same block",
         _mm("pto.store %p, %o[%c0, %c0] : tensor<16x32xf32>, memref<64x64xf32>")),
        ("a task reads the memref the tasks write",
         _mm(PLAIN, "%old = pto.load %o[%r0, %n0] : memref<64x64xf32> -> tensor<16x32xf32>\n")),
        ("the written block depends on memory",
         MM.replace("%o: memref<64x64xf32>", "%o: memref<64x64xf32>, %ix: memref<8xi32>").replace(
             "STORE",
             "%r_i = pto.read %ix[%t] : memref<8xi32> -> i32\n"
             "%r = arith.index_cast %r_i : i32 to index\n"
             "pto.store %p, %o[%r, %n0] : tensor<16x32xf32>, memref<64x64xf32>")),
    ],
)
def test_scopes_whose_tasks_may_interact_are_not(why: str, text: str) -> None:
    assert not parallel.independent_tasks(_scope(text)), why


def test_a_scope_without_a_matmul_is_not_threaded() -> None:
    text = """
func.func @k(%a: memref<8x4xf32>, %o: memref<8x4xf32>) {
  pto.spmd %t = 0 to 8 name "copy" core vector {
    %c0 = arith.constant 0 : index
    %v = pto.load %a[%t, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    pto.store %v, %o[%t, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}
"""
    assert not parallel.independent_tasks(_scope(text))  # Python-bound: no gain


def test_the_seed_kernel_threads_only_its_projection() -> None:
    module = ptoc.parse((SEED / "kernel.mlir").read_text(), "kernel.mlir")
    got = {o.scope_name: parallel.independent_tasks(o) for o in module.walk()
           if isinstance(o, SpmdOp)}
    assert got == {
        "kv_score_proj": True, "state_scatter_paged": False, "softmax_pool": False,
        "rmsnorm_rope": False, "kv_and_cache_write": False,
    }


# ---------------------------------------------------------------- same results


@pytest.mark.parametrize("order", ["forward", "reverse", "random:5"])
@pytest.mark.parametrize("seed", [0, 1])
def test_threads_give_the_serial_run_and_the_reference(
    order: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp = _inputs(seed)
    count = _Threaded(monkeypatch)
    got = _run(_mm(), inp, "2", monkeypatch, task_order=order)
    assert count.calls == 1
    want = _run(_mm(), inp, "1", monkeypatch, task_order=order)
    assert count.calls == 1  # the serial run did not thread
    _assert_same(got, want)
    assert got.outputs["o"].tobytes() == _reference(inp).tobytes()
    for record in (True, False):
        _assert_same(
            _run(_mm(), inp, "2", monkeypatch, record=record),
            _run(_mm(), inp, "1", monkeypatch, record=record),
        )


def test_the_seed_kernel_threaded_is_the_serial_run(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("_inputs_parallel_seed", SEED / "inputs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    inputs = mod.make_inputs(0)
    text = (SEED / "kernel.mlir").read_text()
    count = _Threaded(monkeypatch)
    got = _run(text, inputs, "2", monkeypatch)
    assert count.calls == 1  # kv_score_proj
    _assert_same(got, _run(text, inputs, "1", monkeypatch))


OOB = _mm().replace("%r0 = arith.muli %rb, %c16 : index", "%r0 = arith.muli %t, %c16 : index")
"""Task t loads rows [16 t, 16 t + 16) of a 64-row memref: tasks 4..7 are out of bounds
(the stores stay disjoint: the row block is t, the column block t % 2)."""


@pytest.mark.parametrize("order", ["forward", "reverse", "random:2"])
def test_the_first_failing_task_reports_as_in_the_serial_run(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    oob = OOB.replace("memref<64x64xf32>", "memref<128x64xf32>")
    assert parallel.independent_tasks(_scope(oob))
    inp = _inputs()
    inp["o"] = np.zeros((128, 64), np.float32)
    with pytest.raises(InterpreterError) as got:
        _run(oob, inp, "2", monkeypatch, task_order=order)
    with pytest.raises(InterpreterError) as want:
        _run(oob, inp, "1", monkeypatch, task_order=order)
    assert str(got.value) == str(want.value)
    assert "out-of-bounds load" in str(got.value)


# ---------------------------------------------------------------- load views


INPLACE = """
func.func @k(%a: memref<8x4xf32>, %o: memref<8x4xf32>) {
  pto.spmd %t = 0 to 8 name "inplace" core vector {
    %c0 = arith.constant 0 : index
    %v = pto.load %a[%t, %c0] : memref<8x4xf32> -> tensor<1x4xf32>
    %w = arith.addf %v, %v : tensor<1x4xf32>
    pto.store %w, %a[%t, %c0] : tensor<1x4xf32>, memref<8x4xf32>
    pto.store %v, %o[%t, %c0] : tensor<1x4xf32>, memref<8x4xf32>
  }
  func.return
}
"""


def test_a_tile_of_a_memref_the_scope_writes_is_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tile loaded before the store keeps the old values (a view would see 2 v)."""
    a = np.arange(32, dtype=np.float32).reshape(8, 4)
    out = _run(INPLACE, {"a": a, "o": np.zeros((8, 4), np.float32)}, "1", monkeypatch,
               batched=False).outputs
    assert out["o"].tobytes() == a.tobytes()
    assert out["a"].tobytes() == (2 * a).tobytes()


def test_read_only_roots() -> None:
    roots = {r.name_hint for r in parallel.scope_memory(_scope(INPLACE)).readonly}
    assert roots == set()  # %a is written, %o only written
    roots = {r.name_hint for r in parallel.scope_memory(_scope(_mm())).readonly}
    assert roots == {"a", "b"}


FORK = f"""
import numpy as np, ml_dtypes, ptoc
from ptoc.backend.interpreter import compile_module
from ptoc.tuning import sweep
text = {_mm()!r}
rng = np.random.default_rng(0)
inp = dict(a=rng.standard_normal((64, 32), dtype=np.float32).astype(ml_dtypes.bfloat16),
           b=rng.standard_normal((32, 64), dtype=np.float32).astype(ml_dtypes.bfloat16),
           o=np.zeros((64, 64), np.float32))
m = ptoc.parse(text, "k.mlir")
compile_module(m).run(inp)  # the parent's task threads exist now
pts = sweep(m, "mm", [1, 2, 4], inputs=inp, machine="a2a3", jobs=2)
print([p.status for p in pts])
"""


def test_forked_workers_get_their_own_threads() -> None:
    """A `pto-tune --jobs` worker forked after the parent ran a threaded scope must not
    wait on the parent's pool (whose threads the child does not have)."""
    done = subprocess.run(
        [sys.executable, "-c", FORK], capture_output=True, text=True, timeout=240,
        env={**__import__("os").environ, "PTOC_THREADS": "2"}, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['ok', 'ok', 'ok']"


# ---------------------------------------------------------------- the run's own check


def test_disjoint_stores_follows_views_to_the_array() -> None:
    owner = np.zeros((8, 4), np.float32)
    flat = owner.reshape(32)
    cols = owner[:, 2:]  # a strided view
    assert parallel.disjoint_stores([[(owner, [0, 0], (2, 4))], [(owner, [2, 0], (2, 4))]])
    assert not parallel.disjoint_stores([[(owner, [0, 0], (2, 4))], [(owner, [1, 3], (1, 1))]])
    assert parallel.disjoint_stores([[(owner, [0, 0], (2, 4)), (owner, [1, 0], (1, 4))]])  # one task
    assert not parallel.disjoint_stores([[(owner, [3, 0], (1, 4))], [(flat, [12], (4,))]])
    assert parallel.disjoint_stores([[(cols, [0, 0], (8, 1))], [(owner, [0, 3], (8, 1))]])
    assert not parallel.disjoint_stores([[(cols, [0, 1], (8, 1))], [(owner, [5, 3], (1, 1))]])


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_a_wrong_proof_does_not_reach_the_outputs(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every task stores the same block (a race): were the static proof wrong and the
    scope threaded, the logged stores overlap, memory is restored and the scope runs
    serially, so the last task in the order wins as in the serial run."""
    racy = _mm("pto.store %p, %o[%c0, %c0] : tensor<16x32xf32>, memref<64x64xf32>")
    monkeypatch.setattr("ptoc.backend.interpreter.independent_tasks", lambda op, mem=None: True)
    overlaps = []
    orig = parallel.disjoint_stores

    def counted(logs: Any) -> bool:
        ok = orig(logs)
        overlaps.append(not ok)
        return ok

    monkeypatch.setattr("ptoc.backend.interpreter.disjoint_stores", counted)
    inp = _inputs()
    got = _run(racy, inp, "2", monkeypatch, task_order=order)
    assert overlaps == [True]
    want = _run(racy, inp, "1", monkeypatch, task_order=order)
    _assert_same(got, want)
    last = 7 if order == "forward" else 0
    r0, n0 = (last // 2) * 16, (last % 2) * 32
    a, b = inp["a"].astype(np.float32), inp["b"].astype(np.float32)
    block = np.matmul(np.ascontiguousarray(a[r0:r0 + 16]), np.ascontiguousarray(b[:, n0:n0 + 32]))
    assert got.outputs["o"][:16, :32].tobytes() == block.tobytes()


# ---------------------------------------------------------------- random scopes


def _random_scope(rb: int, cb: int, m: int, k: int, n: int, steps: int, dtype: str,
                  btrans: bool, mapping: str) -> str:
    """rb x cb tasks, each the [m, n] block (t // cb, t % cb) of A @ B over `steps` K
    steps of k (a pto.range with matmul_acc when steps > 1); `mapping` "grid" stores
    each block in its place, "rows" stores every task of a column block into row block
    0 (tasks collide when rb > 1), "mixed" also stores the first A tile into a scratch
    row per task."""
    acc = "i32" if dtype == "i8" else "f32"
    rows, cols, depth = rb * m, cb * n, steps * k
    bshape = f"{cols}x{depth}" if btrans else f"{depth}x{cols}"
    btile = f"{n}x{k}" if btrans else f"{k}x{n}"
    bidx = "[%n0, %k0]" if btrans else "[%k0, %n0]"
    bidx0 = "[%n0, %c0]" if btrans else "[%c0, %n0]"
    tr = " b_trans" if btrans else ""
    at, bt, ct = f"tensor<{m}x{k}x{dtype}>", f"tensor<{btile}x{dtype}>", f"tensor<{m}x{n}x{acc}>"
    am, bm = f"memref<{rows}x{depth}x{dtype}>", f"memref<{bshape}x{dtype}>"
    om, sm = f"memref<{rows}x{cols}x{acc}>", f"memref<{rb * cb * m}x{k}x{dtype}>"
    row_of = "%rb" if mapping != "rows" else "%c0"
    body = f"""
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %ccb = arith.constant {cb} : index
    %cm = arith.constant {m} : index
    %cn = arith.constant {n} : index
    %ck = arith.constant {k} : index
    %cs = arith.constant {steps} : index
    %rb = arith.divsi %t, %ccb : index
    %cb = arith.remsi %t, %ccb : index
    %r0 = arith.muli %rb, %cm : index
    %n0 = arith.muli %cb, %cn : index
    %a0 = pto.load %a[%r0, %c0] : {am} -> {at}
    %b0 = pto.load %b{bidx0} : {bm} -> {bt}
    %p0 = pto.matmul %a0, %b0{tr} : {at}, {bt} -> {ct}
    %p = pto.range %s = %c1 to %cs step %c1 iter_args(%acc = %p0) -> ({ct}) {{
      %k0 = arith.muli %s, %ck : index
      %ak = pto.load %a[%r0, %k0] : {am} -> {at}
      %bk = pto.load %b{bidx} : {bm} -> {bt}
      %pk = pto.matmul_acc %acc, %ak, %bk{tr} : {ct}, {at}, {bt} -> {ct}
      pto.yield %pk : {ct}
    }}
    %w0 = arith.muli {row_of}, %cm : index
    pto.store %p, %o[%w0, %n0] : {ct}, {om}"""
    if mapping == "mixed":
        body += f"""
    %srow = arith.muli %t, %cm : index
    pto.store %a0, %scr[%srow, %c0] : {at}, {sm}"""
    return f"""
func.func @k(%a: {am}, %b: {bm}, %o: {om}, %scr: {sm}) {{
  pto.spmd %t = 0 to {rb * cb} name "mm" core cube {{{body}
  }}
  func.return
}}
"""


def _random_inputs(text: str, seed: int) -> dict[str, np.ndarray]:
    from ptoc.backend.interpreter import random_inputs

    prog = compile_module(ptoc.parse(text, "rand.mlir"))
    inp = random_inputs(prog, seed)
    rng = np.random.default_rng(seed)
    for name in ("a", "b"):
        x = inp[name]
        if x.dtype == np.int8:
            inp[name] = rng.integers(-128, 128, x.shape).astype(np.int8)
    return inp


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rb=st.integers(1, 3), cb=st.integers(1, 3), m=st.sampled_from([4, 8, 16]),
    k=st.sampled_from([8, 16, 32]), n=st.sampled_from([8, 16]), steps=st.integers(1, 3),
    dtype=st.sampled_from(["bf16", "i8"]), btrans=st.booleans(),
    mapping=st.sampled_from(["grid", "rows", "mixed"]), order=st.sampled_from(["forward", "reverse"]),
    trust=st.booleans(), seed=st.integers(0, 2**16),
)
def test_random_matmul_scopes_threaded_are_serial(
    rb: int, cb: int, m: int, k: int, n: int, steps: int, dtype: str, btrans: bool,
    mapping: str, order: str, trust: bool, seed: int,
) -> None:
    """Threaded and serial runs agree (outputs bit for bit, records) on random matmul
    scopes; with `trust` every scope is taken as independent (as if the proof were
    wrong), so colliding stores exercise the run's own check and the serial rerun."""
    import os

    text = _random_scope(rb, cb, m, k, n, steps, dtype, btrans, mapping)
    scope = _scope(text)
    if mapping != "rows" or rb == 1:
        assert parallel.independent_tasks(scope), text
    elif rb > 1:
        assert not parallel.independent_tasks(scope)
    inp = _random_inputs(text, seed)
    saved = os.environ.get("PTOC_THREADS")
    orig = parallel.independent_tasks
    import ptoc.backend.interpreter as interp

    try:
        if trust:
            interp.independent_tasks = lambda op, mem=None: True  # type: ignore[assignment]
        runs = []
        for threads in ("2", "1"):
            os.environ["PTOC_THREADS"] = threads
            runs.append(compile_module(ptoc.parse(text, "rand.mlir")).run(inp, task_order=order))
    finally:
        interp.independent_tasks = orig  # type: ignore[assignment]
        if saved is None:
            os.environ.pop("PTOC_THREADS", None)
        else:
            os.environ["PTOC_THREADS"] = saved
    _assert_same(*runs)


def test_never_written_arguments_are_not_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """`a` and `b` are only read: their outputs are read-only views of the inputs; `o` is
    written: a copy, and the input stays as it was."""
    inp = _inputs()
    before = {k: v.copy() for k, v in inp.items()}
    out = _run(_mm(), inp, "1", monkeypatch).outputs
    for name in ("a", "b"):
        assert np.shares_memory(out[name], inp[name]) and not out[name].flags.writeable
    assert not np.shares_memory(out["o"], inp["o"])
    for k, v in before.items():
        assert inp[k].tobytes() == v.tobytes(), k
    # a non-contiguous input is copied as before
    inp["a"] = np.asfortranarray(inp["a"])
    out = _run(_mm(), inp, "1", monkeypatch).outputs
    assert not np.shares_memory(out["a"], inp["a"])
    assert out["o"].tobytes() == _reference(_inputs()).tobytes()


def test_a_scope_writing_much_memory_runs_serially(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the snapshot limit the threaded run is not tried; the result is the same."""
    import ptoc.backend.interpreter as interp

    monkeypatch.setattr(interp, "_THREADED_SNAPSHOT_LIMIT", 1024)  # `o` is 16 KiB
    count = _Threaded(monkeypatch)
    inp = _inputs()
    got = _run(_mm(), inp, "2", monkeypatch)
    assert count.calls == 0
    _assert_same(got, _run(_mm(), inp, "1", monkeypatch))


def test_an_interrupt_stops_the_other_threads() -> None:
    """Ctrl-C in the calling thread is raised at once; the other thread starts no new
    task after it."""
    import threading
    import time

    ran: list[int] = []
    main = threading.get_ident()

    def one(t: int, _f: list[Any]) -> None:
        if threading.get_ident() == main and t == 2:
            raise KeyboardInterrupt
        time.sleep(0.01)
        ran.append(t)

    with pytest.raises(KeyboardInterrupt):
        parallel.run_tasks(list(range(40)), 2, one, [None])
    time.sleep(0.1)
    assert len(ran) < 10, ran  # the odd tasks stopped soon after the even thread's 2
