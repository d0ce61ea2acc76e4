"""Inputs of holdout case 786e0ccc (both variants take the same arguments).

logits: the full-vocabulary FP32 logits of the MAX_LOGIT_ROWS = 8 decode rows, as the
lm_head in front of greedy_sample leaves them in the standalone fixture of
models/deepseek_v4_flash_mtp/lm_head.py (hw-native-sys/pypto-lib): hidden rows
N(0, 0.1^2) and weights N(0, 1/D) in BF16, D = 4096, so every logit is close to
N(0, 0.1^2). The message does not say which program the tp4 run was (the standalone
lm_head or a model entry); with a model's real logits only the winner changes. The
projection itself is not repeated here (a [8, 4096] x [4096, 129280] product): the logits
are drawn from that distribution directly (FP32, not the bits of a BF16 matmul). No value
decides the work of either variant (both scans read every element whatever the data);
the data decides only which chunk and offset win.

sampled_ids: the [8, 8] INT32 output (every element is written: column 0 the argmax,
the rest zeros); seeded with garbage to show that.

`ties=True` plants a repeated maximum in every row (equal values in two chunks, and
twice inside the first of them), for checking the first-occurrence rule of both
variants; the measured fixture has no such ties.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ROWS = 8
VOCAB = 129280
SAMPLED_IDS_PAD = 8


def make_inputs(seed: int = 0, *, ties: bool = False) -> dict[str, np.ndarray[Any, Any]]:
    rng = np.random.default_rng(seed)
    logits = (0.1 * rng.standard_normal((ROWS, VOCAB))).astype(np.float32)
    if ties:
        for r in range(ROWS):
            top = np.float32(logits[r].max() + 0.5)
            cols = np.sort(rng.choice(VOCAB, size=3, replace=False))
            # two hits in one 256-chunk (the lowest first), one in a later chunk
            c0 = int(cols[0])
            base = c0 - c0 % 256
            logits[r, [base + 7, base + 200, int(cols[2])]] = top
    return {
        "logits": logits,
        "sampled_ids": rng.integers(-5, 5, size=(ROWS, SAMPLED_IDS_PAD), dtype=np.int32),
    }
