"""The ops of issue 8 (scalar writes, masks, slices, views, sorts, mixed tasks, ...):
the interpreter against independent numpy references, and the execution record's fields."""

from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend.interpreter import Program, compile_module, gm_bursts
from ptoc.backend.record import ExecutionRecord, OpEvent

BF16 = np.dtype(ml_dtypes.bfloat16)


def compile_text(text: str) -> Program:
    return compile_module(ptoc.parse(text, "test.mlir"))


def events(rec: ExecutionRecord, scope: int = 0, task: int = 0) -> list[OpEvent]:
    return rec.scopes[scope].tasks[task].events


def kinds(rec: ExecutionRecord, kind: str) -> list[OpEvent]:
    return [e for s in rec.scopes for t in s.tasks for e in t.events if e.kind == kind]


# --------------------------------------------------------------------------- record: bursts


def ref_bursts(tile: tuple[int, ...], shape: tuple[int, ...], isz: int) -> tuple[int, int, int]:
    """Independent reference: enumerate the byte offsets the window covers, group runs."""
    strides = [isz * int(np.prod(shape[d + 1:], dtype=np.int64)) for d in range(len(shape))]
    offs = sorted(
        sum(i * s for i, s in zip(ix, strides)) for ix in np.ndindex(*tile)
    )
    runs: list[tuple[int, int]] = []  # (start, length in bytes)
    for o in offs:
        if runs and runs[-1][0] + runs[-1][1] == o:
            runs[-1] = (runs[-1][0], runs[-1][1] + isz)
        else:
            runs.append((o, isz))
    starts = [r[0] for r in runs]
    stride = starts[1] - starts[0] if len(starts) > 1 else runs[0][1]
    return len(runs), runs[0][1], stride


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_gm_bursts_match_enumeration(data: Any) -> None:
    rank = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.integers(1, 6)) for _ in range(rank))
    tile = tuple(data.draw(st.integers(1, s)) for s in shape)
    isz = data.draw(st.sampled_from([1, 2, 4]))
    rows, rb, sb = gm_bursts(tile, shape, isz)
    want_rows, want_rb, want_sb = ref_bursts(tile, shape, isz)
    assert (rows, rb) == (want_rows, want_rb)
    if rank <= 2 or rows == 1:
        assert sb == want_sb
    assert rows * rb == isz * int(np.prod(tile))


LOAD_STORE = """
func.func @k(%a: memref<8x64xf32>, %b: memref<4x64xbf16>, %o: memref<8x64xf32>, %idx: memref<4xi32>) {
  pto.spmd %t = 0 to 2 {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %r = arith.muli %t, %c4 : index
    %x = pto.load %a[%r, %c0] : memref<8x64xf32> -> tensor<4x16xf32>
    %y = pto.load %a[%r, %c0] : memref<8x64xf32> -> tensor<4x64xf32>
    %z = pto.load %b[%c0, %c0] : memref<4x64xbf16> -> tensor<1x64xbf16>
    %v = pto.read %idx[%t] : memref<4xi32> -> i32
    pto.store %y, %o[%r, %c0] : tensor<4x64xf32>, memref<8x64xf32>
  }
  func.return
}
"""


def test_load_store_read_events_carry_bursts_and_tensor_ids() -> None:
    prog = compile_text(LOAD_STORE)
    a = np.arange(8 * 64, dtype=np.float32).reshape(8, 64)
    rec = prog.run({
        "a": a, "b": np.zeros((4, 64), BF16), "o": np.zeros((8, 64), np.float32),
        "idx": np.arange(4, dtype=np.int32),
    }).record
    ev = {e.op + str(e.shape): e for e in events(rec, task=1)}
    x = ev["pto.load(4, 16)"]
    assert (x.rows, x.row_bytes, x.stride_bytes, x.tensor) == (4, 64, 256, 0)
    y = ev["pto.load(4, 64)"]
    assert (y.rows, y.row_bytes, y.stride_bytes, y.tensor) == (1, 1024, 1024, 0)
    z = ev["pto.load(1, 64)"]
    assert (z.rows, z.row_bytes, z.tensor, z.dtype) == (1, 128, 1, "bfloat16")
    s = ev["pto.store(4, 64)"]
    assert (s.rows, s.row_bytes, s.tensor) == (1, 1024, 2)
    r = ev["pto.read()"]
    assert (r.tensor, r.offset) == (3, 1)
    assert all(e.side == "" for e in events(rec, task=1))
