"""Inputs of case d7c51bae (both variants take the same arguments).

No data decides the work here (every batch folds all 8 window slots); the inputs only
have to be finite. Under the measured START_POS = 254 every window slot is filled, so
every slot holds a real score row (no -inf slots).
"""

from __future__ import annotations

from typing import Any

import numpy as np

B = 64
SLOTS = 8
HEAD_DIM = 128


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    return {
        "win_score": rng.standard_normal((B * SLOTS, HEAD_DIM)).astype(np.float32),
        "win_kv": rng.standard_normal((B * SLOTS, HEAD_DIM)).astype(np.float32),
        # one output window per batch (see pool_group_1.mlir): row b of pooled
        **{f"pooled_b{b}": rng.standard_normal((1, HEAD_DIM)).astype(np.float32) for b in range(B)},
    }
