"""Writes through `memref.collapse_shape` / `expand_shape` views (issue 8 point 4): the
box a store writes through a view, mapped to the viewed tensor's indices by
`IndexBuilder.base_access`, is exactly the set of elements numpy's reshape says it is;
a box that is not exactly a box of the base is refused (the race check then reports
"may race: undecided"), never mapped to a smaller region."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.dialects.pto import SpmdOp, StoreOp
from ptoc.passes.check_races import check_scope
from ptoc.passes.index_expr import IndexBuilder


def _shape(s: tuple[int, ...]) -> str:
    return "x".join(str(x) for x in s)


def _mapped(base: tuple[int, ...], view: tuple[int, ...], groups: list[list[int]],
            collapse: bool, idx: tuple[int, ...], tile: tuple[int, ...]):
    assoc = "[" + ", ".join("[" + ", ".join(map(str, g)) + "]" for g in groups) + "]"
    if collapse:
        vop = f"memref.collapse_shape %out {assoc} : memref<{_shape(base)}xf32> into memref<{_shape(view)}xf32>"
    else:
        outs = ", ".join(map(str, view))
        vop = (f"memref.expand_shape %out {assoc} output_shape [{outs}] : "
               f"memref<{_shape(base)}xf32> into memref<{_shape(view)}xf32>")
    consts = "\n".join(f"    %i{k} = arith.constant {v} : index" for k, v in enumerate(idx))
    ids = ", ".join(f"%i{k}" for k in range(len(idx)))
    text = f"""
func.func @k(%x: memref<{_shape(tile)}xf32>, %out: memref<{_shape(base)}xf32>) {{
  %v0 = {vop}
  pto.spmd %t = 0 to 2 {{
{consts}
    %tile = pto.load %x[{ids}] : memref<{_shape(tile)}xf32> -> tensor<{_shape(tile)}xf32>
    pto.store %tile, %v0[{ids}] : tensor<{_shape(tile)}xf32>, memref<{_shape(view)}xf32>
  }}
  func.return
}}
"""
    module = ptoc.parse(text, "k.mlir")
    spmd = next(o for o in module.walk() if isinstance(o, SpmdOp))
    store = next(o for o in spmd.walk() if isinstance(o, StoreOp))
    b = IndexBuilder(spmd)
    acc = b.access(store)
    assert acc is not None
    return b.base_access(store.dest, acc)


def _truth(base, view, idx, tile) -> set[int]:
    ids = np.arange(math.prod(base)).reshape(base).reshape(view)
    box = tuple(slice(i, i + t) for i, t in zip(idx, tile, strict=True))
    return set(ids[box].ravel().tolist())


def _elements(base, acc) -> set[int]:
    assert all(e.is_const for e in acc.indices)
    ids = np.arange(math.prod(base)).reshape(base)
    box = tuple(slice(e.const, e.const + t) for e, t in zip(acc.indices, acc.tile, strict=True))
    got = ids[box]
    assert got.shape == acc.tile  # the mapped box lies inside the base
    return set(got.ravel().tolist())


@st.composite
def _case(draw):
    # base [A, B, C] collapsed to [A * B, C] (or the reverse: expand)
    a = draw(st.sampled_from([1, 2, 4]))
    b = draw(st.sampled_from([1, 2, 4, 8]))
    c = draw(st.sampled_from([4, 8]))
    coarse, fine = (a * b, c), (a, b, c)
    collapse = draw(st.booleans())
    view = coarse if collapse else fine
    tile = tuple(draw(st.integers(1, n)) for n in view)
    idx = tuple(draw(st.integers(0, n - t)) for n, t in zip(view, tile, strict=True))
    base = fine if collapse else coarse
    return base, view, collapse, idx, tile


@settings(max_examples=60, deadline=None)
@given(_case())
def test_view_boxes_are_exact(case) -> None:
    base, view, collapse, idx, tile = case
    got = _mapped(base, view, [[0, 1], [2]], collapse, idx, tile)
    if isinstance(got, str):
        return  # refused: undecided, sound
    assert _elements(base, got) == _truth(base, view, idx, tile)


def test_aligned_blocks_map() -> None:
    # the seed's case: [4, 16, 512] viewed as [64, 512], a 16-row block per task
    got = _mapped((4, 16, 8), (64, 8), [[0, 1], [2]], True, (32, 0), (16, 8))
    assert not isinstance(got, str)
    assert [e.const for e in got.indices] == [2, 0, 0] and got.tile == (1, 16, 8)
    # and back: [64, 8] viewed as [4, 16, 8], one block
    got = _mapped((64, 8), (4, 16, 8), [[0, 1], [2]], False, (2, 0, 0), (1, 16, 8))
    assert not isinstance(got, str)
    assert [e.const for e in got.indices] == [32, 0] and got.tile == (16, 8)


def test_unaligned_block_is_refused() -> None:
    got = _mapped((4, 16, 8), (64, 8), [[0, 1], [2]], True, (4, 0), (16, 8))
    assert isinstance(got, str)


_VALID = """
func.func @k(%x: memref<16x64xf32>, %out: memref<64x64xf32>, %n: index) {{
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  pto.spmd %t = 0 to 4 {{
    %r = arith.muli %t, %c8 : index
    %v = pto.load %x[%c0, %c0] : memref<16x64xf32> -> tensor<16x64xf32>
    pto.store_valid %v, %out[%r, %c0] valid [{rows}, %c64] : tensor<16x64xf32>, memref<64x64xf32>
  }}
  func.return
}}
"""


def _findings(text: str):
    module = ptoc.parse(text, "k.mlir")
    spmd = next(o for o in module.walk() if isinstance(o, SpmdOp))
    return check_scope(spmd)


def test_store_valid_window() -> None:
    # a runtime valid extent: the whole 16-row tile, so rows 8t..8t+15 overlap task t+1
    (f,) = _findings(_VALID.format(rows="%n"))
    assert f.severity == "error" and f.verdict.kind == "race"
    assert "out[8:16, 0:64]" in f.message and "taken as its whole tile" in f.message
    # a constant valid extent of 8 rows every 8 rows: disjoint
    assert _findings(_VALID.format(rows="%c8")) == []
