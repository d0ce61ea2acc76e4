"""Inputs of holdout case f06f5f04 (both variants take the same arguments).

The fixture of the Qwen3-32B decode harness at the commit (hw-native-sys/pypto-lib,
examples/models/qwen3/32b/qwen3_32b_decode_scope2.py, build_tensor_specs; the full
qwen3_32b_decode.py draws the same tensors for this scope) run with `--max-seq`, as the
message's measurement was:

* seq_lens = max_seq = 4096 for all 16 requests, so pos = 4095 in every task: every
  task writes cache row b * 32768 + ki * 4096 + 4095 and reads RoPE row 4095;
* q_proj [16, 8192], k_proj / v_proj [16, 1024], rope_cos / rope_sin [4096, 128]: f32
  uniform in [-0.5, 0.5) (torch.rand - 0.5 in the harness; here numpy's generator);
* k_cache / v_cache [524288, 128] bf16, uniform in [-0.5, 0.5) as the harness fills them
  (only 128 rows are written; the rest must stay as they are);
* all_q_padded [2048, 128] bf16: a pl.create_tensor in the public code, contents
  undefined before the scopes write it; filled here with 3.0 so that a row the kernel
  failed to write would show.
The values do not change the work (no gates depend on them).
"""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np

BATCH = 16
MAX_SEQ = 4096
HIDDEN = 64 * 128
KV_HIDDEN = 8 * 128
HEAD_DIM = 128
CACHE_ROWS = BATCH * 8 * MAX_SEQ
QPAD_ROWS = BATCH * 8 * 16


def make_inputs(seed: int = 0) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16

    def u(*shape: int) -> np.ndarray[Any, Any]:
        return (rng.random(shape, dtype=np.float32) - np.float32(0.5)).astype(np.float32)

    return {
        "q_proj": u(BATCH, HIDDEN),
        "k_proj": u(BATCH, KV_HIDDEN),
        "v_proj": u(BATCH, KV_HIDDEN),
        "seq_lens": np.full(BATCH, MAX_SEQ, dtype=np.int32),
        "rope_cos": u(MAX_SEQ, HEAD_DIM),
        "rope_sin": u(MAX_SEQ, HEAD_DIM),
        "k_cache": u(CACHE_ROWS, HEAD_DIM).astype(bf16),
        "v_cache": u(CACHE_ROWS, HEAD_DIM).astype(bf16),
        "all_q_padded": np.full((QPAD_ROWS, HEAD_DIM), 3.0, dtype=bf16),
    }
