"""Numpy reference of holdout case 01496c81: the DeepSeek-V4 MoE router gate (gate.forward).

For the T = 128 tokens and the 16 experts: logits = x_norm @ gate_w^T (float64 here, on
the bf16-rounded RMSNorm output), score = sqrt(softplus(logits)) with softplus(z) =
max(z, 0) + log(1 + exp(-|z|)), biased = score + gate_bias. route_scores holds the
scores in columns 0..15 and 0 in the padding columns 16..31; biased_scores holds the
biased scores and the most negative finite f32 in the padding columns (so a later sort
ranks the padding last). The kernels sum in f32 in other orders (32 blocks of row sums;
16 matmul steps), hence the tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 1e-5
FP32_NEG_INF = -3.4028234663852886e38


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    x = inputs["x_norm_bf16"].astype(np.float64)
    w = inputs["gate_w"].astype(np.float64)
    bias = inputs["gate_bias"].astype(np.float64)
    n_exp = w.shape[0]
    logits = x @ w.T
    softplus = np.maximum(logits, 0.0) + np.log1p(np.exp(-np.abs(logits)))
    score = np.sqrt(softplus)
    pad = inputs["route_scores"].shape[1]
    route = np.zeros((x.shape[0], pad))
    biased = np.full((x.shape[0], pad), FP32_NEG_INF)
    route[:, :n_exp] = score
    biased[:, :n_exp] = score + bias[None, :]
    return {"route_scores": route, "biased_scores": biased}
