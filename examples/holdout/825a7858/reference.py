"""Numpy reference of holdout case 825a7858: the INT32 partial products of the W8A8 q projection.

For every head block hb of 128 output columns (256 of them), the staging rows
128 hb .. 128 hb + 127 hold qr @ wq_b[:, 128 hb : 128 hb + 128] over the full
Q_LORA = 1024, computed here in int64 (every value fits int32), so the comparison is
exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 0.0


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    qr = inputs["qr"].astype(np.int64)
    w = inputs["wq_b"].astype(np.int64)
    t = qr.shape[0]
    n_tile = inputs["col_acc_all"].shape[1]
    full = qr @ w  # [T, 32768]
    blocks = full.reshape(t, -1, n_tile).transpose(1, 0, 2).reshape(-1, n_tile)
    return {"col_acc_all": blocks.astype(np.int32)}
