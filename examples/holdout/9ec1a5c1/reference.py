"""Numpy reference of holdout case 9ec1a5c1: DeepSeek-V4 hc_pre (hyper-connection pre-mix).

From the math of the model's Block.hc_pre and hc_split_sinkhorn, in float64:

* inv_rms[t] = 1 / sqrt(mean_k x_flat[t, k]^2 + 1e-6) over the 16384 values of the
  token's hc stack; mixes = (x_flat @ hc_fn^T) * inv_rms, [T, 24];
* pre = sigmoid(mixes[:, 0:4] * scale0 + base[0:4]) + eps;
* post = 2 sigmoid(mixes[:, 4:8] * scale1 + base[4:8]);
* comb = mixes[:, 8:24] * scale2 + base[8:24] as a 4x4 matrix per token: a row softmax
  + eps, a column normalisation (divide by the column sum + eps), then 19 more
  iterations of row normalisation and column normalisation (each divide by sum + eps);
* x_mixed = sum_h pre[:, h] * x[:, h, :], rounded to bf16 (nearest even).

The kernels compute in f32 (the matmul over K = 16384 in 128 chunks), so they agree
with this to f32 rounding, except x_mixed, where a value near a bf16 rounding midpoint
may round to the neighbour (one bf16 ulp, 2^-8 relative): hence RTOL.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

RTOL = 1e-2

EPS = 1e-6
NORM_EPS = 1e-6
SINKHORN_ITERS = 20


def _sigmoid(v: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return 1.0 / (1.0 + np.exp(-v))


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    x = inputs["x"].astype(np.float64)  # [T, hc, D]
    hc_fn = inputs["hc_fn"].astype(np.float64)
    scale = inputs["hc_scale"].astype(np.float64)
    base = inputs["hc_base"].astype(np.float64)
    t, hc, _ = x.shape
    x_flat = x.reshape(t, -1)

    inv_rms = 1.0 / np.sqrt(np.mean(x_flat * x_flat, axis=1, keepdims=True) + NORM_EPS)
    mixes = (x_flat @ hc_fn.T) * inv_rms

    pre = _sigmoid(mixes[:, :hc] * scale[0] + base[:hc]) + EPS
    post = 2.0 * _sigmoid(mixes[:, hc : 2 * hc] * scale[1] + base[hc : 2 * hc])

    logits = (mixes[:, 2 * hc :] * scale[2] + base[2 * hc :]).reshape(t, hc, hc)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    m = e / e.sum(axis=-1, keepdims=True) + EPS
    m = m / (m.sum(axis=-2, keepdims=True) + EPS)
    for _ in range(SINKHORN_ITERS - 1):
        m = m / (m.sum(axis=-1, keepdims=True) + EPS)
        m = m / (m.sum(axis=-2, keepdims=True) + EPS)

    y = np.einsum("thd,th->td", x, pre)
    return {
        "x_mixed": y.astype(np.float32).astype(ml_dtypes.bfloat16),
        "post": post.astype(np.float32),
        "comb": m.reshape(t, hc * hc).astype(np.float32),
    }
