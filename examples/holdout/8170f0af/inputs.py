"""Inputs of holdout case 8170f0af (both variants take the same arguments).

The default fixture of prefill_attention_csa.py (hw-native-sys/pypto-lib, commit
8170f0af), which the measured CSA run evidently used (the message names no case; the
default is `--csa-case custom` with start_pos 0 and num_tokens = MAX_TOKENS):

* one request of 128 new tokens at positions 0 .. 127 (request 1 empty), so
  num_tokens = 128 and every token passes both gates of the scope;
* the compressor state block table [req, block] = req * 2048 + (17 block + 3) % 2048,
  so state_slot_mapping[t] = table[0, t // 4] * 4 + t % 4 (i64; all >= 0);
* kv_state / score_state as the fixture starts them: zeros (context length 0, no
  earlier state rows), [4096, 4, 1024] f32;
* kv_proj / score_proj / pooled_kv stand for what the compressor's projection and
  softmax-pool scopes leave: finite f32 values of the fixture's scale (x ~ U(-0.05,
  0.05) times weights ~ U(-0.5, 0.5) / 64 over 4096 terms: about 0.01); ape ~ U(-0.005,
  0.005) as the fixture draws it. Their values do not change the work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MAX_TOKENS = 128
OUT_DIM = 1024
HEAD_DIM = 512
COMPRESS_RATIO = 4
MAX_REQS = 2
STATE_BLOCK_SIZE = 4
STATE_MAX_BLOCKS = 8192 // STATE_BLOCK_SIZE  # MAX_SEQ_LEN 8192
STATE_BLOCK_NUM = MAX_REQS * STATE_MAX_BLOCKS
MAX_CMP_WRITES = MAX_REQS * (MAX_TOKENS // COMPRESS_RATIO)


def state_row(req: int, pos: int) -> int:
    block, intra = divmod(pos, STATE_BLOCK_SIZE)
    page = req * STATE_MAX_BLOCKS + (block * 17 + 3) % STATE_MAX_BLOCKS
    return page * STATE_BLOCK_SIZE + intra


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    num_tokens = MAX_TOKENS
    positions = np.arange(MAX_TOKENS, dtype=np.int32)
    mapping = np.full(MAX_TOKENS, -1, dtype=np.int64)
    for t in range(num_tokens):
        mapping[t] = state_row(0, int(positions[t]))
    return {
        "kv_proj": (0.01 * rng.standard_normal((MAX_TOKENS, OUT_DIM))).astype(np.float32),
        "score_proj": (0.01 * rng.standard_normal((MAX_TOKENS, OUT_DIM))).astype(np.float32),
        "pooled_kv": (0.01 * rng.standard_normal((MAX_CMP_WRITES, HEAD_DIM))).astype(np.float32),
        "ape": (0.01 * (rng.random((COMPRESS_RATIO, OUT_DIM)) - 0.5)).astype(np.float32),
        "position_ids": positions,
        "state_slot_mapping": mapping,
        "num_tokens": np.array(num_tokens, dtype=np.int64),
        "kv_state": np.zeros((STATE_BLOCK_NUM, STATE_BLOCK_SIZE, OUT_DIM), dtype=np.float32),
        "score_state": np.zeros((STATE_BLOCK_NUM, STATE_BLOCK_SIZE, OUT_DIM), dtype=np.float32),
    }
