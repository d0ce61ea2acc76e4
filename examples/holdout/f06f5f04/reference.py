"""Numpy reference of holdout case f06f5f04: RoPE of the decode token, K/V cache write and
the padded Q buffer of Qwen3-32B decode Scope 2.

From the math (the rotate-half RoPE of the public torch golden): for request b at
position pos = seq_lens[b] - 1, with c = rope_cos[pos], s = rope_sin[pos] split into
halves (lo = columns 0:64, hi = 64:128), every head vector x (8 kv heads of k_proj[b], 64
q heads of q_proj[b]) becomes [x_lo c_lo - x_hi s_lo, x_hi c_hi + x_lo s_hi]. K goes to
k_cache row b * 8 * 4096 + h * 4096 + pos, v_proj[b]'s head h unchanged to the same
v_cache row; q head 8 h + i goes to all_q_padded row b * 128 + h * 16 + i, and rows
b * 128 + h * 16 + 8 .. 15 are zero. Products and sums are in f32 (the device's dtype),
then rounded to bf16 with PyPTO's default cast mode "round" (nearest, ties away from
zero); each step is one IEEE f32 operation, so the result is exact (RTOL 0).
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

RTOL = 0.0

NUM_KV_HEADS = 8
Q_PER_KV = 8
HEAD_DIM = 128
HALF = HEAD_DIM // 2
Q_HEAD_BATCH = 8
Q_HEAD_PAD = 16


def _bf16_round(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """f32 -> bf16, nearest with ties away from zero (on the magnitude bits)."""
    bits = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x8000) >> 16
    return bits.astype(np.uint16).view(ml_dtypes.bfloat16)


def _rope(x: np.ndarray[Any, Any], c: np.ndarray[Any, Any], s: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """x: [n, 128] f32; c, s: [128] f32."""
    lo, hi = x[:, :HALF], x[:, HALF:]
    out_lo = lo * c[:HALF] - hi * s[:HALF]
    out_hi = hi * c[HALF:] + lo * s[HALF:]
    return np.concatenate([out_lo, out_hi], axis=1).astype(np.float32)


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    q_proj = np.asarray(inputs["q_proj"], dtype=np.float32)
    k_proj = np.asarray(inputs["k_proj"], dtype=np.float32)
    v_proj = np.asarray(inputs["v_proj"], dtype=np.float32)
    cos = np.asarray(inputs["rope_cos"], dtype=np.float32)
    sin = np.asarray(inputs["rope_sin"], dtype=np.float32)
    k_cache = inputs["k_cache"].copy()
    v_cache = inputs["v_cache"].copy()
    qpad = inputs["all_q_padded"].copy()
    batch = q_proj.shape[0]
    max_seq = cos.shape[0]
    groups = NUM_KV_HEADS  # q_groups = Q_PER_KV / Q_HEAD_BATCH = 1
    for b in range(batch):
        pos = int(inputs["seq_lens"][b]) - 1
        c, s = cos[pos], sin[pos]
        k_rot = _bf16_round(_rope(k_proj[b].reshape(NUM_KV_HEADS, HEAD_DIM), c, s))
        v_b = _bf16_round(v_proj[b].reshape(NUM_KV_HEADS, HEAD_DIM))
        q_rot = _bf16_round(_rope(q_proj[b].reshape(-1, HEAD_DIM), c, s))
        for h in range(NUM_KV_HEADS):
            row = b * NUM_KV_HEADS * max_seq + h * max_seq + pos
            k_cache[row] = k_rot[h]
            v_cache[row] = v_b[h]
            base = b * groups * Q_HEAD_PAD + h * Q_HEAD_PAD
            qpad[base:base + Q_HEAD_BATCH] = q_rot[h * Q_PER_KV:h * Q_PER_KV + Q_HEAD_BATCH]
            qpad[base + Q_HEAD_BATCH:base + Q_HEAD_PAD] = 0
    return {"k_cache": k_cache, "v_cache": v_cache, "all_q_padded": qpad}
