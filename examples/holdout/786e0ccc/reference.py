"""numpy reference of holdout case 786e0ccc: greedy sampling of each logits row.

sampled_ids[r, 0] is the index of the first maximum of row r (numpy's argmax keeps the
first occurrence, as torch.argmax does); columns 1..7 are zero. Integer ids: bit-exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RTOL = 0.0


def reference(inputs: dict[str, np.ndarray[Any, Any]]) -> dict[str, np.ndarray[Any, Any]]:
    logits = np.asarray(inputs["logits"], dtype=np.float64)
    out = np.zeros(inputs["sampled_ids"].shape, dtype=np.int32)
    out[:, 0] = np.argmax(logits, axis=1)
    return {"sampled_ids": out}
