"""Diagnostics as data: errors, warnings and notes about ops, MLIR style.

A `Diagnostic` is a severity, a message, the op it is about (by name), its source
location and structured fields (what a caller needs without parsing the message). Passes
report warnings and notes with `warn` / `note`, which go to the current `DiagnosticSink`
(a context variable, so every pass reaches it without a handle being threaded through).
Errors stop a pass: they are raised as `PtoDiagnostic`, which carries its `Diagnostic`.

Tools choose the sink: by default each diagnostic is rendered to stderr
(`file:line:col: warning: 'pto.spmd' op message`); `pto-opt --verify-diagnostics`
collects them to match against `expected-*` annotations, and the tuner collects each
variant's warnings to keep them with the variant. Nothing parses printed text.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, FileLineColLoc, ModuleOp
from xdsl.ir import Operation
from xdsl.utils.exceptions import DiagnosticException, ParseError

from ptoc import xdsl_compat


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class SourceLocation:
    """`file:line:col`, 1-based."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One error, warning or note; `render()` is its one-line text."""

    severity: Severity
    message: str
    op_name: str | None = None
    location: SourceLocation | None = None
    fields: Mapping[str, Any] = field(default_factory=dict[str, Any])
    # a location given as text only (e.g. a file name without line), when `location` is None
    where: str | None = None

    def render(self) -> str:
        loc = str(self.location) if self.location is not None else self.where
        prefix = f"{loc}: " if loc else ""
        what = f"'{self.op_name}' op " if self.op_name is not None else ""
        return f"{prefix}{self.severity}: {what}{self.message}"


def source_location(op: Operation | None) -> SourceLocation | None:
    """The location of `op` or of its closest located ancestor, if any."""
    while op is not None:
        loc = op.location
        if isinstance(loc, FileLineColLoc):
            return SourceLocation(loc.filename.data, loc.line.data, loc.column.data)
        op = op.parent_op()
    return None


def location_of(op: Operation | None) -> str | None:
    """`file:line:col` of `op` or of its closest located ancestor, if any."""
    loc = source_location(op)
    return None if loc is None else str(loc)


def make_diagnostic(
    op: Operation | None,
    message: str,
    severity: Severity | str = Severity.ERROR,
    loc: str | None = None,
    **fields: Any,
) -> Diagnostic:
    return Diagnostic(
        Severity(severity),
        message,
        op.name if op is not None else None,
        source_location(op),
        fields,
        where=loc,
    )


def format_diagnostic(
    op: Operation | None, message: str, severity: str = "error", loc: str | None = None
) -> str:
    return make_diagnostic(op, message, severity, loc).render()


class PtoDiagnostic(DiagnosticException):
    """A user-facing error about one op (or about the input as a whole)."""

    def __init__(
        self, op: Operation | None, message: str, loc: str | None = None, **fields: Any
    ):
        self.op = op
        self.message = message
        self.diagnostic = make_diagnostic(op, message, Severity.ERROR, loc, **fields)
        super().__init__(self.diagnostic.render())


def op_error(op: Operation | None, message: str, **fields: Any) -> PtoDiagnostic:
    return PtoDiagnostic(op, message, **fields)


# --------------------------------------------------------------------------- the sink


class DiagnosticSink:
    """Where warnings and notes go. `forward` (if given) sees each one as it arrives."""

    def __init__(self, forward: Callable[[Diagnostic], None] | None = None):
        self.diagnostics: list[Diagnostic] = []
        self._forward = forward

    def emit(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)
        if self._forward is not None:
            self._forward(diagnostic)

    def of(self, severity: Severity) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == severity]


def render_to_stderr(diagnostic: Diagnostic) -> None:
    print(diagnostic.render(), file=sys.stderr)


_SINK: ContextVar[DiagnosticSink | None] = ContextVar("ptoc_diagnostic_sink", default=None)


def current_sink() -> DiagnosticSink | None:
    return _SINK.get()


@contextlib.contextmanager
def diagnostic_sink(sink: DiagnosticSink | None = None) -> Iterator[DiagnosticSink]:
    """Send the diagnostics emitted inside the block to `sink` (a new collecting one by
    default), instead of stderr."""
    sink = sink if sink is not None else DiagnosticSink()
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


def emit(diagnostic: Diagnostic) -> None:
    """Report `diagnostic` to the current sink (stderr when none is installed)."""
    sink = _SINK.get()
    if sink is None:
        render_to_stderr(diagnostic)
    else:
        sink.emit(diagnostic)


def warn(op: Operation | None, message: str, **fields: Any) -> None:
    """A warning about `op`; compilation continues."""
    emit(make_diagnostic(op, message, Severity.WARNING, **fields))


def note(op: Operation | None, message: str, **fields: Any) -> None:
    """A note about `op` (context for an error or warning)."""
    emit(make_diagnostic(op, message, Severity.NOTE, **fields))


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


