"""Diagnostics that name the op and its source location, MLIR style.

`file:line:col: error: 'pto.spmd' op message`. The location comes from the op's
`location` (set for every op by `ptoc.parse`, or from an explicit `loc(...)`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from xdsl.dialects.builtin import FileLineColLoc, ModuleOp
from xdsl.ir import Block, Operation, OpResult, SSAValue
from xdsl.utils.exceptions import DiagnosticException, ParseError

from ptoc.dialects.upstream import upstream_use_violation


def location_of(op: Operation | None) -> str | None:
    """`file:line:col` of `op` or of its closest located ancestor, if any."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return f"{loc.filename.data}:{loc.line.data}:{loc.column.data}"
        op = op.parent_op()
    return None


def format_diagnostic(
    op: Operation | None, message: str, severity: str = "error", loc: str | None = None
) -> str:
    loc = location_of(op) or loc
    prefix = f"{loc}: " if loc else ""
    what = f"'{op.name}' op " if op is not None else ""
    return f"{prefix}{severity}: {what}{message}"


class PtoDiagnostic(DiagnosticException):
    """A user-facing error about one op (or about the input as a whole)."""

    def __init__(self, op: Operation | None, message: str, loc: str | None = None):
        self.op = op
        self.message = message
        super().__init__(format_diagnostic(op, message, loc=loc))


def op_error(op: Operation | None, message: str) -> PtoDiagnostic:
    return PtoDiagnostic(op, message)


def format_parse_error(e: ParseError) -> str:
    """`file:line:col: error: message`, then the source line with a caret."""
    loc = e.span.get_location()
    context = e.span.print_with_context().splitlines()[1:]
    return "\n".join([f"{loc}: error: {e.msg}", *context])


def describe_pipeline_error(pipeline: str, e: BaseException) -> str:
    """One line for an error xdsl raised while reading a pass pipeline string."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    where = next((ln for ln in lines if ln.startswith("pass-pipeline:")), None)
    msg = lines[-1] if lines else type(e).__name__
    if where is not None:
        msg = f"at column {where.rsplit(':', 1)[-1]}: {msg}"
    return f"bad pass pipeline '{pipeline}': {msg}"


def warn(op: Operation | None, message: str) -> None:
    """Print a warning about `op` to stderr; compilation continues."""
    print(format_diagnostic(op, message, "warning"), file=sys.stderr)


def _postorder(op: Operation) -> Iterator[Operation]:
    for region in op.regions:
        for block in region.blocks:
            for child in block.ops:
                yield from _postorder(child)
    yield op


_INDEX_MIN, _INDEX_MAX = -(2**63), 2**63 - 1


def _check_upstream(op: Operation) -> None:
    """What MLIR rejects but xdsl 0.74 accepts, and later crashes on (found by fuzzing)."""
    from xdsl.dialects import arith
    from xdsl.dialects.builtin import IndexType, IntegerAttr

    if isinstance(op, (arith.CmpiOp, arith.CmpfOp)):
        n = len(arith.CMPI_COMPARISON_OPERATIONS if isinstance(op, arith.CmpiOp)
                else arith.CMPF_COMPARISON_OPERATIONS)
        pred = op.predicate.value.data
        if not 0 <= pred < n:
            raise PtoDiagnostic(op, f"predicate {pred} is not a valid predicate (0 to {n - 1})")
    for attr in (*op.properties.values(), *op.attributes.values()):
        if isinstance(attr, IntegerAttr) and isinstance(
            attr.type, IndexType  # pyright: ignore[reportUnknownMemberType]
        ):
            v: int = attr.value.data  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            if not _INDEX_MIN <= v <= _INDEX_MAX:
                raise PtoDiagnostic(op, f"index value {v} does not fit in 64 bits")
    problem = upstream_use_violation(op)  # reused upstream ops: the checks xdsl lacks
    if problem is not None:
        raise PtoDiagnostic(op, problem)


def _check_dominance(module: ModuleOp) -> None:
    """Every operand is defined before its use, in its block or an enclosing one.

    xdsl 0.74 does not check this (MLIR's "operand does not dominate this use"): a
    value used before its definition in the same block parses, verifies, and reached
    the interpreter as an unset value. Regions of several blocks and graph regions
    (a module's body) are not ordered: their values are visible in the whole region.
    """
    visible: set[SSAValue] = set()

    def walk_block(block: Block, ordered: bool) -> list[SSAValue]:
        added: list[SSAValue] = list(block.args)
        if not ordered:
            for op in block.ops:
                added.extend(op.results)
        visible.update(added)
        for op in block.ops:
            for i, operand in enumerate(op.operands):
                if operand not in visible:
                    name = f" %{operand.name_hint}" if operand.name_hint else ""
                    owner = operand.owner if isinstance(operand, OpResult) else None
                    where = location_of(owner) if owner is not None else None
                    at = f" (defined at {where})" if where else ""
                    raise PtoDiagnostic(
                        op, f"operand #{i}{name} is used before its definition or outside "
                        f"the region that defines it{at}"
                    )
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


def verify(module: ModuleOp) -> None:
    """Verify `module`, innermost ops first, raising a located `PtoDiagnostic`."""
    _check_dominance(module)
    for op in _postorder(module):
        try:
            op.verify(verify_nested_ops=False)
            _check_upstream(op)
        except PtoDiagnostic:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError) as e:
            # a verifier that crashed on IR it did not expect: still the op's error
            raise PtoDiagnostic(op, f"does not verify ({type(e).__name__}: {e})") from e
        except DiagnosticException as e:
            msg = str(e.args[0]) if e.args else str(e)
            prefix = "Operation does not verify: "
            if msg.startswith(prefix):
                msg = msg[len(prefix) :]
            lines = [line.strip() for line in msg.strip().splitlines() if line.strip()]
            raise PtoDiagnostic(op, " ".join(lines) if lines else type(e).__name__) from e
