"""Inputs of holdout case e4ce7a8a (both variants take the same arguments).

The routed-expert fixture of the public harness (hw-native-sys/pypto-lib,
models/deepseek/v4/expert_routed.py, build_tensor_specs, FLASH config): T = 8 decode
tokens x top-6 = 48 token-expert pairs spread uniformly over the N_LOCAL = 256 / 8 = 32
local experts of one EP rank (RECV_MAX 64, RECV_TILE 16, MOE_INTER 2048). The harness
draws the per-expert counts with torch's RNG and no seed in the public code (the message
says a fixed seed was used, not which), so the counts here are one numpy draw of the same
distribution (np.random.default_rng(5): bincount of 48 uniform picks of 32), chosen
because it has 25 active experts, the expected number (32 * (1 - (31/32)^48) = 25.0).
Every active expert has at most 16 rows, so it has one RECV_TILE row tile: 25 (expert,
tile) iterations, 25 exp_h_q launches, in expert order.

Per launch k (expert e, ACTIVE[k] = (e, 0)): h_fp32_e<e> is that iteration's
h_tile_fp32 [16, 2048] (written by the exp_gate_up_act scope, not part of the kernel):
the SwiGLU output silu(min(gate, 10)) * clip(up, -10, 10) for the expert's first
n_rows rows, with gate and up of the scale the dequantised int8 matmuls give on the fixture (std ~1.6: unit x
against weights of std ~0.025 over D = 4096); rows n_rows..15 are zero (the act scope's
fillpad). h_i8_e<e> [16, 2048] int8 and h_sdq_e<e> [16, 1] f32 are the outputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RECV_TILE = 16
MOE_INTER = 2048
N_LOCAL = 32
SWIGLU_LIMIT = 10.0

# rows received per local expert (one draw, see above); 48 in all, 25 experts non-zero
COUNTS = [2, 4, 1, 1, 2, 2, 1, 1, 3, 2, 0, 1, 2, 2, 0, 2,
          1, 1, 1, 0, 3, 4, 0, 0, 1, 3, 0, 1, 3, 0, 1, 3]
# (expert, tile) of each exp_h_q launch, in the orchestrator's order
ACTIVE = [(e, t) for e, n in enumerate(COUNTS) for t in range(-(-n // RECV_TILE))]
assert sum(COUNTS) == 48 and len(ACTIVE) == 25


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray[Any, Any]] = {}
    for e, t in ACTIVE:
        rows = min(RECV_TILE, COUNTS[e] - t * RECV_TILE)
        gate = np.minimum(1.6 * rng.standard_normal((rows, MOE_INTER)), SWIGLU_LIMIT)
        up = np.clip(1.6 * rng.standard_normal((rows, MOE_INTER)), -SWIGLU_LIMIT, SWIGLU_LIMIT)
        h = np.zeros((RECV_TILE, MOE_INTER), dtype=np.float32)
        h[:rows] = (gate / (1.0 + np.exp(-gate)) * up).astype(np.float32)
        out[f"h_fp32_e{e}"] = h
    for e, _ in ACTIVE:
        out[f"h_i8_e{e}"] = np.zeros((RECV_TILE, MOE_INTER), dtype=np.int8)
        out[f"h_sdq_e{e}"] = np.zeros((RECV_TILE, 1), dtype=np.float32)
    return out