def _postorder(op: Operation) -> Iterator[Operation]:
    for region in op.regions:
        for block in region.blocks:
            for child in block.ops:
                yield from _postorder(child)
    yield op


_OP_CHECKS: list[Callable[[Operation], str | None]] = []


def register_op_check(check: Callable[[Operation], str | None]) -> None:
    """Add a check that `verify` runs on every op after its own verifier: it returns what
    is wrong with the op, or None. A higher layer registers its checks this way (the
    dialects register the checks of the upstream ops ptoc reuses), so this module imports
    nothing above it."""
    if check not in _OP_CHECKS:
        _OP_CHECKS.append(check)


# Signatures of `arith` / `math` ops that passed xDSL's verifier. Such an op (no regions,
# no successors, no dense constant) is verified by its name, operand and result types,
# properties and attributes alone (type constraints, traits like
# SameOperandsAndResultType, a constant's value against its type), so an op of a
# signature seen before passes again: a clone-heavy module (an expanded unroll: 16
# copies of a body) verifies each distinct op once. ptoc's own checks below still run
# on every op.
_MEMO_DIALECTS = frozenset({"arith", "math"})
# The same holds for these `pto` memory ops (no traits; their verifiers check types and
# index operands, and `pto.load` the tile against the buffer that holds it: the UB or,
# in a cube task, the L1 of the target that an enclosing module names): their key adds
# the attributes of every enclosing module and the enclosing section or scope kind.
_MEMO_OPS = frozenset({"pto.load", "pto.store", "pto.read"})
_VERIFIED: set[tuple[Any, ...]] = set()
_VERIFIED_MAX = 1 << 14


def _modules_around(op: Operation) -> tuple[Any, ...]:
    found: list[Any] = []
    p = op.parent_op()
    while p is not None:
        if isinstance(p, ModuleOp):
            found.append(tuple(sorted(p.attributes.items())))
        p = p.parent_op()
    return tuple(found)


def _placement_around(op: Operation) -> Any:
    """The side of the nearest enclosing `pto.section`, or the core of the nearest
    `pto.spmd`: what decides the buffer a memory op's tile must fit (the L1 of a cube
    core or the UB of a vector core, `ptoc.dialects.target.in_cube`)."""
    p = op.parent_op()
    while p is not None:
        if p.name == "pto.section":
            return ("section", p.properties.get("side"))
        if p.name == "pto.spmd":
            return ("spmd", p.properties.get("core"))
        p = p.parent_op()
    return None


def _verified_key(op: Operation) -> tuple[Any, ...] | None:
    """`op`'s memo key, or None when it is to be verified every time."""
    if op.regions or op.successors:
        return None
    memo_op = op.name in _MEMO_OPS
    if not memo_op and op.dialect_name() not in _MEMO_DIALECTS:
        return None
    props = op.properties
    if any(isinstance(v, DenseIntOrFPElementsAttr) for v in props.values()):
        return None
    try:
        key = (
            op.name,
            tuple(v.type for v in op.operands),
            tuple(r.type for r in op.results),
            tuple(sorted(props.items())),
            tuple(sorted(op.attributes.items())),
            (_modules_around(op), _placement_around(op)) if memo_op else (),
        )
        hash(key)
    except TypeError:  # an unhashable or unorderable attribute: verify it every time
        return None
    return key


def verify(module: ModuleOp) -> None:
    """Verify `module`, innermost ops first, raising a located `PtoDiagnostic`."""
    for op, i, operand in xdsl_compat.dominance_violations(module):
        name = f" %{operand.name_hint}" if operand.name_hint else ""
        owner = xdsl_compat.defining_op(operand)
        where = location_of(owner) if owner is not None else None
        at = f" (defined at {where})" if where else ""
        raise PtoDiagnostic(
            op, f"operand #{i}{name} is used before its definition or outside "
            f"the region that defines it{at}"
        )
    for op in _postorder(module):
        key = _verified_key(op)
        try:
            if key is None or key not in _VERIFIED:
                op.verify(verify_nested_ops=False)
                if key is not None:
                    if len(_VERIFIED) >= _VERIFIED_MAX:
                        _VERIFIED.clear()
                    _VERIFIED.add(key)
        except xdsl_compat.VERIFIER_CRASHES as e:
            # a verifier that raised on IR it did not expect: still the op's error
            raise PtoDiagnostic(op, f"does not verify ({type(e).__name__}: {e})") from e
        except PtoDiagnostic:
            raise
        except DiagnosticException as e:
            msg = str(e.args[0]) if e.args else str(e)
            prefix = "Operation does not verify: "
            if msg.startswith(prefix):
                msg = msg[len(prefix) :]
            lines = [line.strip() for line in msg.strip().splitlines() if line.strip()]
            raise PtoDiagnostic(op, " ".join(lines) if lines else type(e).__name__) from e
        problem = xdsl_compat.upstream_invariant_violation(op)
        for check in _OP_CHECKS:
            if problem is not None:
                break
            problem = check(op)
        if problem is not None:
            raise PtoDiagnostic(op, problem)
