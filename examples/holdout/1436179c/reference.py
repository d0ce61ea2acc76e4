"""Numpy reference of holdout case 1436179c: the ratio-128 compressor's softmax pool.

For every compressed write i (a token t with cmp_slot_mapping[t] >= 0, the i-th such
token, at position w), the window holds the 128 positions w - 127 .. w. Slot s of the
window is position w - 127 + s; its kv and score rows are those the state cache holds
for that position once the chunk's tokens are in it: kv_proj[t'] and score_proj[t'] +
ape[p % 128] for a token t' of this chunk at position p <= w, else the state row of p
(block table, 8 rows a block). The pooled row is sum over slots of softmax(score)[s]
* kv[s], per column (float64 here), written into pooled_kv_pad[i]; other rows keep their
values. Handles both input forms: the parent's (projections + initial state) and the
commit's (state after the scatter + write map). Softmax order differs from the kernels'
(online vs one pass), so the comparison is to rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 1e-6

RATIO = 128
BLOCK = 8


def _state_rows(inputs: dict[str, np.ndarray[Any, Any]], name: str) -> np.ndarray[Any, Any]:
    a = inputs[name].astype(np.float64)
    return a.reshape(-1, a.shape[-1])


def _writes(inputs: dict[str, np.ndarray[Any, Any]]) -> list[tuple[int, int]]:
    """(write index, window end position) of every compressed write."""
    if "cmp_slot_mapping" in inputs:
        pos = inputs["position_ids"]
        found = [int(pos[t]) for t, m in enumerate(inputs["cmp_slot_mapping"]) if m >= 0]
        return list(enumerate(found))
    dst, wpos = inputs["write_dst_map"][0], inputs["write_pos_map"][0]
    return [(i, int(wpos[i])) for i in range(dst.shape[0]) if dst[i] >= 0]


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    out = inputs["pooled_kv_pad"].astype(np.float64).copy()
    kv_rows = _state_rows(inputs, "kv_state")
    sc_rows = _state_rows(inputs, "score_state")
    table = inputs["compress_state_block_table"]
    for i, w in _writes(inputs):
        kv = np.zeros((RATIO, kv_rows.shape[1]))
        sc = np.zeros((RATIO, kv_rows.shape[1]))
        for s in range(RATIO):
            p = w - (RATIO - 1) + s
            if p < 0 or table[p // BLOCK] < 0:
                continue
            r = int(table[p // BLOCK]) * BLOCK + p % BLOCK
            kv[s], sc[s] = kv_rows[r], sc_rows[r]
        if "kv_proj" in inputs:  # the chunk's tokens, not yet in the state
            for t, p in enumerate(inputs["position_ids"]):
                if p <= w:
                    s = int(p) % RATIO
                    kv[s] = inputs["kv_proj"][t]
                    sc[s] = inputs["score_proj"][t].astype(np.float64) + inputs["ape"][s]
        e = np.exp(sc - sc.max(axis=0, keepdims=True))
        out[i] = (kv * (e / e.sum(axis=0, keepdims=True))).sum(axis=0)
    return {"pooled_kv_pad": out}
