"""Inputs of holdout case 01496c81 (both variants take the same arguments; no data decides the work).

The router harness fixture (hw-native-sys/pypto-lib, models/deepseek/v4/moe_router.py,
build_tensor_specs at 01496c81 and its parent): x_mixed ~ N(0, 1) in bf16 over
T = 128 tokens x D = 4096, norm_w all ones, gate_w ~ N(0, 1) / sqrt(D) in f32,
gate_bias ~ N(0, 1) x 0.1 in f32, N_EXPERTS = 16. The kernels begin at the gate, so the
RMSNorm output is made here: x / sqrt(mean(x^2) + 1e-6) x norm_w in f32, rounded to bf16
(round half to even). x_norm_bf16 is that tensor (what the parent's gate reads);
x_norm_gate is the same values widened to f32 (what the commit's gate reads). The two
score tensors are outputs, fully written by the kernels.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 128
D = 4096
N_EXPERTS = 16
SCORE_PAD = 32
NORM_EPS = 1e-6


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    x = rng.standard_normal((T, D)).astype(bf16).astype(np.float32)
    inv_rms = 1.0 / np.sqrt(np.mean(x * x, axis=1, keepdims=True, dtype=np.float32) + np.float32(NORM_EPS))
    x_norm = (x * inv_rms.astype(np.float32)).astype(bf16)
    gate_w = (rng.standard_normal((N_EXPERTS, D)) / np.sqrt(D)).astype(np.float32)
    gate_bias = (rng.standard_normal(N_EXPERTS) * 0.1).astype(np.float32)
    return {
        "x_norm_bf16": x_norm,
        "x_norm_gate": x_norm.astype(np.float32),
        "gate_w": gate_w,
        "gate_bias": gate_bias,
        "route_scores": np.zeros((T, SCORE_PAD), dtype=np.float32),
        "biased_scores": np.zeros((T, SCORE_PAD), dtype=np.float32),
    }
