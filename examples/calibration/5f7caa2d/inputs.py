"""Inputs of case 5f7caa2d (both variants take the same arguments).

The default fixture of prefill_sparse_attn.py (compress_ratio 0; inferred): one request
of T = 128 prefill tokens; token t has t + 1 valid indices, in slots 0..t, that point at
the current-suffix overlay rows 0..t (raw index WIN + s, causal); every other slot of
the 384 padded slots is -1 (a zero row). No ring or compressed rows are used (their
tables and caches are given, small, for the kernel's other branches).

`make_inputs(seed, all_kinds=True)` draws every slot's raw index from all four kinds
(padding, ring, overlay, compressed) instead: not the measured fixture, but it runs
every branch of the kernels (the tests use it).
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

T = 128
SPARSE_PAD = 384
WIN = 128
HEAD_DIM = 512


SPARSE_TOPK = 320


def raw_indices() -> np.ndarray[Any, Any]:
    idx = np.full((T, SPARSE_PAD), -1, dtype=np.int32)
    for t in range(T):
        idx[t, : t + 1] = WIN + np.arange(t + 1)
    return idx


def all_kinds_indices(rng: np.random.Generator) -> np.ndarray[Any, Any]:
    kind = rng.integers(0, 4, size=(T, SPARSE_PAD))
    ring = rng.integers(0, WIN, size=(T, SPARSE_PAD))
    overlay = WIN + rng.integers(0, T, size=(T, SPARSE_PAD))
    compressed = WIN + T + rng.integers(0, 256, size=(T, SPARSE_PAD))
    idx = np.select([kind == 0, kind == 1, kind == 2], [-1, ring, overlay], compressed)
    idx[:, SPARSE_TOPK:] = -1  # padding past the top-k (the public index tensor ends there)
    return idx.astype(np.int32)


def make_inputs(seed: int = 0, *, all_kinds: bool = False) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    return {
        "token_to_request": np.zeros(T, dtype=np.int32),
        "raw_idx": all_kinds_indices(rng) if all_kinds else raw_indices(),
        "ring_block_table": np.zeros((1, 1), dtype=np.int32),
        "ring_kv": rng.standard_normal((1, 128, HEAD_DIM)).astype(bf16),
        "kv_overlay": rng.standard_normal((1, T, HEAD_DIM)).astype(bf16),
        "cmp_block_table": np.array([[1, 0]], dtype=np.int32),
        "cmp_kv": rng.standard_normal((2, 128, HEAD_DIM)).astype(bf16),
        "sparse_kv": np.full((T, SPARSE_PAD, HEAD_DIM), 7.0, dtype=bf16),
    }
