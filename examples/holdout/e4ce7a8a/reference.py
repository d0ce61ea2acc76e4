"""Numpy reference of holdout case e4ce7a8a: the per-row int8 requant of exp_h_q.

From the math of the public code (hw-native-sys/pypto-lib, models/deepseek/v4/
expert_routed.py, exp_h_q, and its torch golden's per-row quant): for each row of a
launch's h_tile_fp32, amax = max(max |h|, INT8_AMAX_EPS); the quant scale is
127 / amax and the dequant scale its reciprocal; q = round-half-even(h * scale), taken
through int32 and fp16 to int8 (exact: |q| <= 127). The scales and the product are
rounded to f32 as the device computes them in f32, so the result is exact (RTOL 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 0.0

_EPS = np.float32(1e-4)
_QMAX = np.float32(127.0)


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    out: dict[str, np.ndarray[Any, Any]] = {}
    for name, h in inputs.items():
        if not name.startswith("h_fp32_"):
            continue
        tag = name[len("h_fp32_"):]
        h = np.asarray(h, dtype=np.float32)
        amax = np.maximum(np.abs(h).max(axis=1), _EPS).astype(np.float32)  # [16]
        scale = (_QMAX / amax).astype(np.float32)
        dq = (np.float32(1.0) / scale).astype(np.float32)
        scaled = (h * scale[:, None]).astype(np.float32)
        q = np.rint(scaled.astype(np.float64))
        assert np.abs(q).max() <= 127
        out[f"h_i8_{tag}"] = q.astype(np.int32).astype(np.float16).astype(np.int8)
        out[f"h_sdq_{tag}"] = dq[:, None]
    return out
