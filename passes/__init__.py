"""ptoc's passes, one per module, and the pass registry that `pto-opt` and the API use.

The registry maps a pass name to a loader (a function returning the pass class), as
xDSL's does, so that listing the passes imports none of them. This layer registers
its own passes; a higher layer registers its passes with `register_pass` when it is
imported (`ptoc.tuning` registers `pto-auto-coarsen`), so `pto-opt -p` sees all of them
while nothing imports upwards.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from xdsl.passes import ModulePass
from xdsl.transforms import get_all_passes

PassLoader = Callable[[], type[ModulePass]]

# pass name -> (module under ptoc.passes, class name)
_PTOC_PASSES: dict[str, tuple[str, str]] = {
    "pto-spmd-coarsen": ("spmd_coarsen", "SpmdCoarsenPass"),
    "pto-unroll-expand": ("unroll_expand", "UnrollExpandPass"),
    "pto-check-carried": ("check_carried", "CheckCarriedPass"),
    "pto-privatize-carries": ("privatize_carries", "PrivatizeCarriesPass"),
    "pto-check-races": ("check_races", "CheckRacesPass"),
    "pto-to-upstream": ("to_upstream", "ToUpstreamPass"),
    "pto-name-args": ("name_args", "NameArgsPass"),
}

# upstream xDSL passes that are useful in ptoc pipelines
_UPSTREAM_PASSES = ("canonicalize", "cse", "dce")

_ALIASES = {
    "SpmdCoarsen": "SpmdCoarsenPass",
    "UnrollExpand": "UnrollExpandPass",
    "CheckCarried": "CheckCarriedPass",
    "CheckRaces": "CheckRacesPass",
}

_REGISTERED: dict[str, PassLoader] = {}


def register_pass(name: str, loader: PassLoader) -> None:
    """Make the pass `name` available to `pto-opt -p` and `ptoc.run_pipeline`.

    `loader` returns the pass class; it is called only when the pass is used.
    Registering a name twice with another loader is an error (two passes, one name).
    """
    if name in _PTOC_PASSES or name in _UPSTREAM_PASSES:
        raise ValueError(f"pass name '{name}' is already taken by a built-in pass")
    old = _REGISTERED.get(name)
    if old is not None and old is not loader:
        raise ValueError(f"pass name '{name}' is already registered")
    _REGISTERED[name] = loader


def _factory(module: str, cls: str) -> PassLoader:
    def load() -> type[ModulePass]:
        # lazy, within this layer: listing the passes imports none of them
        return getattr(importlib.import_module(f"ptoc.passes.{module}"), cls)

    return load


def available_passes() -> dict[str, PassLoader]:
    """Every pass `pto-opt -p` and `ptoc.run_pipeline` accept, by name."""
    upstream = get_all_passes()
    table: dict[str, PassLoader] = {
        name: upstream[name] for name in _UPSTREAM_PASSES if name in upstream
    }
    for name, (module, cls) in _PTOC_PASSES.items():
        table[name] = _factory(module, cls)
    table.update(_REGISTERED)
    return table


def __getattr__(name: str) -> Any:
    cls = _ALIASES.get(name, name)
    for module, cls_name in _PTOC_PASSES.values():
        if cls_name == cls:
            # lazy, within this layer: `from ptoc.passes import X` loads only X's module
            return getattr(importlib.import_module(f"ptoc.passes.{module}"), cls_name)
    raise AttributeError(f"module 'ptoc.passes' has no attribute '{name}'")
