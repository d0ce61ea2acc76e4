"""Inputs of case 6b8a92de (all three variants take the same arguments; no data decides the work).

The activation lies in k/16 (|x| <= 1) and the weights in k/256 (|w| <= 1/8), so every
partial sum of the f32 accumulation over K = 4096 is exact: the three K tilings give
bit-identical outputs.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 128
O_GROUPS = 8
O_LORA = 1024
O_GROUP_IN = 4096


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    act = rng.integers(-16, 17, size=(O_GROUPS * T, O_GROUP_IN), dtype=np.int8)
    w = rng.integers(-32, 33, size=(O_GROUPS * O_LORA, O_GROUP_IN), dtype=np.int8)
    return {
        "o_packed": (act.astype(np.float32) / 16.0).astype(bf16),
        "wo_a": (w.astype(np.float32) / 256.0).astype(bf16),
        "o_r": np.zeros((T, O_GROUPS * O_LORA), dtype=np.float32),
        "amax": np.zeros((O_GROUPS * O_LORA // 128, T), dtype=np.float32),
    }
