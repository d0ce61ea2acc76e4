"""Inputs of case b9d21016 (both variants take the same arguments; no data decides the work).

Per (token, sparse block, head): a running max, a positive running sum and an f32
partial output row, as the sparse-attention blocks leave them; a per-head sink logit;
the interleaved cos / signed sin tables of each token's position (positions of a decode
step at an arbitrary start).
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 8
BLOCKS = 5
H = 64
HEAD_DIM = 512
ROPE_DIM = 64


def rope_tables(positions: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Interleaved cos and signed sin [len(positions), 64]: column j pairs with j ^ 1."""
    i = np.arange(ROPE_DIM // 2, dtype=np.float64)
    angle = positions.astype(np.float64)[:, None] * (10000.0 ** (-2.0 * i / ROPE_DIM))[None, :]
    cos = np.repeat(np.cos(angle), 2, axis=1)
    sign = np.where(np.arange(ROPE_DIM) % 2 == 0, -1.0, 1.0)
    sin = np.repeat(np.sin(angle), 2, axis=1) * sign[None, :]
    return cos.astype(np.float32), sin.astype(np.float32)


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    rows = T * BLOCKS * H
    cos, sin = rope_tables(np.repeat(np.arange(4) * 37 + 100, 2) + np.tile(np.arange(2), 4))
    return {
        "blk_max": (2.0 * rng.standard_normal((rows, 1))).astype(np.float32),
        "blk_sum": rng.uniform(0.5, 4.0, size=(rows, 1)).astype(np.float32),
        "blk_out": rng.standard_normal((rows, HEAD_DIM)).astype(np.float32),
        "sink": rng.standard_normal((H, 1)).astype(np.float32),
        "rope_cos": cos,
        "rope_sin": sin,
        "o_packed": rng.standard_normal((T * 8, 8 * HEAD_DIM)).astype(ml_dtypes.bfloat16),
    }
