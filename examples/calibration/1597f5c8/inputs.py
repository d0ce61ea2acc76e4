"""Inputs of case 1597f5c8 (both variants take the same arguments).

Routing as moe.py's default hash route (layer 0 < num_hash_layers 3), inferred: every
one of the T = 128 tokens goes to TOPK = 6 distinct local experts drawn uniformly from
the N_LOCAL = 16, so 768 routed rows, about 48 per expert (binomial spread; the
measured run's seed is not stated). Expert e received its rows in token order:
recv_token_idx[e, r] is the token of its r-th row (-1 past recv_expert_count[e]).
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 128
N_LOCAL = 16
TOPK = 6
RECV_MAX = 192
D = 4096


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    experts = np.stack([rng.choice(N_LOCAL, size=TOPK, replace=False) for _ in range(T)])
    count = np.zeros(N_LOCAL, dtype=np.int32)
    idx = np.full((N_LOCAL, RECV_MAX), -1, dtype=np.int32)
    for t in range(T):
        for e in experts[t]:
            idx[e, count[e]] = t
            count[e] += 1
    if count.max() > RECV_MAX:
        raise AssertionError("internal error: an expert received more than RECV_MAX rows")
    bf16 = ml_dtypes.bfloat16
    return {
        "recv_expert_count": count,
        "recv_token_idx": idx,
        "recv_y": rng.standard_normal((N_LOCAL, RECV_MAX, D)).astype(bf16),
        "routed_y_buf": rng.standard_normal((T, N_LOCAL, D)).astype(bf16),
    }
