"""`ptoc.frontend`: read PyPTO kernels (`import pypto.language as pl`) into the `pto` dialect.

```python
from ptoc.frontend import load_kernel
module = load_kernel("kernel.py")                          # the file's one @pl.jit entry
module = load_kernel("kernel.py", func="compressor_test")  # a chosen entry
module = load_kernel("kernel.py", constants={"POOL_GROUP": 2})
```

Loading runs the file's top level as Python, as importing it would (`from config
import ...`, module constants, asserts), with a stand-in for `pypto.language`; the
kernel bodies are translated from their AST, never run. Every error is a
`FrontendError` (a `PtoDiagnostic`) located at `file:line:col` in the `.py` file, with
a code window and a caret. See docs/frontend.md for the constructs and the SSA rules.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException

from ptoc.diagnostics import PtoDiagnostic, location_of, verify
from ptoc.frontend.errors import FrontendError, render
from ptoc.frontend.language import KernelFunction
from ptoc.frontend.loader import LoadedKernelFile, load_file, parse_value, unknown_constant
from ptoc.frontend.translate import CARRIED_TENSORS_ATTR, Translator
from ptoc.frontend.valid_regions import store_valid_regions

KERNEL_SUFFIX = ".py"


def is_kernel_file(path: str | None) -> bool:
    """Do the tools read `path` as a PyPTO kernel (by its extension)?"""
    return bool(path) and str(path).endswith(KERNEL_SUFFIX)


def _entry(loaded: LoadedKernelFile, func: str | None) -> KernelFunction:
    kernels = loaded.kernels()
    if func is not None:
        kf = kernels.get(func)
        if kf is None:
            have = ", ".join(sorted(kernels)) or "none"
            raise FrontendError(loaded.path, 0, 0,
                                f"--func {func}: no @pl.jit function '{func}' in the file "
                                f"(its kernels: {have})")
        return kf
    here = os.path.abspath(loaded.path)
    mine = {k: v for k, v in kernels.items()
            if os.path.abspath(v.fn.__code__.co_filename) == here}
    entries = {k: v for k, v in mine.items() if v.kind == "jit"}
    if len(entries) == 1:
        return next(iter(entries.values()))
    if not entries:
        have = ", ".join(sorted(mine)) or "none"
        raise FrontendError(loaded.path, 0, 0, "the file has no @pl.jit entry function "
                            f"(its kernels: {have}); pick one with --func NAME")
    first = min(entries.values(), key=lambda k: k.fn.__code__.co_firstlineno)
    raise FrontendError(loaded.path, first.fn.__code__.co_firstlineno, 1,
                        "the file has several @pl.jit entries ("
                        + ", ".join(sorted(entries)) + "); pick one with --func NAME",
                        loaded.source)


def _relocate(loaded: LoadedKernelFile, e: PtoDiagnostic) -> FrontendError:
    """A verifier diagnostic at a .py location, re-rendered with the code window."""
    loc = location_of(e.op) if e.op is not None else None
    if loc is None:
        return FrontendError(loaded.path, 0, 0, e.message)
    file, line, col = loc.rsplit(":", 2)
    src = loaded.source if file == loaded.path else None
    what = f"'{e.op.name}' op " if e.op is not None else ""
    return FrontendError(file, int(line), int(col), f"{what}{e.message}", src)


def load_kernel(path: str, func: str | None = None,
                constants: Mapping[str, Any] | None = None, *,
                verify_module: bool = True) -> ModuleOp:
    """The `pto` module of the entry `func` (default: the file's one `@pl.jit`) of the
    kernel file at `path`, its module constants overridden by `constants`."""
    loaded = load_file(path, constants)
    try:
        kf = _entry(loaded, func)
    except FrontendError:
        if loaded.leftover:  # a --set that names nothing comes first
            raise unknown_constant(loaded, next(iter(loaded.leftover)), ()) from None
        raise
    tr = Translator(loaded)
    try:
        module = tr.translate(kf)
    except FrontendError:
        raise
    except RecursionError:
        raise FrontendError(path, 0, 0, "the kernel nests too deeply to translate") from None
    except (DiagnosticException, ValueError, TypeError, KeyError, IndexError,
            AttributeError, AssertionError) as e:
        # an op constructor or a helper rejected what the checks above let through: still
        # one located error, at the construct being translated
        if os.environ.get("PTOC_DEBUG"):
            raise
        detail = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise tr.err(None, f"cannot translate this construct ({type(e).__name__}: "
                     f"{detail})") from None
    store_valid_regions(module)  # PyPTO stores only a tile's valid rectangle
    if verify_module:
        try:
            verify(module)
        except FrontendError:
            raise
        except PtoDiagnostic as e:
            raise _relocate(loaded, e) from None
        except DiagnosticException as e:
            raise FrontendError(path, 0, 0, str(e).splitlines()[0]) from None
    return module


def parse_set(spec: str) -> tuple[str, list[Any]]:
    """`"POOL_GROUP=1,2,4"` -> ("POOL_GROUP", [1, 2, 4]) (a ValueError when malformed)."""
    name, sep, values = spec.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ValueError(f"bad --set '{spec}': expected NAME=v1,v2,...")
    items = [v.strip() for v in values.split(",")]
    if not values.strip() or any(not v for v in items):
        raise ValueError(f"bad --set '{spec}': expected NAME=v1,v2,... with no empty value")
    return name, [parse_value(v) for v in items]


def load_for_tool(path: str, func: str | None = None,
                  sets: list[str] | None = None) -> ModuleOp:
    """What the tools call for a `.py` input: `--func NAME`, `--set NAME=VALUE` (one value
    each; several values are a sweep, which only pto-tune does)."""
    constants: dict[str, Any] = {}
    for spec in sets or []:
        try:
            name, values = parse_set(spec)
        except ValueError as e:
            raise FrontendError(path, 0, 0, str(e)) from None
        if len(values) != 1:
            raise FrontendError(path, 0, 0, f"--set {name} takes one value here (a sweep over "
                                "several values is pto-tune's)")
        constants[name] = values[0]
    return load_kernel(path, func=func, constants=constants)


__all__ = [
    "CARRIED_TENSORS_ATTR",
    "FrontendError",
    "KernelFunction",
    "is_kernel_file",
    "load_for_tool",
    "load_kernel",
    "parse_set",
    "render",
]

