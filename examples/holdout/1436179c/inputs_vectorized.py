"""Inputs of holdout case 1436179c, variant vectorized (commit 1436179c).

The same draws as inputs.py (`make_inputs_vectorized` there, which documents the
fixture), in the form the commit's pool reads: the state caches after the state scatter
and the write map. A file of its own so that `pto-run vectorized.mlir --inputs
inputs_vectorized.py` finds `make_inputs`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

_spec = importlib.util.spec_from_file_location("holdout_1436179c_inputs", Path(__file__).with_name("inputs.py"))
assert _spec is not None and _spec.loader is not None
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    return _base.make_inputs_vectorized(seed)
