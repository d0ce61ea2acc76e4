"""Inputs of case 1dd087a6 (all three variants take the same arguments).

The decode-8k condition of the message: --start-pos 8192, so kv_seq_len = 8193 for every
batch -> 2048 compressed rows -> 16 pages of 128 rows per task. Block table as the
harness's (decode_metadata.block_table, not permuted): [b, j] = b * 64 + j, every batch
owns contiguous pages of a B x 64-page cache.
"""

from __future__ import annotations

from typing import Any

import numpy as np

T = 8
MAX_PAGES = 64
START_POS = 8192


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    table = (np.arange(T)[:, None] * MAX_PAGES + np.arange(MAX_PAGES)[None, :]).astype(np.int32)
    return {
        "kv_seq_lens": np.full(T, START_POS + 1, dtype=np.int32),
        "block_table": table,
        "q_i8": rng.integers(-127, 128, size=(T * 64, 128), dtype=np.int8),
        "kv_cache": rng.integers(-127, 128, size=(T * MAX_PAGES * 128, 128), dtype=np.int8),
        "score": np.zeros((T * 4096, 64), dtype=np.int32),
    }
