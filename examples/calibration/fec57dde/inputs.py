"""Inputs of case fec57dde (both variants take the same arguments; no data decides the work).

x: the FP32 residual stream of T = 8 tokens (rows 8..15 are padding, never loaded);
hc_fn: the MIX_HC = 24 mixing rows (rows 24..31 padding); mixes_raw: zero-seeded, the
buffer every task atomic-adds its partial into.
"""

from __future__ import annotations

from typing import Any

import numpy as np

HC_DIM = 16384


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((16, HC_DIM)).astype(np.float32),
        "hc_fn": (rng.standard_normal((32, HC_DIM)) / 128.0).astype(np.float32),
        "mixes_raw": np.zeros((16, 32), dtype=np.float32),
    }
