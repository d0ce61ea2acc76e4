"""Numpy reference of holdout case 3f67f0d4 (DeepSeek-V4 flash hc_head, decode T = 8).

From the math of the head (the golden of hc_head.py, written here in float64):
* x_flat = x[:8] (8 tokens, 16384 = 4 x 4096 features), rms_inv = 1 / sqrt(mean(x^2) + 1e-6);
* mixes[:, h] = (x_flat @ hc_head_fn[h]) * rms_inv for h = 0..3;
* pre = sigmoid(mixes * scale + base) + 1e-6;
* y = sum_h pre[:, h] * x_flat[:, 4096 h : 4096 (h + 1)], rounded to bf16 (nearest even).
mixes_raw (written by both variants) is x_flat @ hc_head_fn^T in columns 0..3 and 0 in
the pad columns 4..15, rows 8..15 (the pad rows of the 16-row tile) 0.
The kernels add in f32 in other orders: y may round to the neighbouring bf16 value (one
ulp, 2^-8 relative), mixes_raw agrees to f32 rounding of a 16384-term sum; hence RTOL.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

RTOL = 1e-2

T = 8
D = 4096
HC_MULT = 4


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    xf = inputs["x"][:T].astype(np.float64)
    fn = inputs["hc_head_fn"].astype(np.float64)
    scale = float(inputs["hc_head_scale"][0])
    base = inputs["hc_head_base"].astype(np.float64)
    rms_inv = 1.0 / np.sqrt((xf * xf).mean(axis=1, keepdims=True) + 1e-6)
    raw = xf @ fn.T
    mixes = raw * rms_inv
    pre = 1.0 / (1.0 + np.exp(-(mixes * scale + base))) + 1e-6
    y = np.zeros((T, D))
    for h in range(HC_MULT):
        y += pre[:, h : h + 1] * xf[:, h * D : (h + 1) * D]
    mixes_raw = np.zeros((16, 16))
    mixes_raw[:T, :HC_MULT] = raw
    return {
        "y": y.astype(np.float32).astype(ml_dtypes.bfloat16),
        "mixes_raw": mixes_raw,
    }
