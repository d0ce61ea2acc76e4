"""pto-spmd-coarsen and pto-unroll-expand from Python: API equivalence, IR structure,
locations, error handling, and (with the interpreter) unchanged results."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import FileLineColLoc, ModuleOp
from xdsl.ir import Operation
from xdsl.printer import Printer
from xdsl.utils.exceptions import DiagnosticException

import ptoc
from ptoc.diagnostics import verify
from ptoc.dialects import pto
from ptoc.passes import SpmdCoarsen, SpmdCoarsenPass, UnrollExpandPass
from ptoc.passes.unroll_expand import expand_unroll

ROOT = Path(__file__).resolve().parents[2]
SOFTMAX_POOL = ROOT / "examples" / "softmax_pool.mlir"
KERNEL_DIR = ROOT / "examples" / "dsv4_compressor_ratio4"


def printed(module: ModuleOp) -> str:
    out = StringIO()
    Printer(stream=out).print_op(module)
    return out.getvalue().strip()


def seed() -> ModuleOp:
    return ptoc.parse(SOFTMAX_POOL.read_text(), str(SOFTMAX_POOL))


def ops_of(module: Operation, kind: type[Operation]) -> list[Operation]:
    return [o for o in module.walk() if isinstance(o, kind)]


def op_names(op: Operation) -> Counter[str]:
    return Counter(o.name for o in op.walk() if o is not op)


def pto_opt(path: Path, pipeline: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ptoc.tools.pto_opt", str(path), "-p", pipeline],
        capture_output=True,
        text=True,
        timeout=300,
    )


# --------------------------------------------------------------------- equivalence


@pytest.mark.parametrize(
    "options",
    ["factor=2", "factor=4 inner=range", "factor=3 remainder=guard", "factor=2 scope=softmax_pool"],
)
def test_three_ways_agree(options: str) -> None:
    kw: dict[str, object] = {}
    for item in options.split():
        key, value = item.split("=")
        kw[key] = int(value) if value.isdigit() else value
    direct = seed()
    SpmdCoarsen(**kw).apply(ptoc.context(), direct)
    via_api = ptoc.run_pipeline(seed(), f"pto-spmd-coarsen{{{options}}}")
    proc = pto_opt(SOFTMAX_POOL, f"pto-spmd-coarsen{{{options}}}")
    assert proc.returncode == 0, proc.stderr
    assert printed(direct) == printed(via_api) == proc.stdout.strip()


def test_alias_and_pass_names() -> None:
    assert SpmdCoarsen is SpmdCoarsenPass
    assert SpmdCoarsenPass.name == "pto-spmd-coarsen"
    assert UnrollExpandPass.name == "pto-unroll-expand"
    assert SpmdCoarsenPass() == SpmdCoarsenPass(1, "unroll", "error", None)


@pytest.mark.parametrize(
    "p",
    [
        SpmdCoarsenPass(),
        SpmdCoarsenPass(factor=2),
        SpmdCoarsenPass(factor=3, inner="range", remainder="guard", scope="softmax_pool"),
        UnrollExpandPass(),
        UnrollExpandPass(max_ops=50),
    ],
)
def test_spec_round_trips(p: SpmdCoarsenPass | UnrollExpandPass) -> None:
    """`pass.spec()` (what pto-tune and the pipeline printer write) parses back."""
    from ptoc.api import parse_pipeline

    for include_default in (False, True):
        (q,) = parse_pipeline(str(p.spec(include_default=include_default)))
        assert q == p


def test_pipeline_expand_agrees_with_subprocess() -> None:
    pipeline = "pto-spmd-coarsen{factor=2},pto-unroll-expand"
    module = ptoc.run_pipeline(seed(), pipeline)
    proc = pto_opt(SOFTMAX_POOL, pipeline)
    assert proc.returncode == 0, proc.stderr
    assert printed(module) == proc.stdout.strip()


# --------------------------------------------------------------------- structure


def test_factor_one_is_identity() -> None:
    before = printed(seed())
    module = seed()
    SpmdCoarsenPass(factor=1).apply(ptoc.context(), module)
    assert printed(module) == before


@pytest.mark.parametrize("g", [2, 4, 8])
def test_coarsen_structure(g: int) -> None:
    original = seed()
    (old_spmd,) = ops_of(original, pto.SpmdOp)
    old_body = op_names(old_spmd)
    module = seed()
    SpmdCoarsenPass(factor=g).apply(ptoc.context(), module)
    (spmd,) = ops_of(module, pto.SpmdOp)
    assert isinstance(spmd, pto.SpmdOp)
    assert spmd.static_count == 64 // g
    assert spmd.scope_name == "softmax_pool" and spmd.core is not None
    assert spmd.core.data == "vector"
    top = list(spmd.body.block.ops)
    assert [o.name for o in top] == ["arith.constant", "arith.muli", "pto.unroll", "pto.yield"]
    unroll = top[2]
    assert isinstance(unroll, pto.UnrollOp) and unroll.trip_count == g
    assert not unroll.iter_args and not unroll.res
    first = unroll.body.block.first_op
    assert isinstance(first, arith.AddiOp)
    assert first.lhs == top[1].results[0] and first.rhs == unroll.index
    # %g * G: the group id times the constant G
    mul = top[1]
    assert isinstance(mul, arith.MuliOp) and mul.lhs == spmd.task_id
    const = top[0]
    assert isinstance(const, arith.ConstantOp) and const.value.value.data == g  # type: ignore[attr-defined]
    # the body moved unchanged: same ops plus the index computation and the new loop
    new_body = op_names(unroll)
    assert new_body - old_body == Counter({"arith.addi": 1})
    assert old_body - new_body == Counter()
    # every use of the old task id now reads the computed id
    users = {u.operation.name for u in first.result.uses}
    assert users == {"pto.read", "pto.store"}


@pytest.mark.parametrize("g", [2, 4])
def test_expand_structure(g: int) -> None:
    original = op_names(seed())
    module = ptoc.run_pipeline(seed(), f"pto-spmd-coarsen{{factor={g}}},pto-unroll-expand")
    after = op_names(module)
    assert after["pto.unroll"] == 0
    (spmd,) = ops_of(module, pto.SpmdOp)
    assert isinstance(spmd, pto.SpmdOp) and spmd.static_count == 64 // g
    for name in ("pto.read", "pto.load", "pto.store", "pto.range", "scf.if", "math.exp",
                 "arith.addf", "arith.maximumf", "arith.divf"):
        assert after[name] == g * original[name], name
    # the copies share their constants: one of each value per scope
    consts = [o for o in spmd.walk() if isinstance(o, arith.ConstantOp)]
    values = [str(c.value) for c in consts]
    assert len(values) == len(set(values))
    # task ids: copy 0 reads %group_base itself, copy k reads %group_base + k
    reads = [o for o in spmd.walk() if isinstance(o, pto.ReadOp) and o.source.name_hint == "start_pos"]
    assert len(reads) == g
    base = spmd.body.block.ops.first
    assert base is not None
    muli = [o for o in spmd.body.block.ops if isinstance(o, arith.MuliOp)]
    assert len(muli) == 1
    assert reads[0].indices[0] == muli[0].result
    for k, read in enumerate(reads[1:], start=1):
        add = read.indices[0].owner
        assert isinstance(add, arith.AddiOp) and add.lhs == muli[0].result
        kc = add.rhs.owner
        assert isinstance(kc, arith.ConstantOp) and kc.value.value.data == k  # type: ignore[attr-defined]


def test_expansion_moves_scalar_constants_out_once() -> None:
    """`expand_unroll` itself (before any cleanup) does not copy the body's scalar
    constants: they move before the unroll, and the copies use them."""
    module = ptoc.run_pipeline(seed(), "pto-spmd-coarsen{factor=4}")
    (unroll,) = ops_of(module, pto.UnrollOp)
    assert isinstance(unroll, pto.UnrollOp)
    body_consts = [o for o in unroll.body.block.ops if isinstance(o, arith.ConstantOp)]
    assert body_consts
    (spmd,) = ops_of(module, pto.SpmdOp)
    before = len([o for o in spmd.walk() if isinstance(o, arith.ConstantOp)])
    expand_unroll(unroll)
    after = [o for o in spmd.walk() if isinstance(o, arith.ConstantOp)]
    assert len(after) == before + 4  # only the four copies' index constants are new
    for c in body_consts:
        assert c.parent is spmd.body.block  # moved, once
    verify(module)


def test_guard_structure() -> None:
    module = seed()
    SpmdCoarsenPass(factor=3, remainder="guard").apply(ptoc.context(), module)
    (spmd,) = ops_of(module, pto.SpmdOp)
    assert isinstance(spmd, pto.SpmdOp) and spmd.static_count == 22
    (unroll,) = ops_of(module, pto.UnrollOp)
    inner = [o.name for o in unroll.regions[0].block.ops]
    assert inner == ["arith.addi", "arith.constant", "arith.cmpi", "scf.if", "pto.yield"]
    cmp = list(unroll.regions[0].block.ops)[2]
    assert isinstance(cmp, arith.CmpiOp) and cmp.predicate.value.data == 2  # slt


def test_range_structure() -> None:
    module = seed()
    SpmdCoarsenPass(factor=2, inner="range").apply(ptoc.context(), module)
    assert not ops_of(module, pto.UnrollOp)
    (spmd,) = ops_of(module, pto.SpmdOp)
    first = next(iter(spmd.regions[0].block.ops))
    assert first.name == "arith.constant"
    loops = [o for o in spmd.regions[0].block.ops if isinstance(o, pto.RangeOp)]
    assert len(loops) == 1
    # expanding has nothing to do on a runtime loop
    before = printed(module)
    UnrollExpandPass().apply(ptoc.context(), module)
    assert printed(module) == before


def _new_ops(module: ModuleOp) -> Iterator[Operation]:
    (spmd,) = ops_of(module, pto.SpmdOp)
    assert isinstance(spmd, pto.SpmdOp)
    yield spmd
    for o in spmd.body.block.ops:
        yield o
        if isinstance(o, pto.UnrollOp):
            body = list(o.body.block.ops)
            yield from body[:3]  # addi, constant N, cmpi
            yield body[3]  # scf.if
            yield body[-1]  # pto.yield
            assert isinstance(body[3], scf.IfOp)
            last = body[3].true_region.block.last_op
            assert last is not None
            yield last  # scf.yield


def test_new_ops_take_the_spmd_location() -> None:
    module = seed()
    (old,) = ops_of(module, pto.SpmdOp)
    loc = old.location
    assert isinstance(loc, FileLineColLoc) and loc.line.data == 11
    SpmdCoarsenPass(factor=3, remainder="guard").apply(ptoc.context(), module)
    new = list(_new_ops(module))
    assert len(new) == 11
    for op in new:
        assert op.location == loc, op.name


def test_dynamic_count_builds_the_group_count() -> None:
    text = """
    func.func @f(%x: memref<?x8xf32>, %n: index) {
      pto.spmd %t = 0 to %n {
        %c0 = arith.constant 0 : index
        %v = pto.load %x[%t, %c0] : memref<?x8xf32> -> tensor<1x8xf32>
        pto.store %v, %x[%t, %c0] : tensor<1x8xf32>, memref<?x8xf32>
      }
      func.return
    }
    """
    module = ptoc.parse(text)
    SpmdCoarsenPass(factor=4, remainder="guard").apply(ptoc.context(), module)
    fn = module.body.block.first_op
    assert fn is not None
    names = [o.name for o in fn.regions[0].block.ops]
    assert names == ["arith.constant", "arith.constant", "arith.addi", "arith.floordivsi",
                     "pto.spmd", "func.return"]
    with pytest.raises(DiagnosticException, match="only known at run time"):
        SpmdCoarsenPass(factor=4).apply(ptoc.context(), ptoc.parse(text))


# --------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"factor": 0}, "factor must be a positive"),
        ({"factor": -3}, "factor must be a positive"),
        ({"factor": True}, "factor must be an integer"),
        ({"factor": 2, "inner": "loop"}, "inner must be one of unroll, range"),
        ({"factor": 2, "remainder": "pad"}, "remainder must be one of error, guard"),
    ],
)
def test_bad_options_raise_value_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SpmdCoarsenPass(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pipeline", "message"),
    [
        ("pto-spmd-coarsen{factor=abc}", "option factor must be an integer, got 'abc'"),
        ("pto-spmd-coarsen{factor=0}", "factor must be a positive"),
        ("pto-spmd-coarsen{factor=3}", "64 tasks cannot be grouped by 3: 3 does not divide 64"),
        ("pto-spmd-coarsen{factor=65}", "64 tasks cannot be grouped by 65: the factor exceeds"),
        ("pto-spmd-coarsen{factor=2 scope=nope}", "no pto.spmd scope is named 'nope'"),
        ("pto-unroll-expand{max_ops=0}", "max_ops must be positive"),
    ],
)
def test_bad_pipelines_are_diagnostics(pipeline: str, message: str) -> None:
    with pytest.raises(DiagnosticException, match=message):
        ptoc.run_pipeline(seed(), pipeline)
    proc = pto_opt(SOFTMAX_POOL, pipeline)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_error_leaves_module_untouched() -> None:
    text = """
    func.func @f(%x: memref<8x8xf32>) {
      pto.spmd %t = 0 to 8 name "a" {
        %c0 = arith.constant 0 : index
        %v = pto.load %x[%t, %c0] : memref<8x8xf32> -> tensor<1x8xf32>
        pto.store %v, %x[%t, %c0] : tensor<1x8xf32>, memref<8x8xf32>
      }
      pto.spmd %t = 0 to 6 name "b" {
        %c0 = arith.constant 0 : index
        %v = pto.load %x[%t, %c0] : memref<8x8xf32> -> tensor<1x8xf32>
        pto.store %v, %x[%t, %c0] : tensor<1x8xf32>, memref<8x8xf32>
      }
      func.return
    }
    """
    module = ptoc.parse(text, "two.mlir")
    before = printed(module)
    with pytest.raises(DiagnosticException, match=r"two.mlir:8:7: error: 'pto.spmd' op 6 tasks cannot be grouped by 4"):
        SpmdCoarsenPass(factor=4).apply(ptoc.context(), module)
    assert printed(module) == before
    # scope= picks the one that can be grouped
    SpmdCoarsenPass(factor=4, scope="a").apply(ptoc.context(), module)
    counts = [o.static_count for o in ops_of(module, pto.SpmdOp) if isinstance(o, pto.SpmdOp)]
    assert counts == [2, 6]


def test_unroll_expand_limit() -> None:
    text = """
    func.func @f(%x: memref<64xf32>) {
      pto.unroll %i = 0 to 64 {
        pto.unroll %k = 0 to 64 {
          %v = pto.load %x[%k] : memref<64xf32> -> tensor<1xf32>
          pto.store %v, %x[%i] : tensor<1xf32>, memref<64xf32>
        }
      }
      func.return
    }
    """
    module = ptoc.parse(text, "big.mlir")
    with pytest.raises(DiagnosticException, match=r"big\.mlir:3:7: error: 'pto\.unroll' op expanding"):
        UnrollExpandPass(max_ops=1000).apply(ptoc.context(), module)
    UnrollExpandPass().apply(ptoc.context(), module)
    assert op_names(module)["pto.store"] == 64 * 64


# --------------------------------------------------------------------- numerics


def _interpreter():  # type: ignore[no-untyped-def]
    import ptoc.backend.interpreter as interp

    return interp


def _run(module: ModuleOp, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    interp = _interpreter()
    return interp.compile_module(module).run(inputs).outputs


def _same_bytes(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert a[k].tobytes() == b[k].tobytes(), k


@pytest.mark.parametrize(
    "pipeline",
    [
        "pto-spmd-coarsen{factor=2}",
        "pto-spmd-coarsen{factor=2},pto-unroll-expand",
        "pto-spmd-coarsen{factor=4},pto-unroll-expand",
        "pto-spmd-coarsen{factor=3 remainder=guard},pto-unroll-expand",
        "pto-spmd-coarsen{factor=5 remainder=guard inner=range}",
        "pto-spmd-coarsen{factor=64}",
    ],
)
def test_seed_softmax_pool_bit_identical(pipeline: str) -> None:
    interp = _interpreter()
    base_module = seed()
    prog = interp.compile_module(base_module)
    for s in (0, 1):
        inputs = interp.random_inputs(prog, s)
        # start positions decide the gate: cover both branches
        inputs["start_pos"] = np.arange(64, dtype=np.int32) % 4 + 4
        want = prog.run(inputs).outputs
        got = _run(ptoc.run_pipeline(seed(), pipeline), inputs)
        _same_bytes(want, got)
        assert np.any(want["pooled"] != 0)


def test_whole_kernel_against_golden() -> None:
    """The seed change on the standalone kernel: coarsen softmax_pool by 2, expand,
    and compare with the plain-numpy golden (and bit for bit with the per-batch form)."""
    _interpreter()
    sys.path.insert(0, str(KERNEL_DIR))
    try:
        from golden import golden  # pyright: ignore[reportMissingImports, reportUnknownVariableType]
        from inputs import make_inputs  # pyright: ignore[reportMissingImports, reportUnknownVariableType]
    finally:
        sys.path.remove(str(KERNEL_DIR))
    text = (KERNEL_DIR / "kernel.mlir").read_text()
    inputs = make_inputs(3)
    base = _run(ptoc.parse(text), inputs)
    module = ptoc.run_pipeline(
        ptoc.parse(text), "pto-spmd-coarsen{factor=2 scope=softmax_pool},pto-unroll-expand"
    )
    scopes = {o.scope_name: o.static_count for o in ops_of(module, pto.SpmdOp) if isinstance(o, pto.SpmdOp)}
    assert scopes["softmax_pool"] == 32 and scopes["rmsnorm_rope"] == 4
    grouped = _run(module, inputs)
    _same_bytes(base, grouped)
    ref = golden(inputs)
    for name in ("pooled", "kv", "cmp_kv_cache"):
        np.testing.assert_allclose(
            grouped[name].astype(np.float64), ref[name].astype(np.float64), rtol=1e-5, atol=1e-6
        )


def test_unroll_iter_args_numerics() -> None:
    """Expanding a reduction unroll gives the numpy sum/max, and the same bits as the
    interpreter running the pto.unroll itself."""
    text = """
    func.func @acc(%x: memref<4x8xf32>, %y: memref<2x8xf32>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %zero = arith.constant dense<0.0> : tensor<1x8xf32>
      %ninf = arith.constant dense<-3.4028234663852886e38> : tensor<1x8xf32>
      %s, %m = pto.unroll %j = 0 to 4 iter_args(%a = %zero, %b = %ninf) -> (tensor<1x8xf32>, tensor<1x8xf32>) {
        %v = pto.load %x[%j, %c0] : memref<4x8xf32> -> tensor<1x8xf32>
        %a2 = arith.addf %a, %v : tensor<1x8xf32>
        %b2 = arith.maximumf %b, %v : tensor<1x8xf32>
        pto.yield %a2, %b2 : tensor<1x8xf32>, tensor<1x8xf32>
      }
      pto.store %s, %y[%c0, %c0] : tensor<1x8xf32>, memref<2x8xf32>
      pto.store %m, %y[%c1, %c0] : tensor<1x8xf32>, memref<2x8xf32>
      func.return
    }
    """
    _interpreter()
    rng = np.random.default_rng(7)
    inputs = {"x": rng.standard_normal((4, 8), dtype=np.float32), "y": np.zeros((2, 8), np.float32)}
    want = _run(ptoc.parse(text), inputs)
    module = ptoc.run_pipeline(ptoc.parse(text), "pto-unroll-expand")
    assert not ops_of(module, pto.UnrollOp)
    got = _run(module, inputs)
    _same_bytes(want, got)
    x = inputs["x"]
    ref_sum = ((x[0] + x[1]) + x[2]) + x[3]
    np.testing.assert_array_equal(got["y"][0], ref_sum)
    np.testing.assert_array_equal(got["y"][1], x.max(axis=0))


@pytest.mark.parametrize("n", [1, 5, 6, 7, 13])
def test_dynamic_count_numerics(n: int) -> None:
    text = """
    func.func @f(%x: memref<16x8xf32>, %y: memref<16x8xf32>, %n: index) {
      pto.spmd %t = 0 to %n name "rows" {
        %c0 = arith.constant 0 : index
        %v = pto.load %x[%t, %c0] : memref<16x8xf32> -> tensor<1x8xf32>
        %e = math.exp %v : tensor<1x8xf32>
        pto.store %e, %y[%t, %c0] : tensor<1x8xf32>, memref<16x8xf32>
      }
      func.return
    }
    """
    _interpreter()
    rng = np.random.default_rng(n)
    x = rng.standard_normal((16, 8), dtype=np.float32)
    inputs = {"x": x, "y": np.zeros((16, 8), np.float32), "n": np.array(n, dtype=np.int64)}
    want = _run(ptoc.parse(text), inputs)
    for options in ("factor=2 remainder=guard", "factor=3 remainder=guard inner=range",
                    "factor=6 remainder=guard"):
        module = ptoc.run_pipeline(ptoc.parse(text), f"pto-spmd-coarsen{{{options}}},pto-unroll-expand")
        _same_bytes(want, _run(module, inputs))
    ref = np.zeros((16, 8), np.float32)
    ref[:n] = np.exp(x[:n])
    np.testing.assert_allclose(want["y"], ref, rtol=1e-6)
