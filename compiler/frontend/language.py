"""A stand-in for `pypto.language`, installed while a kernel file's top level runs.

Only what a kernel module uses at import time lives here: the decorators (which record
the function and never run it), the annotation types (`pl.Tensor[[...], dtype]`,
`pl.Out[...]`, `pl.Scalar[...]`), dtypes, `pl.dynamic`, enums. Kernel *bodies* are
translated from their AST by `ptoc.frontend.translate`; calling a kernel from Python
is an error. Any other attribute is a placeholder object, so module code that merely
names an API (`pl.MemorySpace.Vec` as a default) imports; using such a value in a
kernel body is a located error there.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DType:
    """A PyPTO dtype (`pl.FP32`): its name and byte size."""

    name: str
    bits: int

    def get_byte(self) -> int:
        return max(1, self.bits // 8)

    def __repr__(self) -> str:
        return f"pl.{self.name}"


DTYPES: dict[str, DType] = {
    n: DType(n, b)
    for n, b in (
        ("BOOL", 1), ("INT8", 8), ("UINT8", 8), ("INT16", 16), ("UINT16", 16),
        ("INT32", 32), ("UINT32", 32), ("INT64", 64), ("UINT64", 64), ("FP16", 16),
        ("BF16", 16), ("FP32", 32), ("FP64", 64), ("INDEX", 64), ("TASK_ID", 64),
    )
}


@dataclass(frozen=True)
class DynVar:
    """`pl.dynamic("N")`: a dimension whose extent is known only at run time."""

    name: str


@dataclass(frozen=True)
class TensorAnnotation:
    shape: tuple[Any, ...]
    dtype: Any
    direction: str = "In"


@dataclass(frozen=True)
class ScalarAnnotation:
    dtype: Any
    direction: str = "In"


class _TensorMeta:
    def __getitem__(self, item: Any) -> TensorAnnotation:
        if not isinstance(item, tuple) or len(item) < 2:
            raise TypeError("pl.Tensor[[dims...], dtype] takes a shape list and a dtype")
        shape, dtype = item[0], item[1]
        if not isinstance(shape, (list, tuple)):
            raise TypeError("pl.Tensor's shape must be a list of dimensions")
        return TensorAnnotation(tuple(shape), dtype)  # pyright: ignore[reportUnknownArgumentType]


class _ScalarMeta:
    def __getitem__(self, dtype: Any) -> ScalarAnnotation:
        return ScalarAnnotation(dtype)


class _Direction:
    def __init__(self, name: str):
        self.name = name

    def __getitem__(self, ann: Any) -> Any:
        if isinstance(ann, TensorAnnotation):
            return TensorAnnotation(ann.shape, ann.dtype, self.name)
        if isinstance(ann, ScalarAnnotation):
            return ScalarAnnotation(ann.dtype, self.name)
        return ann


class KernelFunction:
    """What `@pl.jit` / `@pl.jit.inline` / `@pl.jit.incore` make of a function: a record
    of it (kind, Python function); its body is never run."""

    def __init__(self, fn: Callable[..., Any], kind: str, options: dict[str, Any]):
        self.fn = fn
        self.kind = kind
        self.options = options
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"kernel '{self.__name__}' cannot run as Python under ptoc: ptoc translates "
            "kernels (pto-opt / pto-run), it does not execute them"
        )

    def __repr__(self) -> str:
        return f"<ptoc kernel {self.kind} {self.__name__}>"


class _Decorator:
    """`pl.jit`, `pl.jit(...)` and the `.inline` / `.incore` / ... flavours."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, fn: Any = None, **options: Any) -> Any:
        if callable(fn) and not isinstance(fn, KernelFunction):
            return KernelFunction(fn, self.kind, options)

        def wrap(f: Callable[..., Any]) -> KernelFunction:
            return KernelFunction(f, self.kind, options)

        return wrap


class _Jit(_Decorator):
    def __init__(self) -> None:
        super().__init__("jit")
        self.inline = _Decorator("inline")
        self.incore = _Decorator("incore")
        self.host = _Decorator("host")
        self.opaque = _Decorator("opaque")


class Placeholder:
    """Any other `pl.X`: importable, not usable inside a kernel body."""

    def __init__(self, path: str):
        self._path = path

    def __getattr__(self, name: str) -> Placeholder:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(f"{self._path}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Placeholder:
        return Placeholder(f"{self._path}(...)")

    def __getitem__(self, item: Any) -> Placeholder:
        return Placeholder(f"{self._path}[...]")

    def __repr__(self) -> str:
        return self._path


def _make_module() -> types.ModuleType:
    mod = types.ModuleType("pypto.language", "ptoc's stand-in for pypto.language")
    mod.__path__ = []  # a package: `import pypto.language.distributed` is a stand-in too
    ns: dict[str, Any] = {
        "jit": _Jit(),
        "Tensor": _TensorMeta(),
        "Scalar": _ScalarMeta(),
        "Out": _Direction("Out"),
        "InOut": _Direction("InOut"),
        "In": _Direction("In"),
        "dynamic": DynVar,
        "DynVar": DynVar,
        "KernelFunction": KernelFunction,
        "PTOC_STANDIN": True,
    }
    ns.update(DTYPES)

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(f"pl.{name}")

    ns["__getattr__"] = __getattr__
    mod.__dict__.update(ns)
    return mod


LANGUAGE = _make_module()
"""The stand-in module object (one per process)."""


def is_language(obj: Any) -> bool:
    return obj is LANGUAGE


@contextmanager
def installed() -> Iterator[None]:
    """`import pypto.language as pl` resolves to the stand-in while this is active."""
    saved = {k: sys.modules.get(k) for k in ("pypto", "pypto.language")}
    pkg = types.ModuleType("pypto", "ptoc's stand-in for the pypto package")
    pkg.__path__ = []  # a package, so `import pypto.language` works
    pkg.language = LANGUAGE  # type: ignore[attr-defined]
    sys.modules["pypto"] = pkg
    sys.modules["pypto.language"] = LANGUAGE
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


__all__ = [
    "DTYPES",
    "LANGUAGE",
    "DType",
    "DynVar",
    "KernelFunction",
    "Placeholder",
    "ScalarAnnotation",
    "TensorAnnotation",
    "installed",
    "is_language",
]
