"""The foundation: the pto dialect from Python, parsing, verification, the API, pto-opt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import (
    Float32Type,
    IndexType,
    MemRefType,
    ModuleOp,
    TensorType,
    i32,
)
from xdsl.ir import Block, Region
from xdsl.printer import Printer
from xdsl.utils.exceptions import DiagnosticException, ParseError, VerifyException

import ptoc
from ptoc.diagnostics import PtoDiagnostic, location_of
from ptoc.dialects import pto

F32 = Float32Type()
TILE = TensorType(F32, [1, 64])


def printed(module: ModuleOp) -> str:
    from io import StringIO

    out = StringIO()
    Printer(stream=out).print_op(module)
    return out.getvalue()


def wrap(body: str, args: str = "") -> str:
    return f"func.func @f({args}) {{\n{body}\n  func.return\n}}\n"


# ---------------------------------------------------------------- package layout


def test_namespace_layout_maps_folders_to_ptoc(root: Path) -> None:
    import ptoc.dialects
    import ptoc.passes
    import ptoc.tools

    assert Path(ptoc.__file__).parent == root / "compiler"
    assert Path(ptoc.dialects.__file__).parent == root / "dialects"
    assert Path(ptoc.passes.__file__).parent == root / "passes"
    assert Path(ptoc.tools.__file__).parent == root / "tools"


def test_importing_ptoc_is_lazy() -> None:
    code = "import sys, ptoc; print('ptoc.api' in sys.modules, 'xdsl.parser' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------- parse / print


def test_parse_example_and_find_scope(softmax_pool_text: str) -> None:
    module = ptoc.parse(softmax_pool_text, "softmax_pool.mlir")
    spmds = [op for op in module.walk() if isinstance(op, pto.SpmdOp)]
    assert len(spmds) == 1
    (spmd,) = spmds
    assert spmd.static_count == 64
    assert spmd.scope_name == "softmax_pool"
    assert spmd.core is not None and spmd.core.data == "vector"
    ranges = [op for op in module.walk() if isinstance(op, pto.RangeOp)]
    assert len(ranges) == 3
    assert [len(r.iter_args) for r in ranges] == [0, 3, 3]


def test_round_trip_custom_and_generic(softmax_pool_text: str) -> None:
    from io import StringIO

    module = ptoc.parse(softmax_pool_text)
    text = printed(module)
    assert printed(ptoc.parse(text)) == text
    generic = StringIO()
    Printer(stream=generic, print_generic_format=True).print_op(module)
    assert '"pto.spmd"' in generic.getvalue()
    assert printed(ptoc.parse(generic.getvalue())) == text


def test_every_op_gets_a_source_location(softmax_pool_text: str) -> None:
    module = ptoc.parse(softmax_pool_text, "sp.mlir")
    spmd = next(op for op in module.walk() if isinstance(op, pto.SpmdOp))
    loc = location_of(spmd)
    assert loc is not None and loc.startswith("sp.mlir:")
    line = int(loc.split(":")[1])
    assert "pto.spmd" in softmax_pool_text.splitlines()[line - 1]
    assert all(location_of(op) is not None for op in module.walk() if op is not module)


def test_parsing_a_text_again_gives_an_independent_clone(softmax_pool_text: str) -> None:
    """`ptoc.parse` keeps a clone of what it parsed: the same text again is a clone of it,
    equal in print, locations and name hints, and independent of every earlier result
    (a caller that rewrites its module changes no later parse)."""
    first = ptoc.parse(softmax_pool_text, "again.mlir")
    second = ptoc.parse(softmax_pool_text, "again.mlir")
    assert first is not second and printed(first) == printed(second)
    ops1, ops2 = list(first.walk()), list(second.walk())
    assert [location_of(o) for o in ops1] == [location_of(o) for o in ops2]
    assert not {id(o) for o in ops1} & {id(o) for o in ops2}
    before = printed(second)
    spmd = next(op for op in first.walk() if isinstance(op, pto.SpmdOp))
    spmd.detach()  # rewrite the first result
    third = ptoc.parse(softmax_pool_text, "again.mlir")
    assert printed(third) == before
    # another file name is another parse (locations name the file)
    other = ptoc.parse(softmax_pool_text, "other.mlir")
    assert all((location_of(o) or "").startswith("other.mlir:")
               for o in other.walk() if o is not other)


def test_a_parse_error_is_raised_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ParseError):
            ptoc.parse(wrap('  "pto.nope"() : () -> ()'), "twice.mlir")


def test_parse_error_is_a_parse_error_with_location() -> None:
    with pytest.raises(ParseError) as info:
        ptoc.parse(wrap('  "pto.nope"() : () -> ()'), "x.mlir")
    assert info.value.span.get_location().line == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "input is empty"),
        ("   \n\t\n", "input is empty"),
        (b"\xff\xfe\x00", "not UTF-8"),
        ("func.func @f() {\x00}", "NUL"),
    ],
)
def test_bad_input_is_a_diagnostic(text: str | bytes, message: str) -> None:
    with pytest.raises(PtoDiagnostic, match=re.escape(message)):
        ptoc.parse(text, "bad.mlir")


# ---------------------------------------------------------------- builders and verifiers


def _spmd_with(count: int) -> pto.SpmdOp:
    block = Block(arg_types=[IndexType()])
    block.add_op(pto.YieldOp())
    return pto.SpmdOp(count, Region(block), "s", "vector")


def test_build_spmd_from_python_verifies() -> None:
    op = _spmd_with(8)
    op.verify()
    assert op.static_count == 8 and op.scope_name == "s"


@pytest.mark.parametrize("count", [0, -3])
def test_spmd_count_must_be_positive(count: int) -> None:
    with pytest.raises(VerifyException, match="task count must be >= 1"):
        _spmd_with(count).verify()


def test_spmd_rejects_unknown_core_kind() -> None:
    block = Block(arg_types=[IndexType()])
    block.add_op(pto.YieldOp())
    with pytest.raises(VerifyException, match="core must be one of vector, cube, mix"):
        pto.SpmdOp(4, Region(block), "s", "gpu").verify()


def test_unroll_yield_must_match_iter_args() -> None:
    text = wrap(
        "  %r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (tensor<1x64xf32>) {\n"
        "    %c = arith.constant 1.0 : f32\n    pto.yield %c : f32\n  }",
        "%x: tensor<1x64xf32>",
    )
    with pytest.raises(DiagnosticException, match=r"pto\.yield value #0 has type f32"):
        ptoc.parse(text)


def test_range_accessors() -> None:
    text = wrap(
        "  %c0 = arith.constant 0 : index\n  %c4 = arith.constant 4 : index\n"
        "  %c1 = arith.constant 1 : index\n"
        "  %r = pto.range %s = %c0 to %c4 step %c1 pipeline 2 iter_args(%a = %x) -> (f32) {\n"
        "    %b = arith.addf %a, %a : f32\n    pto.yield %b : f32\n  }",
        "%x: f32",
    )
    module = ptoc.parse(text)
    (rng,) = [op for op in module.walk() if isinstance(op, pto.RangeOp)]
    assert rng.stages == 2
    assert rng.index.type == IndexType()
    assert len(rng.res) == 1


def test_tile_must_fit_unified_buffer() -> None:
    body = (
        "  %c0 = arith.constant 0 : index\n"
        "  %t = pto.load %m[%c0, %c0] : memref<512x512xf32> -> tensor<256x256xf32>"
    )
    with pytest.raises(DiagnosticException, match="does not fit the 196608-byte unified buffer"):
        ptoc.parse(wrap(body, "%m: memref<512x512xf32>"))
    small = body.replace("tensor<256x256xf32>", "tensor<192x256xf32>")
    ptoc.parse(wrap(small, "%m: memref<512x512xf32>"))  # exactly 192 KiB fits


def test_indices_must_be_index_typed() -> None:
    with pytest.raises((DiagnosticException, ParseError)):
        ptoc.parse(
            wrap("  %v = pto.read %m[%i] : memref<64xi32> -> i32", "%m: memref<64xi32>, %i: i32")
        )


def test_matmul_shape_inference_and_check() -> None:
    a = TensorType(Float32Type(), [64, 128])
    b = TensorType(Float32Type(), [128, 32])
    block = Block(arg_types=[a, b])
    mm = pto.MatmulOp(block.args[0], block.args[1], TensorType(F32, [64, 32]))
    block.add_op(mm)
    mm.verify()
    bad = pto.MatmulOp(block.args[0], block.args[1], TensorType(F32, [64, 64]))
    block.add_op(bad)
    with pytest.raises(VerifyException, match=r"gives \[64, 32\], not \[64, 64\]"):
        bad.verify()


def test_row_reduce_builder_infers_result_shape() -> None:
    block = Block(arg_types=[TensorType(F32, [16, 64])])
    op = pto.RowSumOp(block.args[0])
    block.add_op(op)
    op.verify()
    assert op.result.type == TensorType(F32, [16, 1])


def test_load_builder_and_memref_checks() -> None:
    mem = MemRefType(F32, [64, 512])
    block = Block(arg_types=[mem, IndexType()])
    ok = pto.LoadOp(block.args[0], [block.args[1], block.args[1]], TILE)
    block.add_op(ok)
    ok.verify()
    wrong_rank = pto.LoadOp(block.args[0], [block.args[1]], TILE)
    block.add_op(wrong_rank)
    with pytest.raises(VerifyException, match="rank-2 memref"):
        wrong_rank.verify()


# ---------------------------------------------------------------- API


def test_context_has_the_dialects_ptoc_uses() -> None:
    ctx = ptoc.context()
    for name in ("pto.spmd", "arith.addf", "math.exp", "scf.if", "func.func", "tensor.splat"):
        assert ctx.get_optional_op(name) is not None, name


def test_run_pipeline_with_upstream_passes(softmax_pool_text: str) -> None:
    module = ptoc.parse(softmax_pool_text)
    before = printed(module)
    out = ptoc.run_pipeline(module, "cse,canonicalize")
    assert out is module
    assert "pto.spmd" in printed(module)
    assert printed(module).count("arith.constant") <= before.count("arith.constant")


@pytest.mark.parametrize(
    "pipeline, message",
    [
        ("no-such-pass", "Unrecognized passes"),
        ("cse{factor=abc}", "factor"),
        ("canonicalize{x=", "bad pass pipeline"),
    ],
)
def test_run_pipeline_rejects_bad_pipelines(softmax_pool_text: str, pipeline: str, message: str) -> None:
    module = ptoc.parse(softmax_pool_text)
    with pytest.raises(PtoDiagnostic, match=re.escape(message)):
        ptoc.run_pipeline(module, pipeline)


def test_diagnostic_text_names_op_and_location() -> None:
    with pytest.raises(PtoDiagnostic) as info:
        ptoc.parse(wrap("  pto.unroll %j = 0 to 0 {\n  }"), "k.mlir")
    assert str(info.value).startswith("k.mlir:2:3: error: 'pto.unroll' op ")


def test_func_and_arith_builders_interoperate() -> None:
    c = arith.ConstantOp.from_int_and_width(3, IndexType())
    assert c.result.type == IndexType()
    assert func.FuncOp is not None


# ---------------------------------------------------------------- pto-opt


def _pto_opt(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ptoc.tools.pto_opt", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_pto_opt_round_trips_stdin(softmax_pool_text: str) -> None:
    first = _pto_opt(stdin=softmax_pool_text)
    assert first.returncode == 0, first.stderr
    second = _pto_opt(stdin=first.stdout)
    assert second.stdout == first.stdout


def test_pto_opt_errors_have_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mlir"
    bad.write_text(wrap("  pto.spmd %t = 0 to 0 {\n  }"))
    res = _pto_opt(str(bad))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines()[0].endswith(
        "error: 'pto.spmd' op pto.spmd task count must be >= 1, got 0"
    )


def test_pto_opt_never_truncates_its_input(tmp_path: Path, softmax_pool_text: str) -> None:
    src = tmp_path / "k.mlir"
    src.write_text(softmax_pool_text)
    res = _pto_opt(str(src), "-o", str(src))  # refused: never over an input (issue 12)
    assert res.returncode == 1 and "refusing to overwrite an input" in res.stderr
    assert src.read_text() == softmax_pool_text
    target = tmp_path / "out.mlir"
    target.write_text("precious")
    res = _pto_opt(str(tmp_path / "missing.mlir"), "-o", str(target))
    assert res.returncode == 1
    assert target.read_text() == "precious"


def test_verify_memo_never_passes_a_bad_op() -> None:
    """`verify` remembers the signatures of arith / math ops that verified; an op that
    does not verify is rejected every time, next to ops of a remembered signature."""
    good = (
        "func.func @f(%a: i32, %b: i32) -> i32 {\n"
        "  %c = arith.addi %a, %b : i32\n"
        "  %d = arith.addi %c, %b : i32\n"
        "  func.return %d : i32\n"
        "}\n"
    )
    for _ in range(2):
        ptoc.parse(good, "good.mlir", ptoc.context())
    fn = func.FuncOp("g", ((i32, i32), (i32,)))
    x, y = fn.body.block.args
    ok = arith.AddiOp(x, y)  # the signature remembered above
    bad = arith.AddiOp(ok.result, y)
    bad.results[0]._type = Float32Type()  # pyright: ignore[reportPrivateUsage]  # i32 + i32 -> f32
    fn.body.block.add_ops([ok, bad, func.ReturnOp(ok.result)])
    module = ModuleOp([fn])
    for _ in range(2):
        with pytest.raises(PtoDiagnostic) as err:
            ptoc.diagnostics.verify(module)
        assert err.value.op is bad


def test_verify_memo_of_loads_keys_on_the_target(tmp_path: Path) -> None:
    """A `pto.load` remembered as verified under the default target is verified again
    under a target whose unified buffer its tile does not fit: the memo of pto memory
    ops keys on the enclosing modules' attributes (where `pto.target` is)."""
    small = tmp_path / "tiny_ub.toml"
    small.write_text('extends = "a2a3"\n\n[memory]\nub_bytes = 1024\n')
    body = (
        "  func.func @k(%m: memref<64x64xf32>) {\n"
        '    pto.spmd %t = 0 to 4 name "s" core vector {\n'
        "      %c0 = arith.constant 0 : index\n"
        "      %v = pto.load %m[%t, %c0] : memref<64x64xf32> -> tensor<16x64xf32>\n"
        "      pto.store %v, %m[%t, %c0] : tensor<16x64xf32>, memref<64x64xf32>\n"
        "    }\n"
        "    func.return\n"
        "  }\n"
    )
    ok = ptoc.parse("builtin.module {\n" + body + "}\n", "ok.mlir")
    for _ in range(2):
        ptoc.diagnostics.verify(ok)  # remembered
    text = 'builtin.module attributes {pto.target = "' + str(small) + '"} {\n' + body + "}\n"
    with pytest.raises(PtoDiagnostic, match="does not fit"):
        ptoc.parse(text, "tiny.mlir")
