"""The public Python API: a context with ptoc's dialects, parsing, pass pipelines."""

from __future__ import annotations

import bisect

from ptoc.diagnostics import PtoDiagnostic, describe_pipeline_error, verify
from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr, UnknownLoc
from xdsl.ir import Operation
from xdsl.parser import Parser
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError

UPSTREAM_DIALECTS = ("builtin", "func", "arith", "math", "scf", "memref", "tensor")


def context() -> Context:
    """A fresh context with `pto` and the upstream dialects ptoc uses."""
    from ptoc.dialects import PTO
    from xdsl.universe import Universe

    ctx = Context()
    all_dialects = Universe.get_multiverse().all_dialects
    for name in UPSTREAM_DIALECTS:
        ctx.register_dialect(name, all_dialects[name])
    ctx.load_dialect(PTO)
    return ctx


class LocatingParser(Parser):
    """A parser that gives every op its `file:line:col`, so diagnostics can cite it."""

    def __init__(self, ctx: Context, text: str, name: str = "<stdin>", line_offset: int = 0):
        super().__init__(ctx, text, name)
        self._filename = StringAttr(name)
        self._line_offset = line_offset
        self._line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def parse_operation(self) -> Operation:
        start = self._current_token.span.start
        op = super().parse_operation()
        if isinstance(op.location, UnknownLoc):
            line = bisect.bisect_right(self._line_starts, start) - 1
            col = start - self._line_starts[line] + 1
            op.location = FileLineColLoc(
                self._filename, IntAttr(line + 1 + self._line_offset), IntAttr(col)
            )
        return op


def parse(
    text: str | bytes,
    name: str = "<string>",
    ctx: Context | None = None,
    *,
    line_offset: int = 0,
    verify_module: bool = True,
) -> ModuleOp:
    """Parse MLIR text (custom or generic form) into a verified `builtin.module`.

    Errors are raised as `DiagnosticException`s carrying `file:line:col`.
    """
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
    ctx = ctx or context()
    try:
        module = LocatingParser(ctx, text, name, line_offset).parse_module()
    except ParseError:
        raise
    except DiagnosticException:
        raise
    except (ValueError, KeyError, TypeError, AssertionError, IndexError) as e:
        raise PtoDiagnostic(None, f"cannot parse input: {e}", name) from e
    if verify_module:
        verify(module)
    return module


def parse_pipeline(pipeline: str) -> list[ModulePass]:
    """The passes of a pipeline string, as `pto-opt -p` reads it."""
    from ptoc.passes import available_passes

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
