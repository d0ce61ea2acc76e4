"""Inputs of holdout case 825a7858 (both variants take the same arguments; no data decides the work).

qr is the per-token INT8 quantization of a random activation (each row scaled so its
largest magnitude maps to 127, rounded), wq_b the per-output-channel INT8 quantization
of a random weight (clamped to +-127), as the decode harness builds them. The products
accumulate exactly in int32 (|sum| <= 1024 x 127 x 127 < 2^31), so the two K tilings
give bit-identical results. col_acc_all is the (unseeded) INT32 staging buffer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

T = 128
Q_LORA = 1024
HD = 64 * 512
N_TILE = 128


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((T, Q_LORA)).astype(np.float32)
    a_amax = np.maximum(np.abs(a).max(axis=1, keepdims=True), 1e-4)
    qr = np.rint(a * (127.0 / a_amax)).astype(np.int8)
    w = (rng.standard_normal((Q_LORA, HD)).astype(np.float32) - 0.5) / np.float32(HD**0.5)
    w_amax = np.maximum(np.abs(w).max(axis=0, keepdims=True), 1e-4)
    wq_b = np.clip(np.rint(w * (127.0 / w_amax)), -127, 127).astype(np.int8)
    return {
        "qr": qr,
        "wq_b": wq_b,
        "col_acc_all": np.zeros(((HD // N_TILE) * T, N_TILE), dtype=np.int32),
    }
