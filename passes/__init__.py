"""ptoc's passes, one per module, and the registry that `pto-opt` and the API use.

Pass classes are imported lazily: `from ptoc.passes import SpmdCoarsenPass` works, but
importing this package does not import every pass (auto-coarsen pulls in the cost
model).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

from xdsl.passes import ModulePass

# pass name -> (module under ptoc.passes, class name)
_PTOC_PASSES: dict[str, tuple[str, str]] = {
    "pto-spmd-coarsen": ("spmd_coarsen", "SpmdCoarsenPass"),
    "pto-unroll-expand": ("unroll_expand", "UnrollExpandPass"),
    "pto-check-carried": ("check_carried", "CheckCarriedPass"),
    "pto-privatize-carries": ("privatize_carries", "PrivatizeCarriesPass"),
    "pto-check-races": ("check_races", "CheckRacesPass"),
    "pto-auto-coarsen": ("auto_coarsen", "AutoCoarsenPass"),
}

# upstream xDSL passes that are useful in ptoc pipelines
_UPSTREAM_PASSES = ("canonicalize", "cse", "dce")

_ALIASES = {
    "SpmdCoarsen": "SpmdCoarsenPass",
    "UnrollExpand": "UnrollExpandPass",
    "CheckCarried": "CheckCarriedPass",
    "CheckRaces": "CheckRacesPass",
    "AutoCoarsen": "AutoCoarsenPass",
}


def _exists(module: str) -> bool:
    return importlib.util.find_spec(f"ptoc.passes.{module}") is not None


def _factory(module: str, cls: str) -> Callable[[], type[ModulePass]]:
    def load() -> type[ModulePass]:
        return getattr(importlib.import_module(f"ptoc.passes.{module}"), cls)

    return load


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every pass `pto-opt -p` and `ptoc.run_pipeline` accept, by name."""
    from xdsl.universe import Universe

    upstream = Universe.get_multiverse().all_passes
    table: dict[str, Callable[[], type[ModulePass]]] = {
        name: upstream[name] for name in _UPSTREAM_PASSES if name in upstream
    }
    for name, (module, cls) in _PTOC_PASSES.items():
        if _exists(module):
            table[name] = _factory(module, cls)
    return table


def __getattr__(name: str) -> Any:
    cls = _ALIASES.get(name, name)
    for module, cls_name in _PTOC_PASSES.values():
        if cls_name == cls and _exists(module):
            return getattr(importlib.import_module(f"ptoc.passes.{module}"), cls_name)
    raise AttributeError(f"module 'ptoc.passes' has no attribute '{name}'")
