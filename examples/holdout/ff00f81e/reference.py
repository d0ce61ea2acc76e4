"""Numpy reference of holdout case ff00f81e: the SWA decode sparse-K gather.

From the math of the public code (hw-native-sys/pypto-lib, models/deepseek/v4/
decode_sparse_attn_swa.py, swa_gather_kv): for token t and window row k, row
t x WIN + k of the gathered window is the cache row swa_indices[t, k] when that index
is >= 0, else a row of zeros. A pure copy, so the result is bit-exact (RTOL 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 0.0


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    kv = np.asarray(inputs["ori_kv_flat"])
    idx = np.asarray(inputs["swa_indices"]).reshape(-1)
    out = np.zeros((idx.size, kv.shape[1]), dtype=kv.dtype)
    ok = idx >= 0
    out[ok] = kv[idx[ok]]
    return {"swa_kv_flat": out}
