"""Inputs of holdout case 9ec1a5c1 (both variants take the same arguments).

The fixture of hc_pre.py's own test (hw-native-sys/pypto-lib, models/deepseek/v4/hc_pre.py,
build_tensor_specs, the same at 9ec1a5c1 and its parent) in the measured decode mode:
B = DECODE_BATCH = 64, S = DECODE_SEQ = 2, so T = 128 tokens:

* x [128, 4, 4096] bf16: uniform in [-0.5, 0.5), rounded to bf16;
* hc_fn [24, 16384] f32: (standard normal - 0.5) / sqrt(16384);
* hc_scale [3] f32: all 0.5;
* hc_base [24] f32: zeros;
* the outputs x_mixed [128, 4096] bf16, post [128, 4] f32, comb [128, 16] f32 start
  as zeros (every element is written).

No data decides the work (no gates, no indices): the values only make the outputs
realistic.
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 128
HC_MULT = 4
D = 4096
HC_DIM = HC_MULT * D
MIX_HC = (2 + HC_MULT) * HC_MULT


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    x = (rng.random((T, HC_MULT, D)) - 0.5).astype(np.float32).astype(bf16)
    hc_fn = ((rng.standard_normal((MIX_HC, HC_DIM)) - 0.5) / np.sqrt(HC_DIM)).astype(np.float32)
    return {
        "x": x,
        "hc_fn": hc_fn,
        "hc_scale": np.full(3, 0.5, dtype=np.float32),
        "hc_base": np.zeros(MIX_HC, dtype=np.float32),
        "x_mixed": np.zeros((T, D), dtype=bf16),
        "post": np.zeros((T, HC_MULT), dtype=np.float32),
        "comb": np.zeros((T, HC_MULT * HC_MULT), dtype=np.float32),
    }
