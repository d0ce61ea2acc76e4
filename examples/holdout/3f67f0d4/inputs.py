"""Inputs of holdout case 3f67f0d4 (DeepSeek-V4 flash hc_head, decode T = 8).

The fixture of hc_head.py's own test (build_tensor_specs): x_hc ~ N(0, 1) x 0.05 as
[8, 4, 4096] f32, viewed as x_flat [8, 16384] and stored here as x [16, 16384] with 8
padding rows (never loaded); hc_head_fn ~ N(0, 1) x 0.0519 [4, 16384]; hc_head_scale =
[0.076099]; hc_head_base = [5.9166, -3.6223, -2.9324, -3.3124]; y [8, 4096] bf16 (output).
No data decides the work.

mixes_raw [16, 16] f32, zero-filled: at 3f67f0d4 the code zeroes it on the AICPU
(pl.create_tensor(..., init_value=0)) before any task, so it is represented as a zero
input; the five_scopes variant (3f67f0d4^) zeroes the same rows again with its
hc_head_seed scope.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 8
D = 4096
HC_MULT = 4
HC_DIM = HC_MULT * D


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    x = np.zeros((16, HC_DIM), dtype=np.float32)
    x[:T] = (rng.standard_normal((T, HC_DIM)) * 0.05).astype(np.float32)
    x[T:] = rng.standard_normal((16 - T, HC_DIM)).astype(np.float32)  # padding, never read
    out: dict[str, np.ndarray[Any, Any]] = {
        "x": x,
        "hc_head_fn": (rng.standard_normal((HC_MULT, HC_DIM)) * 0.0519).astype(np.float32),
        "hc_head_scale": np.array([0.076099], dtype=np.float32),
        "hc_head_base": np.array([5.9166, -3.6223, -2.9324, -3.3124], dtype=np.float32),
    }
    out["mixes_raw"] = np.zeros((16, 16), dtype=np.float32)
    out["y"] = np.zeros((T, D), dtype=ml_dtypes.bfloat16)
    return out
