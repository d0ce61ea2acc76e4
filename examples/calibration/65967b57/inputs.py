"""Inputs of case 65967b57 (both variants take the same arguments).

The default fixture of decode_compressor_ratio4.py (hw-native-sys/pypto-lib), which the
measured standalone run used (inferred: the message does not say --start-pos was passed):

* start_pos[b] = [0, 1, 2, 3, 6, 7, 127][b % 7]: 19 batches skip the body (start 0, 1),
  18 fold only the 3 current-window slots (start 2, 3: the previous window lies at
  negative positions), 27 fold 4 previous + 3 current slots (start 6, 7, 127);
* state block table [b, j] = b * 65 + j (every batch owns contiguous pages);
* the state as the kernel's earlier scopes leave it: zeros with the score half at the
  most negative f32 (the harness's initial state), and the rows of each batch's two new
  tokens (positions start, start + 1) written with random kv and score values, as the
  state scatter does before softmax_pool.
"""

from __future__ import annotations

from typing import Any

import numpy as np

B = 64
S = 2
STATE_DIM = 2048
MAX_BLOCKS = 65
BLOCK = 4
PATTERN = (0, 1, 2, 3, 6, 7, 127)
NEG_INF = np.float32(-3.4028234663852886e38)


def start_positions() -> np.ndarray[Any, Any]:
    return np.array([PATTERN[b % len(PATTERN)] for b in range(B)], dtype=np.int32)


def make_inputs(seed: int = 0, *, start_pos: Any = None) -> dict[str, np.ndarray[Any, Any]]:
    """The fixture's inputs; `start_pos` (64 ints in [0, 258]) replaces its positions."""
    rng = np.random.default_rng(seed)
    start = start_positions() if start_pos is None else np.asarray(start_pos, dtype=np.int32)
    if start.shape != (B,) or start.min() < 0 or start.max() > MAX_BLOCKS * BLOCK - S:
        raise ValueError(f"start_pos must be {B} positions in [0, {MAX_BLOCKS * BLOCK - S}]")
    table = (np.arange(B)[:, None] * MAX_BLOCKS + np.arange(MAX_BLOCKS)[None, :]).astype(np.int32)
    state = np.zeros((B * MAX_BLOCKS * BLOCK, STATE_DIM), dtype=np.float32)
    state[:, STATE_DIM // 2 :] = NEG_INF
    for b in range(B):
        for s in range(S):
            p = int(start[b]) + s
            row = int(table[b, p // BLOCK]) * BLOCK + p % BLOCK
            state[row, : STATE_DIM // 2] = rng.standard_normal(STATE_DIM // 2)
            state[row, STATE_DIM // 2 :] = 2.0 * rng.standard_normal(STATE_DIM // 2)
    return {
        "start_pos": start,
        "state_block_table": table,
        "state": state,
        "pooled": rng.standard_normal((B, 512)).astype(np.float32),
    }
