"""Loading a kernel file the way PyPTO's users do: its top level runs as Python.

`from config import ...`, module constants and `assert`s run (with the stand-in
`pypto.language`), exactly as importing the module would; kernel bodies are only
recorded. `constants={"POOL_GROUP": 2}` replaces the value of module-level constants
before the top level runs, so derived constants (`B // POOL_GROUP`) follow.
"""

from __future__ import annotations

import ast
import builtins
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from ptoc.frontend.absent import absent_modules
from ptoc.frontend.errors import FrontendError
from ptoc.frontend.language import KernelFunction, installed

MAX_SOURCE_BYTES = 4 * 1024 * 1024
"""A kernel file larger than this is rejected (the seed's kernel is ~20 KB)."""

TOP_LEVEL_TIMEOUT_S = 60
"""The module's top-level code must finish within this many seconds."""


@dataclass
class LoadedKernelFile:
    """A kernel file after its top level ran: its globals, source and AST."""

    path: str
    source: str
    tree: ast.Module
    globals: dict[str, Any]
    sources: dict[str, tuple[str, ast.Module]] = field(default_factory=dict[str, tuple[str, ast.Module]])
    leftover: dict[str, Any] = field(default_factory=dict[str, Any])
    """`constants` that are no module constant: values of the entry's scalar parameters."""

    def kernels(self) -> dict[str, KernelFunction]:
        return {k: v for k, v in self.globals.items() if isinstance(v, KernelFunction)}

    def source_of(self, filename: str) -> tuple[str, ast.Module]:
        """(text, AST) of a file that defines kernels (this one, or one it imports)."""
        if os.path.abspath(filename) == os.path.abspath(self.path):
            return self.source, self.tree
        if filename not in self.sources:
            text = _read(filename)
            self.sources[filename] = (text, _parse(filename, text))
        return self.sources[filename]


def _read(path: str) -> str:
    try:
        size = os.path.getsize(path)
        if size > MAX_SOURCE_BYTES:
            raise FrontendError(path, 0, 0, f"the file is {size} bytes; a kernel file may have "
                                f"at most {MAX_SOURCE_BYTES}")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise FrontendError(path, 0, 0, f"cannot read the kernel file: {e.strerror or e}") from e
    if b"\x00" in data:
        raise FrontendError(path, 0, 0, "the file is binary (contains NUL bytes), not Python")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FrontendError(path, 0, 0, f"the file is not UTF-8 text (byte {e.start})") from e


def _parse(path: str, text: str) -> ast.Module:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as e:
        raise FrontendError(path, e.lineno or 0, e.offset or 0, f"invalid Python syntax: {e.msg}",
                            text) from e
    except (ValueError, RecursionError, MemoryError) as e:
        raise FrontendError(path, 0, 0, f"cannot parse the file: {e}") from e


