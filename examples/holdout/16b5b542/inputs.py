"""Inputs of holdout case 16b5b542 (both variants take the same arguments).

The default fixture of the standalone decode_compressor_ratio128.py (hw-native-sys/
pypto-lib, commit 16b5b542, build_tensor_specs without --start-pos), which the measured
run used (the message names no other fixture):

* B = DECODE_BATCH = 4 requests of S = DECODE_SEQ = 2 tokens; start positions from the
  default per-batch pattern [STATE_BLK - 1, 10, RATIO - S, RATIO - 1] = [7, 10, 126, 127],
  position_ids[b, s] = start + s (i32). The softmax_pool gate (pos % 128 + 2 >= 128)
  holds for batches 2 and 3 only; both pool the window of positions 0 .. 127
  (16 state pages);
* compress_state_block_table [4, 64] (i32): table[b, j] = b * 64 + j with logical pages
  0 and 31 swapped in every row (the fixture's non-contiguous table), so page 0 of the
  window is physical page b * 64 + 31;
* compress_state [256, 8, 1024] f32 (kv channels 0..511, score channels 512..1023).
  In the measured run it starts at zero and state_scatter_pre writes the current tokens'
  rows before softmax_pool; here every slot holds finite values of the fixture's scale
  (kv = x @ wkv^T with x ~ U(0, 1) over 4096 terms and wkv std 0.0246: std ~0.9; score
  = x @ wgate^T + ape, std ~1.2), so the reference check sees a non-trivial softmax.
  The values do not change the work (no data-dependent branch reads them);
* pooled_kv [16, 512] f32: the scratch tensor softmax_pool stores into, zeros (its pad
  rows are what pooled_pad_init leaves; rows of non-compressing batches stay as given).
"""

from __future__ import annotations

from typing import Any

import numpy as np

B = 4
S = 2
HEAD_DIM = 512
COMPRESS_RATIO = 128
STATE_BLOCK_SIZE = 8
STATE_MAX_BLOCKS = 64
STATE_BLOCK_NUM = B * STATE_MAX_BLOCKS
STATE_DIM = 2 * HEAD_DIM
RMS_PAD_ROWS = (B // 4) * 16


def block_table() -> np.ndarray[Any, Any]:
    tbl = np.arange(B * STATE_MAX_BLOCKS, dtype=np.int32).reshape(B, STATE_MAX_BLOCKS)
    tbl[:, [0, 31]] = tbl[:, [31, 0]]
    return tbl


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    pattern = [STATE_BLOCK_SIZE - 1, 10, COMPRESS_RATIO - S, COMPRESS_RATIO - 1]
    starts = np.array([pattern[b % len(pattern)] for b in range(B)], dtype=np.int32)
    positions = (starts[:, None] + np.arange(S, dtype=np.int32)[None, :]).astype(np.int32)
    state = np.empty((STATE_BLOCK_NUM, STATE_BLOCK_SIZE, STATE_DIM), dtype=np.float32)
    state[..., :HEAD_DIM] = 0.9 * rng.standard_normal((STATE_BLOCK_NUM, STATE_BLOCK_SIZE, HEAD_DIM))
    state[..., HEAD_DIM:] = 1.2 * rng.standard_normal((STATE_BLOCK_NUM, STATE_BLOCK_SIZE, HEAD_DIM))
    return {
        "position_ids": positions,
        "compress_state_block_table": block_table(),
        "compress_state": state,
        "pooled_kv": np.zeros((RMS_PAD_ROWS, HEAD_DIM), dtype=np.float32),
    }
