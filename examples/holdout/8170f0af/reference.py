"""Numpy reference of holdout case 8170f0af: the compressor state writeback.

For every active token t with a state row r = state_slot_mapping[t] >= 0:
kv_state row r = kv_proj[t], score_state row r = score_proj[t] + ape[position % 4]
(the zero-weighted pooled_kv term adds 0). One f32 add per score element, done here in
f32 as the math specifies, so the comparison is exact. Other rows keep their values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 0.0


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    kv = inputs["kv_state"].copy()
    sc = inputs["score_state"].copy()
    width = kv.shape[-1]
    kv_rows = kv.reshape(-1, width)
    sc_rows = sc.reshape(-1, width)
    ape = inputs["ape"].astype(np.float32)
    for t in range(int(inputs["num_tokens"])):
        r = int(inputs["state_slot_mapping"][t])
        if r < 0:
            continue
        p = int(inputs["position_ids"][t])
        kv_rows[r] = inputs["kv_proj"][t]
        sc_rows[r] = inputs["score_proj"][t].astype(np.float32) + ape[p % ape.shape[0]]
    return {"kv_state": kv, "score_state": sc}
