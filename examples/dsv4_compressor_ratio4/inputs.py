"""Random but valid inputs of `@decode_compressor_ratio4` (kernel.mlir).

`make_inputs(seed, ...)` returns one numpy array per kernel argument, named like the
argument (`%state` -> "state"), with the argument's dtype (bf16 as ml_dtypes.bfloat16).

Valid means:

* every start position is >= 0 and leaves every position the kernel touches in range:
  the previous window `cur - 4 .. cur - 1` (positions < 0 are skipped by the kernel),
  the current window `cur .. cur + 3` and the second new token `start + 1`, all below
  65 * 4 = 260 (`cur = start - start % 4`);
* the state block table gives every (batch, block) the kernel touches its own page:
  no two batches share a page, and the pages are a random permutation of a small pool
  (the touched blocks plus `spare_pages` pages nobody uses). Entries the kernel never
  reads are -1, so a wrong index is an out-of-bounds access, not a silent wrong read;
* the KV cache block table gives every batch its own cache page (column 0; with at
  most 260 positions the compressed index `start // 4` is < 128, so only block 0 is
  used);
* all floats are finite. Scratch tensors and outputs start as random values (not
  zeros), so a missing or misplaced store shows up.

Whether a batch's step closes a window (its gate: `start % 4 + 2 >= 4`) is chosen with
`gate`: "mixed" (both kinds present), "all_true", "all_false", or one bool per batch.

With `exact_matmul` (the default) x and the weights lie on coarse grids (x in k/16,
|x| <= 1; weights in k/256, |w| <= 1/8) so that every partial sum of the fp32
projection is exact: the projections are then the same in any summation order, and the
numpy golden can match the kernel bit for bit downstream.

`benchmark_inputs(seed)` gives the inputs the hardware benchmark used instead: the kernel
file's own test harness (hw-native-sys/pypto-lib commit 6fe66fe0,
models/deepseek/v4/decode_compressor_ratio4.py, `build_tensor_specs`, run without
`--start-pos`): start positions cycling [0, 1, 2, 3, 6, 7, 127] (45 of 64 batches close
a window), contiguous state pages (b * 65 + j), a zero state with the score half at the
most negative f32, uniform [0, 1) activations, weights, ape and rope tables, unit norm
weights, a zero KV cache.

CLI: `python inputs.py --seed 0 [--gate mixed] [--positions mixed] -o in.npz`, or
`python inputs.py --benchmark -o bench.npz`.
numpy's .npz has no bf16: bf16 arrays are stored as raw 2-byte `|V2` arrays;
`load_npz` views them as bf16 again.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import ml_dtypes
import numpy as np

B = 64
S = 2
D = 4096
HEAD_DIM = 512
ROPE_HEAD_DIM = 64
OUT_DIM = 2 * HEAD_DIM
STATE_DIM = 2 * OUT_DIM
RATIO = 4
STATE_BLOCK = 4
STATE_MAX_BLOCKS = 65
CACHE_BLOCK = 128
ROPE_BASE = 10000.0

MAX_POSITION = STATE_BLOCK * STATE_MAX_BLOCKS - 1
"""The largest position the state block table can hold (259)."""

ARG_NAMES: tuple[str, ...] = (
    "x",
    "wkv",
    "wgate",
    "ape",
    "start_pos",
    "state_block_table",
    "state",
    "kv_proj",
    "score_proj",
    "pooled",
    "norm_w",
    "cos",
    "sin",
    "normed_kv",
    "kv",
    "cache_block_table",
    "cmp_kv_cache",
)
"""The kernel's arguments, in order."""

OUTPUT_NAMES: tuple[str, ...] = ("kv", "state", "cmp_kv_cache")
"""The outputs of interest (the seed checks kv, compress_state and cmp_kv_cache)."""

GATE_MODES = ("mixed", "all_true", "all_false")
POSITION_MODES = ("mixed", "uniform", "early", "late")

NpArray = np.ndarray[Any, np.dtype[Any]]


def gates_of(start_pos: NpArray) -> NpArray:
    """Per batch: does this step close a window (`start % 4 + S >= 4`)?"""
    return (start_pos.astype(np.int64) % RATIO) + S >= RATIO


