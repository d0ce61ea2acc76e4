"""A numpy golden of the whole DeepSeek-V4 decode KV compressor (ratio 4).

Written from the kernel's description (hw-native-sys/pypto-lib, models/deepseek/v4), not from the
IR: fp32 math stays in fp32, the bf16 cache is written with round-to-nearest-even
(ml_dtypes). It follows the description's order of operations where that order changes
fp32 results (online softmax step by step, row sums of squares per 64-column tile
added tile by tile), and vectorises where it does not (the 8 head tiles of a batch are
one 512-wide vector; the RMS norm covers all 64 rows at once).

`golden(inputs)` returns every kernel argument after the run, by name (scratch tensors
included), like the interpreter's `RunResult.outputs`. Inputs are not modified.

CLI: `python golden.py in.npz -o golden.npz`, and `python golden.py in.npz --check out.npz`
to compare a run's outputs (pto-run --outputs) with the golden: fp32 tensors within 1e-5
relative (of the tensor's largest magnitude), the bf16 cache and everything else exactly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import ml_dtypes
import numpy as np

NpArray = np.ndarray[Any, np.dtype[Any]]
F32 = np.float32

B = 64
S = 2
HEAD_DIM = 512
ROPE_HEAD_DIM = 64
NOPE_DIM = HEAD_DIM - ROPE_HEAD_DIM
OUT_DIM = 2 * HEAD_DIM
STATE_DIM = 2 * OUT_DIM
RATIO = 4
STATE_BLOCK = 4
CACHE_BLOCK = 128
HEAD_TILE = 64
EPS = F32(1e-6)

SHAPES: dict[str, tuple[int | None, ...]] = {
    "x": (B * S, 4096),
    "wkv": (4096, OUT_DIM),
    "wgate": (4096, OUT_DIM),
    "ape": (RATIO, OUT_DIM),
    "start_pos": (B,),
    "state_block_table": (B, 65),
    "state": (None, STATE_DIM),
    "kv_proj": (B * S, OUT_DIM),
    "score_proj": (B * S, OUT_DIM),
    "pooled": (B, HEAD_DIM),
    "norm_w": (1, HEAD_DIM),
    "cos": (B, ROPE_HEAD_DIM // 2),
    "sin": (B, ROPE_HEAD_DIM // 2),
    "normed_kv": (B, HEAD_DIM),
    "kv": (B, HEAD_DIM),
    "cache_block_table": (B, None),
    "cmp_kv_cache": (None, HEAD_DIM),
}
DTYPES: dict[str, Any] = {
    "x": ml_dtypes.bfloat16,
    "wkv": ml_dtypes.bfloat16,
    "wgate": ml_dtypes.bfloat16,
    "start_pos": np.int32,
    "state_block_table": np.int32,
    "cache_block_table": np.int32,
    "cmp_kv_cache": ml_dtypes.bfloat16,
}


def _check(inputs: Mapping[str, NpArray]) -> None:
    for name, shape in SHAPES.items():
        if name not in inputs:
            raise ValueError(f"missing input '{name}'")
        a = inputs[name]
        want = np.dtype(DTYPES.get(name, np.float32))
        if a.dtype != want:
            raise ValueError(f"input '{name}' has dtype {a.dtype}, expected {want}")
        if len(a.shape) != len(shape) or any(
            w is not None and d != w for d, w in zip(a.shape, shape, strict=True)
        ):
            raise ValueError(f"input '{name}' has shape {a.shape}, expected {shape}")


class _Pages:
    """row_of(b, p) over a paged table, with the bounds checks numpy would skip."""

    def __init__(self, table: NpArray, block: int, rows: int, what: str):
        self.table, self.block, self.rows, self.what = table, block, rows, what

    def row(self, b: int, p: int) -> int:
        blk = p // self.block
        if not 0 <= blk < self.table.shape[1]:
            raise ValueError(f"{self.what}: batch {b} position {p} is beyond its block table")
        page = int(self.table[b, blk])
        r = page * self.block + p % self.block
        if page < 0 or r >= self.rows:
            raise ValueError(
                f"{self.what}: batch {b} position {p} maps to page {page}, row {r}, "
                f"outside the pool of {self.rows} rows"
            )
        return r


def gates(start_pos: NpArray) -> NpArray:
    """Does batch b's step close a window: start % 4 + S >= 4."""
    return (start_pos.astype(np.int64) % RATIO) + S >= RATIO


