"""The upstream behaviours that `ptoc.xdsl_compat` works around, one test each.

Each test asserts what xDSL 0.74 itself does. When an xDSL release fixes one of them,
its test here fails: the workaround in `ptoc.xdsl_compat` can then be deleted.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp
from xdsl.parser import Parser
from xdsl.parser.core import ForwardDeclaredValue
from xdsl.utils.exceptions import ParseError, VerifyException
from xdsl.utils.mlir_lexer import MLIRLexer

from ptoc import xdsl_compat
from ptoc.api import context, parse
from ptoc.diagnostics import PtoDiagnostic


def _upstream_parse(text: str) -> ModuleOp:
    return Parser(context(), text, "t.mlir").parse_module()


def test_upstream_string_pattern_has_a_nested_quantifier() -> None:
    # `(?:[^"...]+|...)*`: a `+` inside a `*`, which backtracks exponentially on an
    # unterminated string
    assert "]+|" in MLIRLexer._unescaped_characters_regex.pattern  # pyright: ignore[reportPrivateUsage]
    assert "]+|" not in xdsl_compat.LinearStringLexer._unescaped_characters_regex.pattern  # pyright: ignore[reportPrivateUsage]


@given(st.text(alphabet='ab"\\\nnt0F ', max_size=12))
def test_linear_string_pattern_accepts_the_same_strings(s: str) -> None:
    up = MLIRLexer._unescaped_characters_regex  # pyright: ignore[reportPrivateUsage]
    ours = xdsl_compat.LinearStringLexer._unescaped_characters_regex  # pyright: ignore[reportPrivateUsage]
    text = '"' + s
    a, b = up.match(text), ours.match(text)
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert a.group(0) == b.group(0)


def test_upstream_parser_state_is_private() -> None:
    p = Parser(context(), "", "x")
    assert hasattr(p, "_parser_state")
    assert hasattr(Parser, "_get_op_by_name")


def test_upstream_verifies_an_out_of_range_cmpi_predicate() -> None:
    text = (
        'func.func @f(%a: index) {\n'
        '  %g = "arith.cmpi"(%a, %a) <{predicate = 65 : i64}> : (index, index) -> i1\n'
        '  func.return\n}\n'
    )
    _upstream_parse(text).verify()  # upstream: accepted
    with pytest.raises(PtoDiagnostic, match="predicate 65 is not a valid predicate"):
        parse(text)


def test_upstream_verifies_an_index_constant_beyond_64_bits() -> None:
    text = (
        'func.func @f() {\n'
        '  %c = "arith.constant"() <{value = 18446744073709551616 : index}> : () -> index\n'
        '  func.return\n}\n'
    )
    _upstream_parse(text).verify()
    with pytest.raises(PtoDiagnostic, match="does not fit in 64 bits"):
        parse(text)


def test_upstream_has_no_dominance_check() -> None:
    text = (
        'func.func @f() {\n'
        '  %b = "arith.addi"(%a, %a) : (index, index) -> index\n'
        '  %a = "arith.constant"() <{value = 1 : index}> : () -> index\n'
        '  func.return\n}\n'
    )
    _upstream_parse(text).verify()
    with pytest.raises(PtoDiagnostic, match="used before its definition"):
        parse(text)


def test_upstream_leaves_a_forward_reference_into_the_ops_own_region() -> None:
    text = (
        "func.func @f(%m: memref<64x64xf32>) {\n"
        '  pto.spmd %t = 0 to 4 name "s" {\n'
        "    %c4 = arith.constant 4 : index\n"
        "    pto.range %j = %c0 to %c4 step %c4 {\n"
        "      %c0 = arith.constant 0 : index\n"
        "    }\n"
        "  }\n"
        "  func.return\n}\n"
    )
    try:
        m = _upstream_parse(text)
    except ParseError:
        pytest.fail("upstream now rejects the forward reference: drop the workaround")
    assert any(isinstance(o, ForwardDeclaredValue) for op in m.walk() for o in op.operands)
    with pytest.raises(PtoDiagnostic, match="used before its definition"):
        parse(text)


def test_upstream_op_parser_raises_a_verify_exception_not_a_parse_error() -> None:
    text = 'func.func @f() {\n  %0 = arith.constant "x" : index\n  func.return\n}\n'
    with pytest.raises(VerifyException):
        _upstream_parse(text)
    assert issubclass(VerifyException, xdsl_compat.PARSER_CRASHES)
    with pytest.raises(ParseError, match=re.escape("'arith.constant' op is invalid")):
        parse(text)


def _dense_values(module: ModuleOp) -> list[float]:
    from xdsl.dialects import arith

    (c,) = [o for o in module.walk() if isinstance(o, arith.ConstantOp)]
    return list(c.value.get_values())  # pyright: ignore[reportAttributeAccessIssue]


_HEX_DENSE = """
func.func @k() -> tensor<2xf32> {
  %c = arith.constant dense<0xFF800000> : tensor<2xf32>
  func.return %c : tensor<2xf32>
}
"""


def test_upstream_reads_a_hex_dense_float_as_an_integer() -> None:
    # MLIR reads 0xFF800000 in a float dense literal as the bits of -inf
    assert _dense_values(_upstream_parse(_HEX_DENSE)) == [4286578688.0, 4286578688.0]


@pytest.mark.parametrize(
    ("literal", "dtype", "want"),
    [
        ("0xFF800000", "f32", float("-inf")),
        ("0x7F800000", "f32", float("inf")),
        ("0x3F800000", "f32", 1.0),
        ("0x7C00", "f16", float("inf")),
        ("0xFF80", "bf16", float("-inf")),
        ("0xBFF0000000000000", "f64", -1.0),
    ],
)
def test_a_hex_dense_float_is_its_bits(literal: str, dtype: str, want: float) -> None:
    text = _HEX_DENSE.replace("0xFF800000", literal).replace("f32", dtype)
    assert _dense_values(parse(text, "t.mlir")) == [want, want]
    # printed (xDSL prints infinities in hex) and parsed again: the same values
    assert _dense_values(parse(str(parse(text, "t.mlir")), "t.mlir")) == [want, want]


def test_a_hex_dense_float_nan_and_lists() -> None:
    import math

    text = _HEX_DENSE.replace("dense<0xFF800000>", "dense<[0x7FC00000, 2.5]>")
    nan, two = _dense_values(parse(text, "t.mlir"))
    assert math.isnan(nan) and two == 2.5
    # an integer dense literal in hex stays the integer
    ints = _HEX_DENSE.replace("f32", "i32").replace("0xFF800000", "0x10")
    assert _dense_values(parse(ints, "t.mlir")) == [16, 16]


@pytest.mark.parametrize("literal", ["0x1FF800000", "-0x3F800000"])
def test_a_hex_dense_float_out_of_range_is_a_located_error(literal: str) -> None:
    text = _HEX_DENSE.replace("0xFF800000", literal)
    with pytest.raises(ParseError, match="t.mlir:3:29") as err:
        parse(text, "t.mlir")
    assert "hexadecimal float literal out of range for f32" in str(err.value)
