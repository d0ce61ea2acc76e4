"""The checks the upstream ops ptoc reuses need and xDSL 0.74 does not make.

ptoc reuses `tensor.extract_slice` / `tensor.insert_slice` for tile slicing,
`memref.alloc` for a scratch tensor in global memory and `memref.collapse_shape` /
`memref.expand_shape` for views of global-memory tensors: their meaning is exactly the
one a kernel needs. But xDSL 0.74 verifies only their operand kinds: a slice whose result
shape differs from its sizes, whose static offset runs past the tile, or whose element
type changes; a collapse into a shape of another size; all parse and verify there (MLIR
rejects them). `upstream_use_violation(op)` returns what is wrong with such an op (or
None); `ptoc.diagnostics.verify` reports it at the op. Besides MLIR's own rules, ptoc
adds its restrictions: no `arith.cmpf` / `arith.cmpi` on tiles (xDSL 0.74 types their
result as a scalar `i1`; `pto.cmp` is the tile compare), unit strides (a tile slice is a contiguous window), static slice
sizes (a tile has a static shape), identity layouts, and `memref.alloc` only outside
`pto.spmd` (a scratch GM tensor is made by the kernel's orchestration level, PyPTO's
`pl.create_tensor`).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects import arith, memref, tensor
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    IntegerAttr,
    MemRefType,
    NoneAttr,
    TensorType,
)
from xdsl.ir import Attribute, Operation

from ptoc.diagnostics import register_op_check
from ptoc.dialects.pto import SpmdOp

__all__ = ["upstream_use_violation"]


def _shape(t: Attribute) -> tuple[int, ...]:
    assert isinstance(t, (TensorType, MemRefType))
    return tuple(int(d) for d in t.get_shape())  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType, reportUnknownVariableType]


def _dims(shape: Sequence[int]) -> str:
    return "x".join("?" if d < 0 else str(d) for d in shape)


def _slice_problem(
    op: tensor.ExtractSliceOp | tensor.InsertSliceOp, tile: Attribute, window: Attribute
) -> str | None:
    """`tile` is the sliced tensor, `window` the slice (extract's result, insert's source)."""
    name = op.name
    if not isinstance(tile, TensorType) or not isinstance(window, TensorType):
        return f"{name} works on tiles (tensor types)"
    ts, ws = _shape(tile), _shape(window)
    if any(d < 0 for d in ts + ws):
        return f"{name} on tiles needs static shapes, got {tile} and {window}"
    offs = op.static_offsets.get_values()
    sizes = op.static_sizes.get_values()
    strides = op.static_strides.get_values()
    rank = len(ts)
    if not (len(offs) == len(sizes) == len(strides) == rank):
        return f"{name} of a rank-{rank} tile needs {rank} offsets, sizes and strides"
    n_dyn_off = sum(1 for o in offs if o == DYNAMIC_INDEX)
    if n_dyn_off != len(op.offsets):
        return f"{name} has {len(op.offsets)} dynamic offsets for {n_dyn_off} '?' offsets"
    if op.sizes or any(s == DYNAMIC_INDEX for s in sizes):
        return f"{name} on tiles needs static sizes (a tile has a static shape)"
    if op.strides or any(s != 1 for s in strides):
        return f"{name} on tiles takes unit strides (a contiguous window), got {list(strides)}"
    if tuple(sizes) != ws:
        return (
            f"{name} sizes {list(sizes)} differ from the slice's shape {list(ws)} "
            "(rank-reducing slices are not supported)"
        )
    if tile.get_element_type() != window.get_element_type():  # pyright: ignore[reportUnknownMemberType]
        return f"{name} keeps the element type: {tile} and {window} differ"
    for d, (o, s, n) in enumerate(zip(offs, sizes, ts)):
        if o != DYNAMIC_INDEX and (o < 0 or o + s > n):
            return f"{name} dimension {d}: offset {o} + size {s} is outside [0, {n}]"
    return None


def _identity_layout(t: MemRefType[Attribute]) -> bool:
    return isinstance(t.layout, NoneAttr)


def _groups(
    op: memref.CollapseShapeOp | memref.ExpandShapeOp | tensor.CollapseShapeOp | tensor.ExpandShapeOp,
) -> list[list[int]] | None:
    reassoc = op.reassociation
    out: list[list[int]] = []
    if not isinstance(reassoc, ArrayAttr):
        return None
    for g in reassoc.data:
        if not isinstance(g, ArrayAttr):
            return None
        grp: list[int] = []
        for x in g.data:
            if not isinstance(x, IntegerAttr):
                return None
            grp.append(int(x.value.data))  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        out.append(grp)
    return out


def _reshape_problem(
    op: memref.CollapseShapeOp | memref.ExpandShapeOp, big: Attribute, small: Attribute
) -> str | None:
    """`big` has the higher rank (collapse's source, expand's result)."""
    name = op.name
    if not isinstance(big, MemRefType) or not isinstance(small, MemRefType):
        return f"{name} works on memrefs"
    if not _identity_layout(big) or not _identity_layout(small):  # pyright: ignore[reportUnknownArgumentType]
        return f"{name}: ptoc's views keep the identity (row-major) layout"
    if big.get_element_type() != small.get_element_type():  # pyright: ignore[reportUnknownMemberType]
        return f"{name} keeps the element type"
    groups = _groups(op)
    bs, ss = _shape(big), _shape(small)
    if groups is None:
        return f"{name}: the reassociation must be a list of lists of dimension numbers"
    flat = [d for g in groups for d in g]
    if flat != list(range(len(bs))) or any(not g for g in groups):
        return (
            f"{name}: the reassociation {groups} must group the {len(bs)} dimensions of "
            f"memref<{_dims(bs)}> in order, each exactly once"
        )
    if len(groups) != len(ss):
        return f"{name}: {len(groups)} groups but memref<{_dims(ss)}> has rank {len(ss)}"
    for i, g in enumerate(groups):
        part = [bs[d] for d in g]
        if any(p < 0 for p in part):
            if ss[i] >= 0 and len(part) > 1:
                return f"{name}: group {i} has a dynamic dimension, so its extent must be '?'"
            if len(part) > 1 and sum(1 for p in part if p < 0) > 1 and isinstance(
                op, memref.ExpandShapeOp
            ):
                return f"{name}: group {i} may have at most one dynamic dimension"
            continue
        n = 1
        for p in part:
            n *= p
        if ss[i] != n:
            return (
                f"{name}: dimensions {g} of memref<{_dims(bs)}> hold {n} elements but "
                f"dimension {i} of memref<{_dims(ss)}> is {'?' if ss[i] < 0 else ss[i]}"
            )
    if isinstance(op, memref.ExpandShapeOp):
        static = list(op.static_output_shape.get_values())
        if len(static) != len(bs):
            return f"{name}: output_shape has {len(static)} extents for a rank-{len(bs)} result"
        for d, (s, b) in enumerate(zip(static, bs)):
            if (s == DYNAMIC_INDEX) != (b < 0) or (b >= 0 and s != b):
                return f"{name}: output_shape extent {d} disagrees with the result type"
        if len(op.output_shape) != sum(1 for s in static if s == DYNAMIC_INDEX):
            return f"{name}: one output_shape operand is needed per '?' extent"
    return None


def _tile_reshape_problem(
    op: tensor.CollapseShapeOp | tensor.ExpandShapeOp, big: Attribute, small: Attribute
) -> str | None:
    """A tile reshape (`pl.reshape` of a tile): static shapes, one element type, the
    dimensions of `big` (the higher rank) grouped in order into those of `small`."""
    name = op.name
    if not isinstance(big, TensorType) or not isinstance(small, TensorType):
        return f"{name} works on tiles (tensor types)"
    if big.get_element_type() != small.get_element_type():  # pyright: ignore[reportUnknownMemberType]
        return f"{name} keeps the element type"
    bs, ss = _shape(big), _shape(small)
    if any(d < 0 for d in bs + ss):
        return f"{name} on tiles needs static shapes, got {big} and {small}"
    groups = _groups(op)
    if groups is None or [d for g in groups for d in g] != list(range(len(bs))) or any(
        not g for g in groups
    ):
        return f"{name}: the reassociation must group the {len(bs)} dimensions in order"
    if len(groups) != len(ss):
        return f"{name}: {len(groups)} groups for a rank-{len(ss)} tile"
    for i, g in enumerate(groups):
        n = 1
        for d in g:
            n *= bs[d]
        if n != ss[i]:
            return f"{name}: dimensions {g} of tensor<{_dims(bs)}> hold {n} elements, not {ss[i]}"
    if isinstance(op, tensor.ExpandShapeOp):
        if list(op.static_output_shape.get_values()) != list(bs) or op.dynamic_output_shape:
            return f"{name}: output_shape must be the result's static shape"
    return None


def _in_task(op: Operation) -> bool:
    p = op.parent_op()
    while p is not None:
        if isinstance(p, SpmdOp):
            return True
        p = p.parent_op()
    return False


def upstream_use_violation(op: Operation) -> str | None:
    """What is wrong with a reused upstream op, as ptoc (and MLIR) define it; or None."""
    if isinstance(op, (arith.CmpfOp, arith.CmpiOp)) and isinstance(op.lhs.type, TensorType):
        # xDSL 0.74 gives a scalar i1 for tile operands (MLIR: a tensor of i1), which ran
        # into numpy's "truth value of an array is ambiguous" at the arith.select after it
        return (
            f"{op.name} on tiles gives a scalar i1 in xDSL 0.74, not a mask: compare tiles "
            "with pto.cmp and choose with pto.select"
        )
    if isinstance(op, tensor.ExtractSliceOp):
        return _slice_problem(op, op.source.type, op.result.type)
    if isinstance(op, tensor.InsertSliceOp):
        if op.result.type != op.dest.type:
            return "tensor.insert_slice result and destination types differ"
        return _slice_problem(op, op.dest.type, op.source.type)
    if isinstance(op, (tensor.ExtractOp, tensor.InsertOp)):
        t = op.tensor.type if isinstance(op, tensor.ExtractOp) else op.dest.type
        if not isinstance(t, TensorType) or any(d < 0 for d in _shape(t)):
            return f"{op.name} on tiles needs a static shape, got {t}"
        if len(op.indices) != len(_shape(t)):
            return f"{op.name} takes one index per dimension: {len(op.indices)} for {t}"
        return None
    if isinstance(op, tensor.CollapseShapeOp):
        return _tile_reshape_problem(op, op.src.type, op.result.type)
    if isinstance(op, tensor.ExpandShapeOp):
        return _tile_reshape_problem(op, op.result.type, op.src.type)
    if isinstance(op, memref.CollapseShapeOp):
        return _reshape_problem(op, op.src.type, op.result.type)
    if isinstance(op, memref.ExpandShapeOp):
        return _reshape_problem(op, op.result.type, op.src.type)
    if op.name == "linalg.transpose":
        ins, init = op.operands[0].type, op.operands[1].type
        if not (isinstance(ins, TensorType) and isinstance(init, TensorType) and op.results):
            return "linalg.transpose in a kernel transposes tiles (tensor types, with a result)"
        return None
    if op.name == "linalg.fill" and any(isinstance(o.type, MemRefType) for o in op.operands):
        # the GM form (pl.create_tensor(..., init_value=v)); a tile fill is tensor.splat
        if len(op.operands) != 2 or op.results:
            return "linalg.fill of a GM tensor takes one value and one memref, and has no result"
        v, m = op.operands
        mt = m.type
        if not isinstance(mt, MemRefType) or v.type != mt.get_element_type():  # pyright: ignore[reportUnknownMemberType]
            return "linalg.fill fills a memref with a scalar of its element type"
        if _in_task(op):
            return "linalg.fill of a GM tensor belongs outside pto.spmd (the orchestration)"
        return None
    if isinstance(op, memref.AllocOp):
        t = op.memref.type
        if _in_task(op):
            return (
                "memref.alloc makes a scratch tensor in global memory: it belongs outside "
                "pto.spmd (a tile inside a task is a value, e.g. tensor.splat)"
            )
        if not _identity_layout(t) or not isinstance(t.memory_space, NoneAttr):  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
            return "memref.alloc: a scratch GM tensor has the identity layout, no memory space"
        if op.symbol_operands:
            return "memref.alloc takes no symbol operands here"
        n_dyn = sum(1 for d in _shape(t) if d < 0)
        if len(op.dynamic_sizes) != n_dyn:
            return f"memref.alloc of {t} needs {n_dyn} dynamic sizes, got {len(op.dynamic_sizes)}"
    return None


register_op_check(upstream_use_violation)
