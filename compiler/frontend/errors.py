"""Located diagnostics in a kernel's `.py` file: `file:line:col: error: ...` and a code
window with a caret under the offending token, the form PyPTO's parser prints."""

from __future__ import annotations

import ast
import linecache

from ptoc.diagnostics import PtoDiagnostic

WINDOW = 2
"""Lines of context shown before and after the error line."""


def _token_width(line: str, col: int) -> int:
    """Width of the identifier (dots included) starting at 0-based `col`, at least 1."""
    end = col
    while end < len(line) and (line[end].isalnum() or line[end] in "_."):
        end += 1
    return max(1, end - col)


def render(file: str, line: int, col: int, message: str, source: str | None = None,
           width: int | None = None) -> str:
    """`file:line:col: error: message`, then up to WINDOW lines either side, a caret line."""
    where = f"{file}:{line}:{col}" if line > 0 else file
    head = f"{where}: error: {message}"
    lines = source.splitlines() if source is not None else None

    def text(n: int) -> str | None:
        if lines is not None:
            return lines[n - 1] if 1 <= n <= len(lines) else None
        got = linecache.getline(file, n)
        return got.rstrip("\n") if got else None

    if line < 1 or text(line) is None:
        return head
    first, last = max(1, line - WINDOW), line + WINDOW
    rows: list[tuple[int, str]] = []
    for n in range(first, last + 1):
        t = text(n)
        if t is None:
            break
        rows.append((n, t.expandtabs(4)))
    gutter = len(str(rows[-1][0]))
    out = [head]
    for n, t in rows:
        out.append(f" {n:>{gutter}} | {t}".rstrip())
        if n == line:
            c = max(col - 1, 0)
            w = width if width is not None and width > 0 else _token_width(t, c)
            out.append(f" {'':>{gutter}} | {' ' * c}{'^' * w}")
    return "\n".join(out)


class FrontendError(PtoDiagnostic):
    """One user-facing error in a kernel file, located at file:line:col (1-based)."""

    def __init__(self, file: str, line: int, col: int, message: str,
                 source: str | None = None, width: int | None = None):
        self.file = file
        self.line = line
        self.col = col
        super().__init__(None, message, f"{file}:{line}:{col}" if line > 0 else file)
        self.rendered = render(file, line, col, message, source, width)
        self.args = (self.rendered,)

    def __str__(self) -> str:
        return self.rendered

    @classmethod
    def at(cls, file: str, node: ast.AST | None, message: str,
           source: str | None = None) -> FrontendError:
        line = getattr(node, "lineno", 0) or 0
        col = (getattr(node, "col_offset", 0) or 0) + 1
        width = None
        end_line = getattr(node, "end_lineno", None)
        end_col = getattr(node, "end_col_offset", None)
        if end_line == line and end_col is not None:
            width = end_col - (col - 1)
        return cls(file, line, col, message, source, width)


__all__ = ["FrontendError", "render"]
