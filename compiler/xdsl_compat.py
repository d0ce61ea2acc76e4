"""Every workaround for a behaviour of xDSL 0.74, in one place.

Each entry names what upstream does, why ptoc cannot accept it, and is covered by a
test in `test/unit/test_xdsl_compat.py` that shows the upstream behaviour: when a new
xDSL fixes one, its test fails and the workaround can go. Nothing else in ptoc reaches
into xDSL's private members.

This module sits below `ptoc.diagnostics`: the checks return what they found (the op
and a message), and the caller turns it into a diagnostic.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Iterator
from typing import Any

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import AnyFloat, IndexType, IntegerAttr, ModuleOp
from xdsl.ir import Block, Operation, OpResult, SSAValue
from xdsl.parser import AttrParser, Parser
from xdsl.parser.core import ForwardDeclaredValue
from xdsl.parser.generic_parser import ParserState
from xdsl.utils.exceptions import DiagnosticException
from xdsl.utils.lexer import Input
from xdsl.utils.mlir_lexer import MLIRLexer

# --------------------------------------------------------------------------- lexer


class LinearStringLexer(MLIRLexer):
    """xDSL's lexer with a string-literal pattern that cannot backtrack exponentially.

    Upstream: `MLIRLexer._unescaped_characters_regex` is `"(?:[^"...]+|escape)*"`; the
    nested quantifier makes an unterminated string (a `"` dropped or added) take time
    exponential in the rest of its line, minutes to forever. This pattern accepts the
    same strings, one character per repetition, in linear time.
    """

    _unescaped_characters_regex = re.compile(r'"(?:[^"\\\n\v\f]|\\(?:["nt\\]|[0-9A-Fa-f]{2}))*"')


def set_parser_input(parser: Parser, text: str, name: str) -> None:
    """Point `parser` at `text` lexed by `LinearStringLexer`.

    Upstream: `Parser.__init__` builds its `MLIRLexer` itself and offers no way to
    pass another; its state is the private `_parser_state`.
    """
    parser._parser_state = ParserState(LinearStringLexer(Input(text, name)))  # pyright: ignore[reportPrivateUsage]


class OpNameRecordingParser(Parser):
    """A parser that records the name of every op it starts parsing (`op_names`).

    Upstream: a ParseError or crash inside an op's custom parser does not say which op
    was being parsed; the only hook that sees the name is the private
    `Parser._get_op_by_name`.
    """

    op_names: list[str]

    def _get_op_by_name(self, name: str) -> type[Operation]:
        self.op_names.append(name)
        return super()._get_op_by_name(name)

    def _parse_tensor_literal_element(self) -> Any:
        """A tensor literal element; a hexadecimal one of a float tensor is its bits.

        Upstream: in `dense<0xFF800000> : tensor<4xf32>` the hex literal is the bit
        pattern of each element (MLIR's rule, and what xDSL's own printer means when it
        prints an infinity or a NaN that way), but the parser converts the integer
        4286578688 to a float. A scalar `arith.constant 0xFF800000 : f32` is read as bits
        already. Without this, a -inf fill printed by ptoc and parsed again became 4.3e9.
        """
        text = self._current_token.text  # pyright: ignore[reportPrivateUsage]
        negative = text == "-"
        elem = super()._parse_tensor_literal_element()  # pyright: ignore[reportPrivateUsage]
        span_text = elem.span.text
        if not span_text.lstrip("-").lower().startswith("0x") or not isinstance(elem.value, int):
            return elem
        return _HexElement(negative or elem.is_negative, elem.value, elem.span)


class _HexElement(AttrParser._TensorLiteralElement):  # pyright: ignore[reportPrivateUsage]
    """A hexadecimal tensor literal element: for a float element type, the bits of the
    value (the literal must fit the type's width and carry no sign); for an integer
    type, the integer, as upstream."""

    def to_type(self, parser: AttrParser, type: Any) -> Any:
        if not isinstance(type, AnyFloat):
            return super().to_type(parser, type)
        size = type.compile_time_size
        value = int(self.value)  # pyright: ignore[reportArgumentType]
        if self.is_negative or value < 0 or value >= 1 << (8 * size):
            parser.raise_error(
                f"hexadecimal float literal out of range for {type}", at_position=self.span
            )
        return next(iter(type.iter_unpack(value.to_bytes(size, "little"))))


# Upstream: an op's custom parser or constructor (which may verify while parsing) raises
# these for malformed input instead of a ParseError, e.g. `arith.constant "x" : index`
# raises VerifyException (a DiagnosticException), a dense literal of 10**12 elements
# raises MemoryError, a bad integer width ValueError. They are the input's fault, so
# the parser reports them at the op being parsed.
PARSER_CRASHES: tuple[type[BaseException], ...] = (
    DiagnosticException,
    ValueError,
    KeyError,
    IndexError,
    OverflowError,
    ZeroDivisionError,
    MemoryError,
    struct.error,
    AssertionError,  # e.g. a float literal in a dense of complex elements (to_complex)
)

# Upstream: a few verifiers raise these on IR they do not expect (e.g. a malformed
# property) instead of a VerifyException; they are the op's verification error.
VERIFIER_CRASHES: tuple[type[BaseException], ...] = (ValueError, KeyError, IndexError)


# Upstream: an op's printer raises these for IR that was not verified (e.g. an
# out-of-range `arith.cmpi` predicate under `--disable-verify` raises IndexError).
PRINTER_CRASHES: tuple[type[BaseException], ...] = (ValueError, KeyError, IndexError)


def unresolved_forward_reference(module: ModuleOp) -> tuple[Operation, int] | None:
    """An (op, operand index) whose operand is still a parser placeholder.

    Upstream: xDSL resolves a forward reference only in ops built before the definition
    is parsed; an op whose operand is defined later inside its own region (a loop bound
    defined in the loop's body) keeps a `ForwardDeclaredValue` and parses without error.
    """
    for op in module.walk():
        for i, operand in enumerate(op.operands):
            if isinstance(operand, ForwardDeclaredValue):
                return op, i
    return None


# Upstream: a splat `dense<0.0> : tensor<3x99999999xf32>` is materialised as a Python
# list of every element while parsing (18 GB for that one line). ptoc refuses a splat
# whose type has more elements than this, before the parser sees it.
MAX_CONSTANT_ELEMENTS = 1 << 22

_SPLAT = re.compile(r"dense<\s*[^\[\s<>][^<>]*>\s*:\s*(?:tensor|vector|memref)<((?:\d+\s*x\s*)+)")


def oversized_splat(text: str) -> tuple[int, int] | None:
    """(offset in `text`, element count) of the first splat dense literal with more than
    MAX_CONSTANT_ELEMENTS elements, if any."""
    for m in _SPLAT.finditer(text):
        n = math.prod(int(d) for d in re.findall(r"\d+", m.group(1)))
        if n > MAX_CONSTANT_ELEMENTS:
            return m.start(), n
    return None


# --------------------------------------------------------------------------- verifier

_INDEX_MIN, _INDEX_MAX = -(2**63), 2**63 - 1


def upstream_invariant_violation(op: Operation) -> str | None:
    """What MLIR rejects but xDSL 0.74 verifies (and later crashes on): the message.

    Upstream: `arith.cmpi` / `arith.cmpf` verify with any predicate number (the
    printer then fails with IndexError); an `index` IntegerAttr verifies with a value
    beyond 64 bits.
    """
    if isinstance(op, (arith.CmpiOp, arith.CmpfOp)):
        n = len(arith.CMPI_COMPARISON_OPERATIONS if isinstance(op, arith.CmpiOp)
                else arith.CMPF_COMPARISON_OPERATIONS)
        pred = op.predicate.value.data
        if not 0 <= pred < n:
            return f"predicate {pred} is not a valid predicate (0 to {n - 1})"
    for attr in (*op.properties.values(), *op.attributes.values()):
        if isinstance(attr, IntegerAttr) and isinstance(
            attr.type, IndexType  # pyright: ignore[reportUnknownMemberType]
        ):
            v: int = attr.value.data  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            if not _INDEX_MIN <= v <= _INDEX_MAX:
                return f"index value {v} does not fit in 64 bits"
    return None


def dominance_violations(module: ModuleOp) -> Iterator[tuple[Operation, int, SSAValue]]:
    """(op, operand index, operand) for each use that its definition does not dominate.

    Upstream: xDSL 0.74 has no dominance check (MLIR's "operand does not dominate this
    use"): a value used before its definition in the same block parses, verifies, and
    reached the interpreter as an unset value. Regions of several blocks and graph
    regions (a module's body) are not ordered: their values are visible in the whole
    region.
    """
    visible: set[SSAValue] = set()
    found: list[tuple[Operation, int, SSAValue]] = []

    def walk_block(block: Block, ordered: bool) -> list[SSAValue]:
        added: list[SSAValue] = list(block.args)
        if not ordered:
            for op in block.ops:
                added.extend(op.results)
        visible.update(added)
        for op in block.ops:
            for i, operand in enumerate(op.operands):
                if operand not in visible:
                    found.append((op, i, operand))
            for region in op.regions:
                several = len(region.blocks) > 1 or isinstance(op, ModuleOp)
                inner: list[SSAValue] = []
                if several:
                    for b in region.blocks:
                        inner.extend(b.args)
                        for o in b.ops:
                            inner.extend(o.results)
                    visible.update(inner)
                for b in region.blocks:
                    visible.difference_update(walk_block(b, not several))
                visible.difference_update(inner)
            if ordered:
                visible.update(op.results)
                added.extend(op.results)
        return added

    for region in module.regions:
        for block in region.blocks:
            walk_block(block, False)
    yield from found


def defining_op(value: SSAValue) -> Operation | None:
    return value.owner if isinstance(value, OpResult) else None
