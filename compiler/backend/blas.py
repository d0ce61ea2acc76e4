"""Run numpy's BLAS on one thread while the interpreter runs.

The interpreter multiplies many small tiles (e.g. [64, 512] x [512, 64]). OpenBLAS
splits even these over all cores, and on a loaded machine the thread hand-off costs
5-20x the product itself. `single_threaded_blas()` sets OpenBLAS (as bundled with
numpy, or a system one) to one thread for the duration of a `with` block, and restores
the previous count. If no OpenBLAS is found it does nothing.
"""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Callable, Generator
from contextlib import contextmanager

_SETTERS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)

_cached: tuple[Callable[[int], None], Callable[[], int]] | bool | None = False


def _find() -> tuple[Callable[[int], None], Callable[[], int]] | None:
    import numpy as np

    base = os.path.dirname(os.path.dirname(np.__file__))
    paths = sorted(glob.glob(os.path.join(base, "numpy.libs", "*openblas*")))
    paths += sorted(glob.glob(os.path.join(os.path.dirname(np.__file__), ".dylibs", "*openblas*")))
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for set_name, get_name in _SETTERS:
            setter = getattr(lib, set_name, None)
            getter = getattr(lib, get_name, None)
            if setter is not None and getter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                getter.argtypes = []
                getter.restype = ctypes.c_int
                return setter, getter
    return None


def _functions() -> tuple[Callable[[int], None], Callable[[], int]] | None:
    global _cached
    if _cached is False:
        try:
            _cached = _find()
        except Exception:  # never let a tuning helper break a run
            _cached = None
    return _cached if not isinstance(_cached, bool) else None


@contextmanager
def single_threaded_blas() -> Generator[None]:
    fns = _functions()
    if fns is None:
        yield
        return
    setter, getter = fns
    before = getter()
    if before == 1:
        yield
        return
    setter(1)
    try:
        yield
    finally:
        setter(before)