def rope_tables(positions: NpArray) -> tuple[NpArray, NpArray]:
    """cos / sin [len(positions), 32] f32 of the interleaved rope at `positions`.

    Pair i (columns 2i, 2i+1 of the rotary part) turns by `pos * ROPE_BASE^(-2i/64)`.
    """
    i = np.arange(ROPE_HEAD_DIM // 2, dtype=np.float64)
    inv_freq = ROPE_BASE ** (-2.0 * i / ROPE_HEAD_DIM)
    angle = positions.astype(np.float64)[:, None] * inv_freq[None, :]
    return np.cos(angle).astype(np.float32), np.sin(angle).astype(np.float32)


def _window_offsets(rng: np.random.Generator, gate: str | Sequence[bool]) -> NpArray:
    """`start % 4` per batch, from the gate pattern."""
    if isinstance(gate, str):
        if gate not in GATE_MODES:
            raise ValueError(f"gate must be one of {', '.join(GATE_MODES)} or {B} bools, got '{gate}'")
        if gate == "all_true":
            closing = np.ones(B, dtype=bool)
        elif gate == "all_false":
            closing = np.zeros(B, dtype=bool)
        else:
            closing = rng.random(B) < 0.5
            # Both kinds present, at random batches.
            a, b = rng.choice(B, size=2, replace=False)
            closing[a], closing[b] = True, False
    else:
        closing = np.asarray(gate, dtype=bool)
        if closing.shape != (B,):
            raise ValueError(f"a gate pattern has {B} entries, got shape {closing.shape}")
    # Closing: start % 4 in {2, 3}; not closing: {0, 1}.
    return np.where(closing, 2, 0) + rng.integers(0, 2, size=B)


def _window_starts(rng: np.random.Generator, pos: NpArray, positions: str) -> NpArray:
    """`cur = start - start % 4` per batch (a multiple of 4)."""
    if positions not in POSITION_MODES:
        raise ValueError(f"positions must be one of {', '.join(POSITION_MODES)}, got '{positions}'")
    # start + 1 <= MAX_POSITION  <=>  cur <= MAX_POSITION - 1 - pos
    top = (MAX_POSITION - 1 - pos) // RATIO  # largest window index per batch
    kind = {
        "uniform": np.zeros(B, dtype=np.int64),
        "early": np.ones(B, dtype=np.int64),
        "late": np.full(B, 2, dtype=np.int64),
        "mixed": rng.choice(3, size=B, p=[0.5, 0.25, 0.25]),
    }[positions]
    w = np.empty(B, dtype=np.int64)
    for b in range(B):
        if kind[b] == 0:
            w[b] = rng.integers(0, top[b] + 1)
        elif kind[b] == 1:  # the previous window is partly or wholly before position 0
            w[b] = rng.integers(0, 3)
        else:  # the last windows of the table
            w[b] = top[b] - rng.integers(0, 3)
    return w * RATIO


def make_inputs(
    seed: int,
    *,
    gate: str | Sequence[bool] = "mixed",
    batch_gates: str | Sequence[bool] | None = None,
    positions: str = "mixed",
    spare_pages: int = 4,
    spare_cache_pages: int = 2,
    exact_matmul: bool = True,
) -> dict[str, NpArray]:
    """Inputs of every kernel argument, by name; deterministic in `seed`.

    gate / batch_gates (an alias; it wins when given): "mixed", "all_true",
    "all_false", or 64 bools. positions: "mixed" (default), "uniform", "early" (the
    previous window before position 0), "late" (the last pages of the table).
    """
    if batch_gates is not None:
        gate = batch_gates
    if spare_pages < 0 or spare_cache_pages < 0:
        raise ValueError("spare page counts must be >= 0")
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16

    pos = _window_offsets(rng, gate)
    cur = _window_starts(rng, pos, positions)
    start = cur + pos
    if not (np.all(start >= 0) and np.all(start + S - 1 <= MAX_POSITION)):
        raise AssertionError("internal error: start positions out of range")

    # State pages: blocks cur/4 - 1 (previous window), cur/4 (current window, and the new
    # tokens), cur/4 + 1 (the second token when start % 4 == 3), those within the table.
    wanted: list[tuple[int, int]] = []
    for b in range(B):
        c = int(cur[b]) // STATE_BLOCK
        for blk in (c - 1, c, c + 1):
            if 0 <= blk < STATE_MAX_BLOCKS:
                wanted.append((b, blk))
    n_pages = len(wanted) + spare_pages
    pages = rng.permutation(n_pages)
    state_block_table = np.full((B, STATE_MAX_BLOCKS), -1, dtype=np.int32)
    for (b, blk), page in zip(wanted, pages[: len(wanted)], strict=True):
        state_block_table[b, blk] = page
    f32 = np.float32

    def noise(*shape: int, scale: float = 1.0) -> NpArray:
        """Uniform in [-2 scale, 2 scale): float32 uniforms cost a quarter of normal draws
        (these arrays are tens of megabytes, and every test of the kernel builds them)."""
        return rng.random(shape, dtype=f32) * f32(4.0 * scale) - f32(2.0 * scale)

    state = np.empty((n_pages * STATE_BLOCK, STATE_DIM), dtype=f32)
    state[:, :OUT_DIM] = noise(n_pages * STATE_BLOCK, OUT_DIM)
    state[:, OUT_DIM:] = noise(n_pages * STATE_BLOCK, OUT_DIM, scale=2.0)

    n_cache_pages = B + spare_cache_pages
    cache_block_table = rng.permutation(n_cache_pages)[:B].astype(np.int32).reshape(B, 1)
    cmp_kv_cache = noise(n_cache_pages * CACHE_BLOCK, HEAD_DIM).astype(bf16)

    if exact_matmul:
        # k / 16 and k / 256 for small k are exact in fp32 and bf16
        def grid(lo: int, hi: int, shape: tuple[int, int], scale: float) -> NpArray:
            k = rng.integers(lo, hi + 1, size=shape, dtype=np.int16)  # int16: fastest draws
            return (k.astype(f32) * f32(scale)).astype(bf16)  # exact: a power-of-two scale

        x = grid(-16, 16, (B * S, D), 1 / 16)
        wkv = grid(-32, 32, (D, OUT_DIM), 1 / 256)
        wgate = grid(-32, 32, (D, OUT_DIM), 1 / 256)
    else:
        x = rng.standard_normal((B * S, D)).astype(bf16)
        wkv = (rng.standard_normal((D, OUT_DIM)) / 64.0).astype(bf16)
        wgate = (rng.standard_normal((D, OUT_DIM)) / 64.0).astype(bf16)

    # Rope of each batch's compressed entry at its window's first position, cur.
    cos, sin = rope_tables(cur)

    inputs: dict[str, NpArray] = {
        "x": x,
        "wkv": wkv,
        "wgate": wgate,
        "ape": noise(RATIO, OUT_DIM, scale=0.25),
        "start_pos": start.astype(np.int32),
        "state_block_table": state_block_table,
        "state": state,
        "kv_proj": noise(B * S, OUT_DIM),
        "score_proj": noise(B * S, OUT_DIM),
        "pooled": noise(B, HEAD_DIM),
        "norm_w": (1.0 + noise(1, HEAD_DIM, scale=0.05)).astype(np.float32),
        "cos": cos,
        "sin": sin,
        "normed_kv": noise(B, HEAD_DIM),
        "kv": noise(B, HEAD_DIM),
        "cache_block_table": cache_block_table,
        "cmp_kv_cache": cmp_kv_cache,
    }
    assert tuple(inputs) == ARG_NAMES
    return inputs


BENCHMARK_START_PATTERN = (0, 1, RATIO - S, RATIO - 1, 2 * RATIO - S, 2 * RATIO - 1, 4 * 32 - 1)
"""The harness's start positions, `pattern[b % 7]` = [0, 1, 2, 3, 6, 7, 127]."""

FP32_NEG_INF = np.float32(-3.4028234663852886e38)
"""The most negative finite f32, the harness's "minus infinity"."""


def benchmark_inputs(seed: int = 0, *, cache_pages: str = "compact") -> dict[str, NpArray]:
    """The inputs of the hardware benchmark (the kernel file's own test harness).

    start_pos[b] = BENCHMARK_START_PATTERN[b % 7]; state block table [b, j] = b * 65 + j
    (every batch owns contiguous pages); the compressor state is zeros with the score
    half (columns 1024:2048) at FP32_NEG_INF; x, wkv, wgate, ape, cos and sin uniform in
    [0, 1) (x and the weights then rounded to bf16); norm_w ones; the KV cache zeros.
    Scratch tensors and the kv output start as zeros. The random values depend on `seed`.

    cache_pages: the harness's KV cache block table is [b, j] = b * 64 + j, which needs
    64 * 64 pages of 128 rows (512 MiB of bf16) although only column 0 is ever read
    (every position is below 260, so the compressed index is below 128). "harness"
    builds exactly that; "compact" (the default) keeps the table's [64, 64] shape and
    its column 0 in batch order, with page b for batch b (other entries -1, never read),
    and a 64-page cache (8 MiB). Each batch still writes one 1 KiB row of its own page.
    """
    if cache_pages not in ("compact", "harness"):
        raise ValueError(f"cache_pages must be 'compact' or 'harness', got '{cache_pages}'")
    rng = np.random.default_rng(seed)
    bf16 = ml_dtypes.bfloat16
    pattern = np.array(BENCHMARK_START_PATTERN, dtype=np.int32)
    start = pattern[np.arange(B) % len(pattern)]
    state_block_table = (
        np.arange(B)[:, None] * STATE_MAX_BLOCKS + np.arange(STATE_MAX_BLOCKS)[None, :]
    ).astype(np.int32)
    state = np.zeros((B * STATE_MAX_BLOCKS * STATE_BLOCK, STATE_DIM), dtype=np.float32)
    state[:, OUT_DIM:] = FP32_NEG_INF
    cache_cols = 64
    if cache_pages == "harness":
        cache_block_table = (
            np.arange(B)[:, None] * cache_cols + np.arange(cache_cols)[None, :]
        ).astype(np.int32)
        n_cache_pages = B * cache_cols
    else:
        cache_block_table = np.full((B, cache_cols), -1, dtype=np.int32)
        cache_block_table[:, 0] = np.arange(B, dtype=np.int32)
        n_cache_pages = B

    def uniform(*shape: int) -> NpArray:
        return rng.random(shape).astype(np.float32)

    inputs: dict[str, NpArray] = {
        "x": uniform(B * S, D).astype(bf16),
        "wkv": uniform(D, OUT_DIM).astype(bf16),
        "wgate": uniform(D, OUT_DIM).astype(bf16),
        "ape": uniform(RATIO, OUT_DIM),
        "start_pos": start,
        "state_block_table": state_block_table,
        "state": state,
        "kv_proj": np.zeros((B * S, OUT_DIM), dtype=np.float32),
        "score_proj": np.zeros((B * S, OUT_DIM), dtype=np.float32),
        "pooled": np.zeros((B, HEAD_DIM), dtype=np.float32),
        "norm_w": np.ones((1, HEAD_DIM), dtype=np.float32),
        "cos": uniform(B, ROPE_HEAD_DIM // 2),
        "sin": uniform(B, ROPE_HEAD_DIM // 2),
        "normed_kv": np.zeros((B, HEAD_DIM), dtype=np.float32),
        "kv": np.zeros((B, HEAD_DIM), dtype=np.float32),
        "cache_block_table": cache_block_table,
        "cmp_kv_cache": np.zeros((n_cache_pages * CACHE_BLOCK, HEAD_DIM), dtype=bf16),
    }
    assert tuple(inputs) == ARG_NAMES
    return inputs


def save_npz(path: str, arrays: dict[str, NpArray]) -> None:
    """Write `arrays` to an .npz file (bf16 arrays are stored as 2-byte raw `|V2`)."""
    np.savez(path, **arrays)  # pyright: ignore[reportArgumentType]


def load_npz(path: str) -> dict[str, NpArray]:
    """Read an .npz file of kernel arrays; 2-byte raw (`|V2`) arrays are bf16."""
    with np.load(path) as z:
        out: dict[str, NpArray] = {}
        for name in z.files:
            a = z[name]
            if a.dtype.kind == "V" and a.dtype.itemsize == 2:
                a = a.view(ml_dtypes.bfloat16)
            out[name] = a
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gate", "--gates", dest="gate", choices=GATE_MODES, default="mixed")
    ap.add_argument("--positions", choices=POSITION_MODES, default="mixed")
    ap.add_argument("--spare-pages", type=int, default=4)
    ap.add_argument(
        "--inexact-matmul",
        action="store_true",
        help="draw x and the weights from normal distributions instead of exact grids",
    )
    ap.add_argument(
        "--benchmark",
        action="store_true",
        help="the inputs of the hardware benchmark (benchmark_inputs); ignores --gate, "
        "--positions, --spare-pages and --inexact-matmul",
    )
    ap.add_argument("-o", "--output", required=True, help="the .npz file to write")
    args = ap.parse_args(argv)
    try:
        if args.benchmark:
            save_npz(args.output, benchmark_inputs(args.seed))
            return 0
        inputs = make_inputs(
            args.seed,
            gate=args.gate,
            positions=args.positions,
            spare_pages=args.spare_pages,
            exact_matmul=not args.inexact_matmul,
        )
        save_npz(args.output, inputs)
    except (ValueError, OSError) as e:
        print(f"inputs.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
