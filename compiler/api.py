"""The public Python API: a context with ptoc's dialects, parsing, pass pipelines.

Layer: above the passes (it reads the pass registry) and below the frontend, backend,
cost model and tuning, which use it to parse.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict

from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.ir import Operation
from xdsl.passes import ModulePass, PassPipeline
from xdsl.universe import Universe
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.utils.lexer import Input, Span

from ptoc import xdsl_compat
from ptoc.diagnostics import PtoDiagnostic, describe_pipeline_error, verify
from ptoc.dialects import PTO
from ptoc.passes import available_passes

UPSTREAM_DIALECTS = ("builtin", "func", "arith", "math", "scf", "memref", "tensor", "linalg")


def context() -> Context:
    """A fresh context with `pto` and the upstream dialects ptoc uses."""
    ctx = Context()
    all_dialects = Universe.get_multiverse().all_dialects
    for name in UPSTREAM_DIALECTS:
        ctx.register_dialect(name, all_dialects[name])
    ctx.load_dialect(PTO)
    return ctx


_NEWLINE = re.compile("\n")


class LocatingParser(xdsl_compat.OpNameRecordingParser):
    """A parser that gives every op its `file:line:col`, so diagnostics can cite it."""

    def __init__(self, ctx: Context, text: str, name: str = "<stdin>", line_offset: int = 0):
        super().__init__(ctx, "", name)
        xdsl_compat.set_parser_input(self, text, name)
        self._filename = StringAttr(name)
        self._line_offset = line_offset
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.op_names = []

    def parse_module(self, allow_implicit_module: bool = True) -> ModuleOp:
        module = super().parse_module(allow_implicit_module)
        unresolved = xdsl_compat.unresolved_forward_reference(module)
        if unresolved is not None:
            op, i = unresolved
            raise PtoDiagnostic(
                op, f"operand #{i} is used before its definition (it is defined "
                "later, inside this op's region or after it)"
            )
        return module

    def parse_operation(self) -> Operation:
        start_span = self._current_token.span
        start = start_span.start
        depth = len(self.op_names)
        try:
            op = super().parse_operation()
        except ParseError:
            raise
        except xdsl_compat.PARSER_CRASHES as e:
            # An op's own parser or constructor (a verifier run while parsing) failed, or
            # the input asks for more memory than there is: report it at the op.
            name = self.op_names[depth] if len(self.op_names) > depth else None
            what = f"'{name}' op " if name else ""
            text = (str(e.args[0]) if isinstance(e, DiagnosticException) and e.args else str(e))
            lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
            if isinstance(e, MemoryError):
                detail = "is too large to build (out of memory)"
            else:
                detail = "is invalid: " + (" ".join(lines[:3]) or type(e).__name__)
            raise ParseError(start_span, f"{what}{detail}") from e
        finally:
            del self.op_names[depth:]
        if isinstance(op.location, UnknownLoc):
            line = bisect.bisect_right(self._line_starts, start) - 1
            col = start - self._line_starts[line] + 1
            op.location = FileLineColLoc(
                self._filename, IntAttr(line + 1 + self._line_offset), IntAttr(col)
            )
        return op


# Parsed modules by (text, name, line offset, verified), most recent last: parsing the
# same text again (a sweep's variants, a test suite's fixtures) returns a clone, which
# is an order of magnitude cheaper than parsing (the seed kernel: 8 ms against 130 ms).
# Only texts parsed with ptoc's own context, at most PARSE_CACHE_TEXT_BYTES long; the
# cached modules are never handed out, only their clones.
PARSE_CACHE_ENTRIES = 16
PARSE_CACHE_TEXT_BYTES = 1 << 20
_parsed: OrderedDict[tuple[str, str, int, bool], ModuleOp] = OrderedDict()


def parse(
    text: str | bytes,
    name: str = "<string>",
    ctx: Context | None = None,
    *,
    line_offset: int = 0,
    verify_module: bool = True,
) -> ModuleOp:
    """Parse MLIR text (custom or generic form) into a verified `builtin.module`.

    Errors are raised as `DiagnosticException`s carrying `file:line:col`. A text parsed
    before (same name and options, the default context) gives a fresh clone of the
    earlier result.
    """
    if ctx is None and isinstance(text, str) and len(text) <= PARSE_CACHE_TEXT_BYTES:
        key = (text, name, line_offset, verify_module)
        hit = _parsed.get(key)
        if hit is not None:
            _parsed.move_to_end(key)
            return hit.clone()
        module = _parse(text, name, None, line_offset=line_offset, verify_module=verify_module)
        _parsed[key] = module.clone()
        while len(_parsed) > PARSE_CACHE_ENTRIES:
            _parsed.popitem(last=False)
        return module
    return _parse(text, name, ctx, line_offset=line_offset, verify_module=verify_module)


def _parse(
    text: str | bytes,
    name: str,
    ctx: Context | None,
    *,
    line_offset: int,
    verify_module: bool,
) -> ModuleOp:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise PtoDiagnostic(
                None, f"input is not UTF-8 text (byte {e.start}): is it an MLIR file?", name
            ) from e
    if "\x00" in text:
        raise PtoDiagnostic(None, "input contains NUL bytes: is it an MLIR file?", name)
    if not text.strip():
        raise PtoDiagnostic(None, "input is empty: expected an MLIR module", name)
    big = xdsl_compat.oversized_splat(text)
    if big is not None:
        offset, n = big
        raise ParseError(
            Span(offset, offset + len("dense"), Input(text, name), line_offset),
            f"a dense constant of {n} elements is more than the limit of "
            f"{xdsl_compat.MAX_CONSTANT_ELEMENTS} elements",
        )
    ctx = ctx or context()
    try:
        module = LocatingParser(ctx, text, name, line_offset).parse_module()
    except ParseError:
        raise
    except DiagnosticException:
        raise
    except MemoryError as e:
        raise PtoDiagnostic(None, "the input is too large to parse (out of memory)", name) from e
    except xdsl_compat.PARSER_CRASHES as e:
        raise PtoDiagnostic(None, f"cannot parse input: {e}", name) from e
    if verify_module:
        verify(module)
    return module


def parse_pipeline(pipeline: str) -> list[ModulePass]:
    """The passes of a pipeline string, as `pto-opt -p` reads it (every registered pass:
    those of a higher layer once it is imported, e.g. `import ptoc.tuning`)."""
    passes: list[ModulePass] = []
    try:
        built = PassPipeline.parse_spec(available_passes(), pipeline)
    except DiagnosticException:
        raise
    except (Exception, ArgSpecParseError) as e:  # xdsl reports bad specs in several ways
        raise PtoDiagnostic(None, describe_pipeline_error(pipeline, e)) from e
    passes.extend(built.passes)
    return passes


def run_pipeline(
    module: ModuleOp, pipeline: str, ctx: Context | None = None, *, verify_each: bool = True
) -> ModuleOp:
    """Apply `pipeline` (the `pto-opt -p` syntax) to `module` in place; return it."""
    ctx = ctx or context()
    for p in parse_pipeline(pipeline):
        p.apply(ctx, module)
        if verify_each:
            verify(module)
    return module
