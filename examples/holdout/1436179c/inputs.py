"""Inputs of holdout case 1436179c (the two variants take different arguments).

The default fixture of prefill_compressor_ratio128.py (hw-native-sys/pypto-lib, at
bd278e87, the parent, and at 1436179c), the run the message quotes (`python
models/deepseek/v4/prefill_compressor_ratio128.py -p a2a3`, no --start-pos: start_pos 0):

* one chunk of T = 128 tokens at positions 0 .. 127, num_tokens = 128;
* cmp_slot_mapping: -1 except token 127 ((127 + 1) % 128 == 0), which writes compressed
  row 0; so one compressed write (write_i 0) and all 8 pool tasks pass their gate;
* the compressor state block table [b] = (17 b + 3) % 1024 (i32, all >= 0);
* the state caches [1024, 8, 512] f32 as the fixture starts them: zeros (no history
  before position 0);
* kv_proj / score_proj stand for what the projection scope leaves (x @ wkv, x @ wgate in
  f32), drawn at the fixture's scale (x ~ U(-0.05, 0.05) over 4096 terms, weights
  ~ N(0, 0.0246) / N(0, 0.0316): std about 0.045 / 0.058); ape ~ N(0, 0.034) as drawn;
* pooled_kv_pad [8, 512] f32: zeros, as the norm_pad_init scope leaves it.

`make_inputs` gives the parent's arguments (online_flash: the pool reads the initial
state, then overlays the chunk's projections). `make_inputs_vectorized` gives the same
draws in the form the commit's pool reads: the state caches after the state scatter
(row of position p = kv_proj[t], score_proj[t] + ape[p % 128] in f32) and the write map
of the write_map scope (dst [0, -1 x 7], pos [127, 0 x 7]).
"""

from __future__ import annotations

from typing import Any

import numpy as np

T = 128
RATIO = 128
DIM = 512
BLOCK = 8
MAX_BLOCKS = 8192 // BLOCK
RMS_TILE = 8


def block_table() -> np.ndarray[Any, Any]:
    return ((np.arange(MAX_BLOCKS) * 17 + 3) % MAX_BLOCKS).astype(np.int32)


def state_row(table: np.ndarray[Any, Any], pos: int) -> int:
    return int(table[pos // BLOCK]) * BLOCK + pos % BLOCK


def _draws(seed: int) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    return {
        "kv_proj": (0.045 * rng.standard_normal((T, DIM))).astype(np.float32),
        "score_proj": (0.058 * rng.standard_normal((T, DIM))).astype(np.float32),
        "ape": (0.034 * rng.standard_normal((RATIO, DIM))).astype(np.float32),
    }


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    d = _draws(seed)
    mapping = np.full(T, -1, dtype=np.int64)
    mapping[T - 1] = 0
    return {
        "kv_proj": d["kv_proj"],
        "score_proj": d["score_proj"],
        "ape": d["ape"],
        "kv_state": np.zeros((MAX_BLOCKS, BLOCK, DIM), dtype=np.float32),
        "score_state": np.zeros((MAX_BLOCKS, BLOCK, DIM), dtype=np.float32),
        "compress_state_block_table": block_table(),
        "position_ids": np.arange(T, dtype=np.int32),
        "cmp_slot_mapping": mapping,
        "pooled_kv_pad": np.zeros((RMS_TILE, DIM), dtype=np.float32),
    }


def make_inputs_vectorized(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    d = _draws(seed)
    table = block_table()
    kv = np.zeros((MAX_BLOCKS * BLOCK, DIM), dtype=np.float32)
    sc = np.zeros((MAX_BLOCKS * BLOCK, DIM), dtype=np.float32)
    for t in range(T):
        r = state_row(table, t)  # position t
        kv[r] = d["kv_proj"][t]
        sc[r] = d["score_proj"][t] + d["ape"][t % RATIO]
    pos_map = np.zeros((1, RMS_TILE), dtype=np.int32)
    dst_map = np.full((1, RMS_TILE), -1, dtype=np.int32)
    pos_map[0, 0] = T - 1
    dst_map[0, 0] = 0
    return {
        "kv_state": kv.reshape(MAX_BLOCKS, BLOCK, DIM),
        "score_state": sc.reshape(MAX_BLOCKS, BLOCK, DIM),
        "compress_state_block_table": table,
        "write_pos_map": pos_map,
        "write_dst_map": dst_map,
        "pooled_kv_pad": np.zeros((RMS_TILE, DIM), dtype=np.float32),
    }