def _exp(x: NpArray) -> NpArray:
    """fp32 exp rounded once from double precision (ptoc's numerics contract)."""
    return np.exp(x, dtype=np.float64).astype(F32)


def _row_sum_64(tile: NpArray) -> NpArray:
    """Sum of each 64-wide row as the vector unit adds one 256 B repeat: a binary tree of
    adjacent pairs (CANN Ascend C API reference, ReduceSum)."""
    y = tile
    while y.shape[1] > 1:
        y = y[:, 0::2] + y[:, 1::2]
    return y


def _online_softmax_step(
    mi: NpArray, li: NpArray, oi: NpArray, sc: NpArray, kv: NpArray
) -> tuple[NpArray, NpArray, NpArray]:
    m2 = np.maximum(mi, sc)
    a = _exp(mi - m2)
    e = _exp(sc - m2)
    return m2, a * li + e, oi * a + kv * e


def golden(inputs: Mapping[str, NpArray]) -> dict[str, NpArray]:
    """Every kernel argument after one run of the kernel on `inputs`."""
    _check(inputs)
    out = {k: np.array(v, copy=True) for k, v in inputs.items() if k in SHAPES}
    start_pos = out["start_pos"].astype(np.int64)
    state = out["state"]
    spages = _Pages(out["state_block_table"], STATE_BLOCK, state.shape[0], "state")

    # 1. kv_score_proj: bf16 inputs, fp32 products and accumulation.
    x = out["x"].astype(F32)
    out["kv_proj"] = x @ out["wkv"].astype(F32)
    out["score_proj"] = x @ out["wgate"].astype(F32)

    # 2. state_scatter_paged: token t = b * S + s at position start + s.
    for b in range(B):
        for s in range(S):
            p = int(start_pos[b]) + s
            r = spages.row(b, p)
            t = b * S + s
            state[r, :OUT_DIM] = out["kv_proj"][t]
            state[r, OUT_DIM:] = out["score_proj"][t] + out["ape"][p % RATIO]

    # 3. softmax_pool: gated batches only; the 8 head tiles as one 512-wide vector.
    kv_front, kv_back = slice(0, HEAD_DIM), slice(HEAD_DIM, OUT_DIM)
    sc_front, sc_back = slice(OUT_DIM, OUT_DIM + HEAD_DIM), slice(OUT_DIM + HEAD_DIM, STATE_DIM)
    pooled = out["pooled"]
    gate = gates(out["start_pos"])
    for b in np.flatnonzero(gate):
        start = int(start_pos[b])
        cur = start - start % RATIO
        prev = cur - RATIO
        last = spages.row(int(b), cur + RATIO - 1)
        mi = state[last, sc_back].copy()
        li = _exp(mi - mi)
        oi = state[last, kv_back].copy()
        for s in range(RATIO):  # previous window, front halves
            p = prev + s
            if p >= 0:
                r = spages.row(int(b), p)
                mi, li, oi = _online_softmax_step(mi, li, oi, state[r, sc_front], state[r, kv_front])
        for s in range(RATIO - 1):  # current window, back halves
            r = spages.row(int(b), cur + s)
            mi, li, oi = _online_softmax_step(mi, li, oi, state[r, sc_back], state[r, kv_back])
        pooled[b] = oi / li

    # 4. rmsnorm_rope, all rows.
    sumsq = np.zeros((B, 1), dtype=F32)
    for j in range(HEAD_DIM // HEAD_TILE):
        tile = np.ascontiguousarray(pooled[:, j * HEAD_TILE : (j + 1) * HEAD_TILE])
        sumsq = sumsq + _row_sum_64(tile * tile)
    inv_rms = F32(1) / np.sqrt(sumsq / F32(HEAD_DIM) + EPS)
    n = (pooled * inv_rms) * out["norm_w"]
    nr = n[:, NOPE_DIM:]
    j = np.arange(ROPE_HEAD_DIM)
    sign = np.where(j % 2 == 0, F32(-1), F32(1))
    cos = out["cos"][:, j >> 1]
    sin = out["sin"][:, j >> 1]
    rot = nr * cos + (nr[:, j ^ 1] * sign) * sin
    normed = out["normed_kv"]
    normed[:, :NOPE_DIM] = n[:, :NOPE_DIM]
    normed[:, NOPE_DIM:] = rot

    # 5. kv_and_cache_write: gated rows.
    cache = out["cmp_kv_cache"]
    cpages = _Pages(out["cache_block_table"], CACHE_BLOCK, cache.shape[0], "cmp_kv_cache")
    for b in np.flatnonzero(gate):
        out["kv"][b] = normed[b]
        c = int(start_pos[b]) // RATIO
        cache[cpages.row(int(b), c)] = normed[b].astype(ml_dtypes.bfloat16)

    for name, a in out.items():
        if a.dtype != inputs[name].dtype or a.shape != inputs[name].shape:
            raise AssertionError(f"internal error: golden changed the type of '{name}'")
    return out


def _load_npz(path: str) -> dict[str, NpArray]:
    with np.load(path) as z:
        arrays: dict[str, NpArray] = {}
        for name in z.files:
            a = z[name]
            if a.dtype.kind == "V" and a.dtype.itemsize == 2:  # bf16 stored raw
                a = a.view(ml_dtypes.bfloat16)
            arrays[name] = a
    return arrays


def compare(got: Mapping[str, NpArray], want: Mapping[str, NpArray], rtol: float = 1e-5) -> list[str]:
    """Mismatches of a run's outputs against the golden, one line each (empty: match)."""
    problems: list[str] = []
    for name, w in want.items():
        if name not in got:
            problems.append(f"{name}: missing")
            continue
        g = got[name]
        if g.shape != w.shape or g.dtype != w.dtype:
            problems.append(f"{name}: {g.dtype}{list(g.shape)}, expected {w.dtype}{list(w.shape)}")
        elif w.dtype == np.float32:
            g64, w64 = g.astype(np.float64), w.astype(np.float64)
            tol = rtol * np.abs(w64) + rtol * max(float(np.abs(w64).max()), 1e-30)
            bad = ~(np.abs(g64 - w64) <= tol)
            if bad.any():
                i = np.unravel_index(int(np.argmax(bad)), w.shape)
                problems.append(
                    f"{name}: {int(bad.sum())} elements differ, first at {list(map(int, i))}: "
                    f"{g64[i]!r} vs {w64[i]!r}"
                )
        elif g.tobytes() != w.tobytes():
            bad = g.view(np.uint8).reshape((*g.shape, -1)) != w.view(np.uint8).reshape((*w.shape, -1))
            n = int(bad.any(axis=-1).sum())
            problems.append(f"{name}: {n} elements differ (exact comparison)")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("inputs", help="the .npz of kernel inputs (inputs.py -o)")
    ap.add_argument("-o", "--output", help="the .npz to write")
    ap.add_argument("--check", metavar="NPZ", help="compare this run's outputs with the golden")
    args = ap.parse_args(argv)
    if args.output is None and args.check is None:
        ap.error("give -o OUT.npz, --check RUN.npz, or both")
    try:
        result = golden(_load_npz(args.inputs))
        if args.output is not None:
            np.savez(args.output, **result)  # pyright: ignore[reportArgumentType]
        if args.check is not None:
            problems = compare(_load_npz(args.check), result)
            for line in problems:
                print(f"golden.py: mismatch: {line}", file=sys.stderr)
            if problems:
                return 2
            print(f"golden.py: {args.check} matches the golden")
    except (ValueError, OSError) as e:
        print(f"golden.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
