"""Stand-ins for modules a kernel file imports that this machine does not have.

PyPTO kernel files import their test harness next to the kernel: `torch`, pypto-lib's
`golden` helpers, `pypto.runtime` / `pypto.ir` for the run configuration. Those names
are used by the golden functions and the `__main__` block, which ptoc never runs, so a
missing module must not stop the kernel from being read. While a kernel file's top
level runs (`absent_modules()`), an `import` that no installed finder resolves, made by
the kernel file or a module next to it, binds a stand-in module instead of failing.

A stand-in only carries names. Reading `golden.TensorSpec` gives an `AbsentName`, which
the top level may store, pass around and use as an annotation; calling it, doing
arithmetic with it, iterating it or testing its truth raises `AbsentModuleError`, so the
top level stops there with a located error naming the missing module, exactly as the
real import would have. A kernel body that uses such a name is a located error of the
translator (it is not a PyPTO construct). Imports by installed libraries (numpy's
optional dependencies, for example), and imports inside a `try` whose handler catches
the failure (`except ImportError:`), still fail as they would without ptoc.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn


class AbsentModuleError(ModuleNotFoundError):
    """The kernel's top level used (not just named) something of a missing module."""


class AbsentName:
    """A name read from a stand-in module: it can be named, not used."""

    __slots__ = ("_path", "_module")

    def __init__(self, path: str, module: str):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_module", module)

    @property
    def module(self) -> str:
        return self._module

    def __getattr__(self, name: str) -> AbsentName:
        if name.startswith("__"):
            raise AttributeError(name)
        return AbsentName(f"{self._path}.{name}", self._module)

    def __getitem__(self, item: Any) -> AbsentName:
        return AbsentName(f"{self._path}[...]", self._module)

    def __repr__(self) -> str:
        return self._path

    def _used(self, *_: Any, **__: Any) -> NoReturn:
        raise AbsentModuleError(
            f"No module named '{self._module}': {self._path} is used here, and ptoc "
            f"stands in for a module it cannot import only by its names",
            name=self._module,
        )

    __call__ = _used
    __bool__ = _used
    __iter__ = _used
    __len__ = _used
    __int__ = _used
    __index__ = _used
    __float__ = _used
    __setattr__ = _used
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _used
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _used
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = _used
    __lt__ = __le__ = __gt__ = __ge__ = _used
    __mro_entries__ = _used  # `class X(absent.Base):`


class AbsentModule(types.ModuleType):
    """A module the kernel imports that is not installed; see the module docstring."""

    def __init__(self, name: str):
        super().__init__(name, f"ptoc's stand-in for the missing module {name!r}")
        self.__path__: list[str] = []  # so `import missing.sub` is a stand-in too
        self.__ptoc_absent__ = True

    def __getattr__(self, name: str) -> AbsentName:
        if name.startswith("__"):
            raise AttributeError(name)
        return AbsentName(f"{self.__name__}.{name}", self.__name__)


def is_absent(obj: object) -> bool:
    """Whether `obj` is a stand-in module or a name read from one."""
    return isinstance(obj, (AbsentModule, AbsentName))


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return AbsentModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_CATCHES_IMPORT = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _handled(filename: str, line: int | None) -> bool:
    """Whether `line` of `filename` lies in the body of a `try` with a handler that
    catches a failed import."""
    try:
        with open(filename, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), filename)
    except (OSError, SyntaxError, ValueError):
        return False
    if line is None:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try) or not node.body:
            continue
        first = node.body[0].lineno
        last = getattr(node.body[-1], "end_lineno", None) or first
        if not first <= line <= last:
            continue
        for h in node.handlers:
            kinds = [] if h.type is None else (
                list(h.type.elts) if isinstance(h.type, ast.Tuple) else [h.type])
            names = {k.id if isinstance(k, ast.Name) else
                     k.attr if isinstance(k, ast.Attribute) else "" for k in kinds}
            if h.type is None or names & _CATCHES_IMPORT:
                return True
    return False


class _Finder(importlib.abc.MetaPathFinder):
    """Last on `sys.meta_path`: claims an import nothing else found, if the kernel's
    folder made it."""

    def __init__(self, folder: str):
        self.folder = folder
        self.made: list[str] = []

    def _from_kernel(self) -> bool:
        """Whether the import comes from a file in the kernel's folder, outside a `try`
        that handles its failure (`except ImportError:` and wider keep their meaning)."""
        f = sys._getframe(2)
        while f is not None:
            name = f.f_code.co_filename
            if not name.startswith("<frozen importlib") and name != __file__:
                if os.path.dirname(os.path.abspath(name)) != self.folder:
                    return False
                return not _handled(name, f.f_lineno)
            f = f.f_back
        return False

    def find_spec(self, fullname: str, path: Any = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not self._from_kernel():
            return None
        self.made.append(fullname)
        return importlib.machinery.ModuleSpec(fullname, _Loader(), is_package=True)


@contextmanager
def absent_modules(folder: str) -> Iterator[list[str]]:
    """While active, imports from `folder` that nothing resolves bind stand-ins; yields
    the names stood in for (in order), and removes them from `sys.modules` at the end."""
    finder = _Finder(os.path.abspath(folder))
    sys.meta_path.append(finder)
    try:
        yield finder.made
    finally:
        sys.meta_path[:] = [m for m in sys.meta_path if m is not finder]
        for name in finder.made:
            if isinstance(sys.modules.get(name), AbsentModule):
                del sys.modules[name]


__all__ = ["AbsentModule", "AbsentModuleError", "AbsentName", "absent_modules", "is_absent"]
