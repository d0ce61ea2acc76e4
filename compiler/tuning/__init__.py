"""The tuning layer: the factor sweep behind `pto-tune` and the `pto-auto-coarsen` pass.

`ptoc.tuning.factor_sweep` holds the sweep (`sweep`, `best`, `TunePoint`, ...), re-exported
here; `ptoc.tuning.auto_coarsen` holds the driver pass, registered with the pass registry
when this package is imported (the tools import it, so `pto-opt -p pto-auto-coarsen`
works; the passes layer below knows nothing of it).

Importing this package stays light: the sweep pulls in numpy, the interpreter and the
cost model, so it is loaded on first use of one of its names, and the pass on first use
of the pass.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from xdsl.passes import ModulePass

from ptoc.passes import register_pass

if TYPE_CHECKING:
    from ptoc.tuning.factor_sweep import (
        DEFAULT_CHECKS,
        INTERNAL_ERROR,
        JSON_SCHEMA_VERSION,
        TuneError,
        TunePoint,
        best,
        check_factors,
        divisors,
        find_scope,
        format_table,
        function_of,
        idle_cores,
        inputs_from_script,
        load_inputs,
        load_npz_inputs,
        scope_names,
        sweep,
        to_json,
        unique_diagnostics,
        unique_warnings,
    )

__all__ = [
    "DEFAULT_CHECKS",
    "INTERNAL_ERROR",
    "JSON_SCHEMA_VERSION",
    "TuneError",
    "TunePoint",
    "best",
    "check_factors",
    "divisors",
    "find_scope",
    "format_table",
    "function_of",
    "idle_cores",
    "inputs_from_script",
    "load_inputs",
    "load_npz_inputs",
    "scope_names",
    "sweep",
    "to_json",
    "unique_diagnostics",
    "unique_warnings",
]


def _auto_coarsen_pass() -> type[ModulePass]:
    # lazy, within this layer: keeps a tool's start-up light (the pass pulls in numpy,
    # the interpreter and the cost model) until the pass is used
    from ptoc.tuning.auto_coarsen import AutoCoarsenPass

    return AutoCoarsenPass


register_pass("pto-auto-coarsen", _auto_coarsen_pass)


def __getattr__(name: str) -> Any:
    if name in __all__:
        # lazy, within this layer: keeps a tool's start-up light (see the docstring)
        return getattr(importlib.import_module("ptoc.tuning.factor_sweep"), name)
    raise AttributeError(f"module 'ptoc.tuning' has no attribute '{name}'")
