"""Inputs of case b8b84496 (both variants take the same arguments; no data decides the work).

T = 8 tokens (the default fixture's num_tokens); x and gamma bf16, finite, nonzero rows.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 8
D = 4096


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    return {
        "x": rng.standard_normal((T, D)).astype(bf16),
        "gamma": (1.0 + 0.1 * rng.standard_normal((1, D))).astype(bf16),
        "xg": np.zeros((T, D), dtype=np.float32),
        "inv_rms": np.zeros((T, 1), dtype=np.float32),
        "x_norm_scale": np.zeros((T, 1), dtype=np.float32),
        "xn_scale": np.zeros((T, 1), dtype=np.float32),
    }