def parse_value(text: str) -> Any:
    """A `--set` value: a Python literal (1, 2.5, True, 'range'), else the bare string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _override(path: str, source: str, tree: ast.Module, constants: Mapping[str, Any]
              ) -> dict[str, Any]:
    """Replace the values of top-level `NAME = ...` (or bind NAME right after the
    `from m import NAME` that binds it). The names that are no module constant are
    returned: they may be scalar parameters of the entry (`unknown_constant` is the
    error for one that is not)."""
    done: set[str] = set()
    body: list[ast.stmt] = []
    for stmt in tree.body:
        body.append(stmt)
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets = [stmt.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        hit = [n for n in names if n in constants]
        if hit and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            stmt.value = ast.copy_location(ast.Constant(constants[hit[0]]), stmt.value or stmt)
            done.update(hit)
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                bound = alias.asname or alias.name
                if bound in constants:
                    new = ast.Assign(targets=[ast.Name(bound, ast.Store())],
                                     value=ast.Constant(constants[bound]))
                    body.append(ast.copy_location(new, stmt))
                    done.add(bound)
    tree.body = body
    ast.fix_missing_locations(tree)
    return {n: v for n, v in constants.items() if n not in done}


def unknown_constant(loaded: LoadedKernelFile, name: str, scalars: Sequence[str]) -> FrontendError:
    """The error for `--set NAME` when NAME is neither a module constant nor a scalar
    parameter of the entry."""
    have = sorted(
        t.id
        for s in loaded.tree.body
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name) and isinstance(s.value, ast.Constant)
    )
    listed = ", ".join(have) if have else "none"
    params = f"; its entry's scalar parameters: {', '.join(scalars)}" if scalars else ""
    return FrontendError(
        loaded.path, 0, 0,
        f"--set {name}: the file has no module-level constant '{name}' "
        f"(its literal constants: {listed}{params})", loaded.source)


def _timeout(_signum: int, _frame: FrameType | None) -> None:
    raise TimeoutError(f"the module's top-level code ran longer than {TOP_LEVEL_TIMEOUT_S} s")


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    import threading

    usable = seconds > 0 and hasattr(signal, "SIGALRM") and (
        threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    old: Callable[..., Any] | int | None = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)  # pyright: ignore[reportArgumentType]


def _located_exception(path: str, source: str, e: BaseException) -> FrontendError:
    """The innermost frame of the traceback that is in the kernel file (or the deepest
    frame in any file) as a located error naming the exception."""
    frames = traceback.extract_tb(e.__traceback__)
    mine = [f for f in frames if os.path.abspath(f.filename) == os.path.abspath(path)]
    where = mine[-1] if mine else (frames[-1] if frames else None)
    detail = str(e).strip().splitlines()
    what = type(e).__name__ + (f": {detail[0]}" if detail else "")
    if where is None:
        return FrontendError(path, 0, 0, f"loading the kernel's top-level code raised {what}")
    col = (getattr(where, "colno", None) or 0) + 1
    src = source if where.filename == path else None
    msg = f"the module's top-level code raised {what}"
    if isinstance(e, AssertionError):
        msg = f"the module's top-level code failed an assert{': ' + detail[0] if detail else ''}"
    return FrontendError(where.filename, where.lineno or 0, col, msg, src)


def load_file(path: str, constants: Mapping[str, Any] | None = None) -> LoadedKernelFile:
    """Run the top level of the kernel file at `path` (see the module docstring)."""
    source = _read(path)
    tree = _parse(path, source)
    leftover: dict[str, Any] = {}
    if constants:
        leftover = _override(path, source, tree, constants)
    try:
        code = compile(tree, path, "exec")
    except (SyntaxError, ValueError) as e:
        raise FrontendError(path, getattr(e, "lineno", 0) or 0, getattr(e, "offset", 0) or 0,
                            f"invalid Python: {e}", source) from e
    g: dict[str, Any] = {
        "__name__": "__ptoc_kernel__",
        "__file__": os.path.abspath(path),
        "__builtins__": builtins,
    }
    folder = os.path.dirname(os.path.abspath(path))
    modules_before = set(sys.modules)
    sys.path.insert(0, folder)
    try:
        with installed(), absent_modules(folder), _time_limit(TOP_LEVEL_TIMEOUT_S):
            exec(code, g)  # the kernel's own top level, as `import` would run it
    except FrontendError:
        raise
    except KeyboardInterrupt:
        raise
    except SystemExit as e:
        raise FrontendError(path, 0, 0, f"the module's top-level code called exit({e.code})",
                            source) from None
    except BaseException as e:  # user code may raise anything; it is reported, located
        raise _located_exception(path, source, e) from None
    finally:
        with suppress(ValueError):
            sys.path.remove(folder)
        # a fresh import of every module the kernel imported, the next time it loads
        # (pto-tune --set loads the same file many times with other constants)
        # (only the kernel's own modules, next to it: numpy & co. are never re-imported)
        for name in set(sys.modules) - modules_before:
            file = getattr(sys.modules.get(name), "__file__", None) or ""
            if os.path.dirname(os.path.abspath(file)) == folder:
                sys.modules.pop(name, None)
    return LoadedKernelFile(path, source, tree, g, leftover=leftover)


__all__ = ["LoadedKernelFile", "load_file", "parse_value", "unknown_constant"]
