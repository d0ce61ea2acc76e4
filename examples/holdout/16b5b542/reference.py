"""Numpy reference of holdout case 16b5b542: the ratio-128 compressor's softmax pool.

For every request b whose first token position p satisfies p % 128 + S >= 128 (S = 2),
the compressed position is the window end q = p + 127 - p % 128; the 128 state slots at
positions q - 127 .. q are read through the paged block table (page = table[b, pos // 8],
slot pos % 8), each slot holding kv (channels 0..511) and score (512..1023). Per head
channel j: pooled[j] = sum_t kv[t, j] * softmax_t(score[:, j])[t] (softmax over the 128
slots). The result goes to pooled_kv row (b // 4) * 16 + b % 4; other rows keep their
values. Computed in float64; the kernels round in f32 (exp, the 128-term sums, the
divide or reciprocal), so the comparison has a tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 1e-5

RATIO = 128
S = 2
BLOCK = 8


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    pos = inputs["position_ids"].astype(np.int64)
    table = inputs["compress_state_block_table"].astype(np.int64)
    state = inputs["compress_state"].astype(np.float64)
    width = state.shape[-1] // 2
    out = inputs["pooled_kv"].astype(np.float64).copy()
    for b in range(pos.shape[0]):
        p = int(pos[b, 0])
        if p % RATIO + S < RATIO:
            continue
        q = p + (RATIO - 1 - p % RATIO)
        window = np.arange(q - RATIO + 1, q + 1)
        slots = state[table[b, window // BLOCK], window % BLOCK]  # [128, 2 * width]
        kv, score = slots[:, :width], slots[:, width:]
        w = np.exp(score - score.max(axis=0, keepdims=True))
        w /= w.sum(axis=0, keepdims=True)
        out[(b // 4) * 16 + b % 4] = (kv * w).sum(axis=0)
    return {"pooled_kv": out}
