"""Inputs of case 795715d7 (both variants take the same arguments; no data decides the work).

x holds T = 8 token rows padded to 16 (rows 8..15 are never loaded); x lies in k/16
(|x| <= 1) and wq_a in k/256 (|w| <= 1/8), so every partial sum, and the atomic add of
the two K slices' partials, is exact: the two N tilings give bit-identical results.
qr_fp32 is zero-seeded, as the leaf's qr_proj_seed scope leaves it.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

D = 4096
Q_LORA = 1024


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    x = (rng.integers(-16, 17, size=(16, D)) / 16.0).astype(bf16)
    return {
        "x": x,
        "wq_a": (rng.integers(-32, 33, size=(D, Q_LORA)) / 256.0).astype(bf16),
        "qr_fp32": np.zeros((16, Q_LORA), dtype=np.float32),
    }
