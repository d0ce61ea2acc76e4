"""`pto-to-upstream`: lower every `pto` op to upstream MLIR dialects.

Run after `pto-unroll-expand` (no `pto.unroll` may be left). The result uses only
`func`, `scf`, `arith`, `math`, `memref`, `bufferization`, `tensor` and `linalg`, and
its generic form (`pto-opt --print-op-generic`) verifies in upstream `mlir-opt` without
`--allow-unregistered-dialect`:

| pto op | upstream |
|---|---|
| `pto.spmd`  | `scf.for` over the task ids (tasks are independent; they run in order), with `{pto.scope, pto.core}` attributes |
| `pto.range` | `scf.for` with the same iter_args (the `pipeline` hint is dropped) |
| `pto.yield` | `scf.yield` |
| `pto.read`  | `memref.load` |
| `pto.load`  | `memref.subview` + `memref.alloc` + a copying `linalg.generic` + `bufferization.to_tensor` (a snapshot: later stores do not change the loaded tile) |
| `pto.store` | `memref.subview` + `bufferization.materialize_in_destination`; `atomic add`: the tile into a buffer, then a `linalg.generic` adding it into the window in place (the tasks run in order) |
| `pto.row_max`, `pto.col_max`, `pto.row_min`, `pto.col_min`, `pto.row_expand_mul`, `pto.col_expand_mul`, `pto.gather`, `pto.arange`, `pto.cast` | `linalg.generic` |
| `pto.row_sum` | `scf.for` over rows, each row summed in the vector unit's order: a binary tree inside each 64-element repeat, repeats in order (docs/numerics.md) |
| `pto.col_sum` | one `linalg.generic` per add, reading rows by constant indexing maps, in TCOLSUM's order (sequential, or the `binary` tree; docs/numerics.md) |
| `pto.matmul`, `pto.matmul_acc` | `linalg.generic` over (i, k, j), fp32 accumulation in increasing k (int8: i32); `a_trans` as an indexing map, `b_trans` as one transposing copy of B (so the j loop reads it contiguously); `matmul_acc` adds the accumulator after the product, as the interpreter does |
| `pto.write` | `memref.store` |
| `pto.load_valid` / `pto.store_valid` | a padded buffer and a copy of the valid window (dynamic-size `memref.subview`s) |
| `pto.gather_row` | the tile into a buffer, the valid window of GM copied into it at the offsets (dynamic-size `memref.subview`s) |
| `pto.cmp`, `pto.cmps`, `pto.select`, `pto.row/col_expand_*`, tile-scalar ops, `pto.gather_mask`, `pto.scatter_mask` | `linalg.generic` |
| `pto.sort32`, `pto.mrgsort` | `scf.for` loops: a stable rank sort (largest first, NaN last) |
| `pto.section` / `pto.handoff` | inlined / the tile itself (one executor runs both sides) |
| `memref.alloc` (scratch) | kept, then filled with zeros as the interpreter does |

`math.exp`, `math.exp2`, `math.log`, `math.log2` and `math.log10` on f32, bf16 and f16
are rewritten to `extf` to f64, the op, `truncf`: the numerics contract computes them in
double precision and rounds once (docs/numerics.md). Function arguments get an argument
attribute `{pto.name = "..."}` with their SSA name, so that names survive a trip through
`mlir-opt` (which renames block arguments `%arg0`, ...).

An op this pass cannot lower (e.g. a cast rounding mode without an upstream equivalent)
is a located error at that op; a lowering is never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, bufferization, func, math, memref, scf, tensor
from xdsl.dialects.builtin import (
    AffineMapAttr,
    ArrayAttr,
    BFloat16Type,
    DenseArrayBase,
    DictionaryAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    StridedLayoutAttr,
    StringAttr,
    TensorType,
    UnitAttr,
    f32,
    f64,
    i1,
    i32,
    i64,
)
from xdsl.dialects.linalg.attrs import IteratorTypeAttr
from xdsl.dialects.linalg.ops import GenericOp, IndexOp
from xdsl.dialects.linalg.ops import YieldOp as LinalgYieldOp
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.ir.affine import AffineExpr, AffineMap
from xdsl.irdl import IRDLOperation, irdl_op_definition, operand_def, opt_prop_def
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from ptoc.diagnostics import op_error
from ptoc.dialects import pto, pto_tiles
from ptoc.dialects.float_semantics import F64_ROUTE

DYNAMIC = -(2**63)
"""MLIR's `ShapedType::kDynamic` in static offset/size/stride arrays."""

REPEAT = 64
"""fp32 elements of one a2a3 vector repeat (256 B): the unit of row_sum's tree."""


# --------------------------------------------------------------------------- building


class _B:
    """Inserts ops before a fixed point and returns their results."""

    def __init__(self, ip: InsertPoint):
        self.ip = ip

    def op(self, o: Operation) -> SSAValue:
        """Insert `o` (an op with one result) and return its result."""
        Rewriter.insert_op(o, self.ip)
        return o.results[0]

    def put(self, o: Operation) -> Operation:
        Rewriter.insert_op(o, self.ip)
        return o

    def index(self, v: int) -> SSAValue:
        return self.op(arith.ConstantOp(IntegerAttr(v, IndexType())))

    def int(self, v: int, t: Attribute) -> SSAValue:
        return self.op(arith.ConstantOp(IntegerAttr(v, t)))  # type: ignore[arg-type]

    def float(self, v: float, t: Attribute) -> SSAValue:
        return self.op(arith.ConstantOp(FloatAttr(v, t)))  # type: ignore[arg-type]


def _is_float(t: Attribute) -> bool:
    return isinstance(t, (Float16Type, BFloat16Type, Float32Type, Float64Type))


def _fbits(t: Attribute) -> int:
    if isinstance(t, Float64Type):
        return 64
    if isinstance(t, Float32Type):
        return 32
    return 16


def _ibits(t: Attribute) -> int:
    if isinstance(t, IndexType):
        return 64
    assert isinstance(t, IntegerType)
    return t.width.data


def _shape(t: Attribute) -> tuple[int, ...]:
    assert isinstance(t, (TensorType, MemRefType))
    return tuple(t.get_shape())  # pyright: ignore


def _elem(t: Attribute) -> Attribute:
    assert isinstance(t, (TensorType, MemRefType))
    return t.get_element_type()  # pyright: ignore


def _map(rank: int, exprs: Sequence[int | None]) -> AffineMapAttr:
    """An affine map over `rank` dims: an int is a dim, None the constant 0."""
    results = tuple(
        AffineExpr.constant(0) if e is None else AffineExpr.dimension(e) for e in exprs
    )
    return AffineMapAttr(AffineMap(rank, 0, results))


def _identity(rank: int) -> AffineMapAttr:
    return _map(rank, list(range(rank)))


def _generic(
    b: _B,
    inputs: Sequence[SSAValue],
    in_maps: Sequence[AffineMapAttr],
    out_type: TensorType[Attribute],
    out_map: AffineMapAttr,
    iterators: Sequence[str],
    body: Callable[[_B, Sequence[SSAValue], SSAValue, Block], SSAValue],
    init: SSAValue | None = None,
) -> SSAValue:
    """A `linalg.generic` with one tensor result; `body(b, ins, out, block)` gives the
    value to yield."""
    if init is None:
        init = b.op(tensor.EmptyOp([], out_type))
    arg_types = [_elem(v.type) for v in inputs] + [_elem(out_type)]
    block = Block(arg_types=arg_types)
    inner = _B(InsertPoint.at_end(block))
    y = body(inner, block.args[: len(inputs)], block.args[-1], block)
    inner.put(LinalgYieldOp(y))
    its = [IteratorTypeAttr.parallel() if i == "p" else IteratorTypeAttr.reduction() for i in iterators]
    return b.op(
        GenericOp(
            list(inputs), [init], Region(block), [*in_maps, out_map], its, [out_type]
        )
    )


def _elementwise(
    b: _B, x: SSAValue, out_elem: Attribute, f: Callable[[_B, SSAValue], SSAValue]
) -> SSAValue:
    """`f` on every element of a tile, or on a scalar."""
    t = x.type
    if not isinstance(t, TensorType):
        return f(b, x)
    shape = _shape(t)
    rank = len(shape)
    out = TensorType(out_elem, shape)
    return _generic(
        b, [x], [_identity(rank)], out, _identity(rank), "p" * rank,
        lambda ib, ins, _o, _blk: f(ib, ins[0]),
    )


# --------------------------------------------------------------------------- scalars


def _extf(b: _B, x: SSAValue, t: Attribute) -> SSAValue:
    return x if x.type == t else b.op(arith.ExtFOp(x, t))


def _truncf(b: _B, x: SSAValue, t: Attribute) -> SSAValue:
    return x if x.type == t else b.op(arith.TruncFOp(x, t))


def _via_f64_scalar(b: _B, x: SSAValue, op_type: type[Operation]) -> SSAValue:
    """The contract's exp / exp2 / log / log2 / log10 (`F64_ROUTE`): the op in
    f64, rounded to f32, then to the narrower type."""
    t = x.type
    if isinstance(t, Float64Type):
        return b.op(op_type(x))
    e = b.op(op_type(_extf(b, x, f64)))
    return _truncf(b, _truncf(b, e, f32), t)


def _round_integral(b: _B, x: SSAValue, mode: str) -> SSAValue:
    if mode in ("rint", "none", "odd"):
        return b.op(math.RoundEvenOp(x))
    if mode == "trunc":
        return b.op(math.TruncOp(x))
    if mode == "floor":
        return b.op(math.FloorOp(x))
    if mode == "ceil":
        return b.op(math.CeilOp(x))
    if mode == "round":
        return b.op(math.RoundOp(x))
    raise ValueError(mode)


def _f32_to_bf16(b: _B, x: SSAValue, mode: str) -> SSAValue:
    """numerics.f32_to_bf16 on the f32 bit pattern, for the directed modes."""
    u = b.op(arith.BitcastOp(x, i32))
    c16 = b.int(16, i32)
    hi = b.op(arith.ShRUIOp(u, c16))
    low = b.op(arith.AndIOp(u, b.int(0xFFFF, i32)))
    zero = b.int(0, i32)
    neg = b.op(arith.CmpiOp(u, zero, "slt"))
    inexact = b.op(arith.CmpiOp(low, zero, "ne"))
    one_if: Callable[[SSAValue], SSAValue] = lambda c: b.op(arith.ExtUIOp(c, i32))  # noqa: E731
    if mode == "trunc":
        r = hi
    elif mode == "floor":
        r = b.op(arith.AddiOp(hi, one_if(b.op(arith.AndIOp(neg, inexact)))))
    elif mode == "ceil":
        pos = b.op(arith.XOrIOp(neg, b.int(1, i1)))
        r = b.op(arith.AddiOp(hi, one_if(b.op(arith.AndIOp(pos, inexact)))))
    elif mode == "round":
        half = b.op(arith.CmpiOp(low, b.int(0x8000, i32), "uge"))
        r = b.op(arith.AddiOp(hi, one_if(half)))
    elif mode == "odd":
        r = b.op(arith.OrIOp(hi, one_if(inexact)))
    else:
        raise ValueError(mode)
    nan = b.op(arith.CmpfOp(x, x, "uno"))
    quiet = b.op(arith.OrIOp(hi, b.int(0x40, i32)))
    r = b.op(arith.SelectOp(nan, quiet, r))
    h = b.op(arith.TruncIOp(r, IntegerType(16)))
    return b.op(arith.BitcastOp(h, BFloat16Type()))


class _NotLowered(Exception):
    """A cast or op this lowering has no exact upstream form for."""


def _cast_scalar(b: _B, x: SSAValue, dst: Attribute, mode: str | None) -> SSAValue:
    """numerics.cast_tile on one element."""
    m = mode or "none"
    src = x.type
    if _is_float(src) and not _is_float(dst):
        w = _ibits(dst)
        if w == 1:
            return b.op(arith.CmpfOp(x, b.float(0.0, src), "une"))
        d = _extf(b, x, f64)
        r = _round_integral(b, d, m)
        lo = b.float(float(-(2 ** (w - 1))), f64)
        hi = b.float(float(2 ** (w - 1) - 1), f64)
        c = b.op(arith.MinimumfOp(b.op(arith.MaximumfOp(r, lo)), hi))
        nan = b.op(arith.CmpfOp(r, r, "uno"))
        c = b.op(arith.SelectOp(nan, b.float(0.0, f64), c))
        return b.op(arith.FPToSIOp(c, dst))
    if _is_float(src) and _is_float(dst):
        if src == dst:
            return x if m == "none" else _round_integral(b, x, m)
        if _fbits(dst) > _fbits(src):
            return b.op(arith.ExtFOp(x, dst))
        if isinstance(src, Float16Type) and isinstance(dst, BFloat16Type):
            raise _NotLowered("f16 -> bf16 casts")
        if isinstance(dst, BFloat16Type):
            x32 = _truncf(b, x, f32)  # f64 -> bf16 goes through f32, as in the interpreter
            return b.op(arith.TruncFOp(x32, dst)) if m in ("rint", "none") else _f32_to_bf16(b, x32, m)
        if m in ("rint", "none"):
            return b.op(arith.TruncFOp(x, dst))
        raise _NotLowered(f"a float narrowing cast with rounding '{m}' to {dst}")
    # integer sources
    if _is_float(dst):
        if _ibits(src) == 1:
            return b.op(arith.UIToFPOp(x, dst))
        return b.op(arith.SIToFPOp(x, dst))
    ws, wd = _ibits(src), _ibits(dst)
    if wd == 1:
        return b.op(arith.CmpiOp(x, b.int(0, src), "ne"))
    if ws == wd:
        return x
    if wd < ws:
        return b.op(arith.TruncIOp(x, dst))
    if ws == 1:
        return b.op(arith.ExtUIOp(x, dst))
    return b.op(arith.ExtSIOp(x, dst))


# --------------------------------------------------------------------------- row_sum


def _tree(b: _B, vals: list[SSAValue]) -> SSAValue:
    """A binary tree of adjacent pairs: ((v0 + v1) + (v2 + v3)) + ..."""
    while len(vals) > 1:
        vals = [b.op(arith.AddfOp(vals[i], vals[i + 1])) for i in range(0, len(vals), 2)]
    return vals[0]


def _repeat_sum(
    b: _B, load: Callable[[_B, SSAValue], SSAValue], base: SSAValue, count: int, zero: SSAValue
) -> SSAValue:
    """One vector repeat: `count` elements from `base`, padded with +0.0 to REPEAT."""
    vals = [load(b, b.op(arith.AddiOp(base, b.index(j)))) for j in range(count)]
    return _tree(b, vals + [zero] * (REPEAT - count))


def _row_sum(b: _B, op: pto.RowSumOp) -> SSAValue:
    x = op.input
    shape = _shape(x.type)
    et = _elem(x.type)
    rt = op.result.type
    assert isinstance(rt, TensorType)
    if not _is_float(et):
        # integer sums wrap, and are the same in any order
        rank = len(shape)
        zero = b.int(0, et)
        init = _generic(b, [], [], rt, _identity(rank), "p" * rank, lambda ib, i, o, k: zero)
        out_map = _map(rank, [*range(rank - 1), None])
        return _generic(
            b, [x], [_identity(rank)], rt, out_map, "p" * (rank - 1) + "r",
            lambda ib, ins, o, k: ib.op(arith.AddiOp(o, ins[0])), init,
        )
    acc_t = f64 if isinstance(et, Float64Type) else f32
    lead = shape[:-1]
    n = shape[-1]
    rows = 1
    for d in lead:
        rows *= d
    out = b.op(tensor.EmptyOp([], rt))
    body = Block(arg_types=[IndexType(), rt])
    lb = _B(InsertPoint.at_end(body))
    r = body.args[0]
    # row r -> its leading indices (row-major)
    lead_idx: list[SSAValue] = []
    rem = r
    for k in range(len(lead)):
        stride = 1
        for e in lead[k + 1 :]:
            stride *= e
        lead_idx.append(lb.op(arith.DivUIOp(rem, lb.index(stride))) if stride > 1 else rem)
        if stride > 1:
            rem = lb.op(arith.RemUIOp(rem, lb.index(stride)))

    def load(bb: _B, j: SSAValue) -> SSAValue:
        v = bb.op(tensor.ExtractOp(x, [*lead_idx, j], et))
        return _extf(bb, v, acc_t)

    zero = lb.float(0.0, acc_t)
    full, rem = divmod(n, REPEAT)
    s = _repeat_sum(lb, load, lb.index(0), REPEAT if full else rem, zero)
    if full > 1:  # the other full repeats, in order
        rb = Block(arg_types=[IndexType(), acc_t])
        ib = _B(InsertPoint.at_end(rb))
        base = ib.op(arith.MuliOp(rb.args[0], ib.index(REPEAT)))
        ib.put(scf.YieldOp(ib.op(arith.AddfOp(rb.args[1], _repeat_sum(ib, load, base, REPEAT, zero)))))
        loop = lb.put(scf.ForOp(lb.index(1), lb.index(full), lb.index(1), [s], Region(rb)))
        s = loop.results[0]
    if full and rem:
        s = lb.op(arith.AddfOp(s, _repeat_sum(lb, load, lb.index(full * REPEAT), rem, zero)))
    s = _truncf(lb, s, et)
    zero_idx = lb.index(0)
    ins = lb.op(tensor.InsertOp(s, body.args[1], [*lead_idx, zero_idx]))
    lb.put(scf.YieldOp(ins))
    loop = b.put(scf.ForOp(b.index(0), b.index(rows), b.index(1), [out], Region(body)))
    return loop.results[0]


# --------------------------------------------------------------------------- other tiles


def _reduce_max(
    b: _B, op: pto.RowMaxOp | pto.ColMaxOp | pto.RowMinOp | pto.ColMinOp
) -> SSAValue:
    """The maximum (minimum) along the op's axis (the last for row_*, the one before for
    col_*)."""
    x = op.input
    rank = len(_shape(x.type))
    rt = op.result.type
    assert isinstance(rt, TensorType)
    et = _elem(rt)
    low = isinstance(op, (pto.RowMinOp, pto.ColMinOp))
    if _is_float(et):
        start = b.float(float("inf") if low else float("-inf"), et)
        init = _generic(b, [], [], rt, _identity(rank), "p" * rank, lambda ib, i, o, k: start)
        fop = arith.MinimumfOp if low else arith.MaximumfOp
        combine: Callable[[_B, SSAValue, SSAValue], SSAValue] = lambda ib, o, v: ib.op(  # noqa: E731
            fop(o, v)
        )
    else:
        bits = _ibits(et)
        start = b.int(2 ** (bits - 1) - 1 if low else -(2 ** (bits - 1)), et)
        init = _generic(b, [], [], rt, _identity(rank), "p" * rank, lambda ib, i, o, k: start)
        iop = arith.MinSIOp if low else arith.MaxSIOp
        combine = lambda ib, o, v: ib.op(iop(o, v))  # noqa: E731
    axis = rank + op.AXIS
    out_map = _map(rank, [None if d == axis else d for d in range(rank)])
    iters = "".join("r" if d == axis else "p" for d in range(rank))
    return _generic(
        b, [x], [_identity(rank)], rt, out_map, iters,
        lambda ib, ins, o, k: combine(ib, o, ins[0]), init,
    )


def _col_sum(b: _B, op: pto.ColSumOp) -> SSAValue:
    """Row slices added one `linalg.generic` at a time, in TCOLSUM's order
    (`ColSumOp.order`): each generic reads one row of the input (an indexing map with
    the row as a constant) or a [.., 1, C] partial sum."""
    x = op.input
    shape = _shape(x.type)
    rank = len(shape)
    rt = op.result.type
    assert isinstance(rt, TensorType)
    et = _elem(rt)
    add = arith.AddfOp if _is_float(et) else arith.AddiOp
    ident = _identity(rank)
    rows = shape[-2]

    def row(i: int) -> tuple[SSAValue, AffineMapAttr]:
        res = tuple(
            AffineExpr.constant(i) if d == rank - 2 else AffineExpr.dimension(d)
            for d in range(rank)
        )
        return x, AffineMapAttr(AffineMap(rank, 0, res))

    Operand = tuple[SSAValue, AffineMapAttr]  # a tile and the map that reads it

    def plus(p: Operand, q: Operand) -> Operand:
        v = _generic(b, [p[0], q[0]], [p[1], q[1]], rt, ident, "p" * rank,
                     lambda ib, ins, o, k: ib.op(add(ins[0], ins[1])))
        return v, ident

    tree = pto.ColSumOp.order(rows, op.binary is not None)
    if isinstance(tree, int):  # one row: a copy
        xv, m = row(0)
        return _generic(b, [xv], [m], rt, ident, "p" * rank, lambda ib, ins, o, k: ins[0])
    return pto.ColSumOp.evaluate(tree, row, plus)[0]


_FLOAT_BIN: dict[str, type[Operation]] = {
    "add": arith.AddfOp, "sub": arith.SubfOp, "mul": arith.MulfOp, "div": arith.DivfOp,
    "max": arith.MaximumfOp, "min": arith.MinimumfOp,
}
_INT_BIN: dict[str, type[Operation]] = {
    "add": arith.AddiOp, "sub": arith.SubiOp, "mul": arith.MuliOp, "div": arith.DivSIOp,
    "max": arith.MaxSIOp, "min": arith.MinSIOp,
}


def _binop(b: _B, fn: str, x: SSAValue, y: SSAValue) -> SSAValue:
    """The interpreter's tile binary `fn` on two scalars (signless ints are signed)."""
    if fn == "rhs":  # the plain broadcast: the vector's value
        return y
    t = x.type
    if isinstance(t, IntegerType) and t.signedness.data.name != "SIGNLESS":
        raise _NotLowered(f"'{fn}' on {t} (upstream arith takes signless integers)")
    table = _FLOAT_BIN if _is_float(t) else _INT_BIN
    return b.op(table[fn](x, y))  # pyright: ignore[reportCallIssue]


def _expand(b: _B, op: Operation, fn: str, axis: int) -> SSAValue:
    rt = op.results[0].type
    assert isinstance(rt, TensorType)
    lhs, rhs = op.operands
    rhs_map = _map(2, [0, None]) if axis == 1 else _map(2, [None, 1])
    return _generic(
        b, [lhs, rhs], [_identity(2), rhs_map], rt, _identity(2), "pp",
        lambda ib, ins, o, k: _binop(ib, fn, ins[0], ins[1]),
    )


def _expand_mul(b: _B, op: pto.RowExpandMulOp | pto.ColExpandMulOp) -> SSAValue:
    return _expand(b, op, "mul", 1 if isinstance(op, pto.RowExpandMulOp) else 0)


def _tile_scalar(b: _B, op: Operation, fn: str) -> SSAValue:
    x, scalar = op.operands
    return _elementwise(b, x, _elem(x.type), lambda ib, v: _binop(ib, fn, v, scalar))


def _mask_positions(pattern: str) -> tuple[int, int, int]:
    """(first, step, count) of a mask pattern's positions in each period of 4."""
    pos = pto_tiles.MASK_POSITIONS[pattern]
    step = pos[1] - pos[0] if len(pos) > 1 else 1
    return pos[0], step, len(pos)


def _bitcast_elem(b: _B, v: SSAValue, t: Attribute) -> SSAValue:
    return v if v.type == t else b.op(arith.BitcastOp(v, t))


def _gather_mask(b: _B, op: pto_tiles.GatherMaskOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rank = len(_shape(rt))
    first, step, count = _mask_positions(str(op.pattern.data.value))
    src = op.input

    def body(ib: _B, ins: Sequence[SSAValue], o: SSAValue, _k: Block) -> SSAValue:
        idx = [ib.op(IndexOp(d)) for d in range(rank)]
        j = idx[-1]
        q = ib.op(arith.DivUIOp(j, ib.index(count)))
        r = ib.op(arith.RemUIOp(j, ib.index(count)))
        at = ib.op(arith.AddiOp(ib.op(arith.MuliOp(q, ib.index(4))), ib.index(first)))
        at = ib.op(arith.AddiOp(at, ib.op(arith.MuliOp(r, ib.index(step)))))
        v = ib.op(tensor.ExtractOp(src, [*idx[:-1], at], _elem(src.type)))
        return _bitcast_elem(ib, v, _elem(rt))

    return _generic(b, [], [], rt, _identity(rank), "p" * rank, body)


def _scatter_mask(b: _B, op: pto_tiles.ScatterMaskOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rank = len(_shape(rt))
    first, step, count = _mask_positions(str(op.pattern.data.value))
    src = op.input

    def body(ib: _B, ins: Sequence[SSAValue], o: SSAValue, _k: Block) -> SSAValue:
        idx = [ib.op(IndexOp(d)) for d in range(rank)]
        j = idx[-1]
        q = ib.op(arith.DivUIOp(j, ib.index(4)))
        p = ib.op(arith.RemUIOp(j, ib.index(4)))
        # p is selected iff p = first + step * r for some 0 <= r < count
        d = ib.op(arith.SubiOp(p, ib.index(first)))
        r = ib.op(arith.DivSIOp(d, ib.index(step)))
        on = ib.op(arith.AndIOp(
            ib.op(arith.CmpiOp(d, ib.index(0), "sge")),
            ib.op(arith.CmpiOp(ib.op(arith.RemSIOp(d, ib.index(step))), ib.index(0), "eq")),
        ))
        on = ib.op(arith.AndIOp(on, ib.op(arith.CmpiOp(r, ib.index(count), "slt"))))
        # clamp the source index to a valid one where p is not selected
        r_ok = ib.op(arith.SelectOp(on, r, ib.index(0)))
        at = ib.op(arith.AddiOp(ib.op(arith.MuliOp(q, ib.index(count))), r_ok))
        v = ib.op(tensor.ExtractOp(src, [*idx[:-1], at], _elem(src.type)))
        return ib.op(arith.SelectOp(on, _bitcast_elem(ib, v, _elem(rt)), ins[0]))

    ident = _identity(rank)
    return _generic(b, [op.dest], [ident], rt, ident, "p" * rank, body)


def _sort_key(b: _B, v: SSAValue) -> SSAValue:
    """The interpreter's sort key: -v in f64, NaN as +inf (largest first, NaN last)."""
    w = _extf(b, v, f64)
    neg = b.op(arith.NegfOp(w))
    nan = b.op(arith.CmpfOp(w, w, "uno"))
    return b.op(arith.SelectOp(nan, b.float(float("inf"), f64), neg))


def _rank_sort_group(
    b: _B,
    out: SSAValue,
    row: SSAValue,
    base: SSAValue,
    count: int,
    value: Callable[[_B, SSAValue], SSAValue],
    payload: Callable[[_B, SSAValue], SSAValue],
) -> SSAValue:
    """Stable sort of `count` (value, payload) items of one row, largest value first:
    item i goes to pair slot base + rank(i), rank(i) = #{j: key_j < key_i, or key_j ==
    key_i and j < i}. Returns `out` with the pairs written."""
    body = Block(arg_types=[IndexType(), out.type])
    ib = _B(InsertPoint.at_end(body))
    i = body.args[0]
    vi = value(ib, i)
    ki = _sort_key(ib, vi)
    cnt_body = Block(arg_types=[IndexType(), IndexType()])
    cb = _B(InsertPoint.at_end(cnt_body))
    j = cnt_body.args[0]
    kj = _sort_key(cb, value(cb, j))
    less = cb.op(arith.CmpfOp(kj, ki, "olt"))
    tie = cb.op(arith.AndIOp(cb.op(arith.CmpfOp(kj, ki, "oeq")), cb.op(arith.CmpiOp(j, i, "ult"))))
    before = cb.op(arith.OrIOp(less, tie))
    one = cb.op(arith.SelectOp(before, cb.index(1), cb.index(0)))
    cb.put(scf.YieldOp(cb.op(arith.AddiOp(cnt_body.args[1], one))))
    cnt = ib.put(scf.ForOp(ib.index(0), ib.index(count), ib.index(1), [ib.index(0)], Region(cnt_body)))
    slot = ib.op(arith.MuliOp(ib.op(arith.AddiOp(base, cnt.results[0])), ib.index(2)))
    t = ib.op(tensor.InsertOp(_extf(ib, vi, f32) if vi.type != f32 else vi, body.args[1], [row, slot]))
    slot1 = ib.op(arith.AddiOp(slot, ib.index(1)))
    t = ib.op(tensor.InsertOp(payload(ib, i), t, [row, slot1]))
    ib.put(scf.YieldOp(t))
    loop = b.put(scf.ForOp(b.index(0), b.index(count), b.index(1), [out], Region(body)))
    return loop.results[0]


def _rows_loop(
    b: _B, out_t: TensorType[Attribute], rows: int, f: Callable[[_B, SSAValue, SSAValue], SSAValue]
) -> SSAValue:
    """`out = f(b, row, out)` for every row of a [rows, N] result."""
    body = Block(arg_types=[IndexType(), out_t])
    ib = _B(InsertPoint.at_end(body))
    ib.put(scf.YieldOp(f(ib, body.args[0], body.args[1])))
    init = b.op(tensor.EmptyOp([], out_t))
    return b.put(scf.ForOp(b.index(0), b.index(rows), b.index(1), [init], Region(body))).results[0]


def _sort32(b: _B, op: pto_tiles.Sort32Op) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    shape = _shape(op.input.type)
    it = _elem(op.index.type)
    if len(shape) != 2 or not isinstance(it, IntegerType) or it.signedness.data.name != "SIGNLESS":
        raise _NotLowered("pto.sort32 other than [R, N] tiles with signless i32 indices")
    x, idx = op.input, op.index

    def per_row(rb: _B, row: SSAValue, out: SSAValue) -> SSAValue:
        def group(gb: _B, g: SSAValue, acc: SSAValue) -> SSAValue:
            base = gb.op(arith.MuliOp(g, gb.index(32)))

            def value(vb: _B, i: SSAValue) -> SSAValue:
                return vb.op(tensor.ExtractOp(x, [row, vb.op(arith.AddiOp(base, i))], f32))

            def payload(pb: _B, i: SSAValue) -> SSAValue:
                k = pb.op(tensor.ExtractOp(idx, [row, pb.op(arith.AddiOp(base, i))], it))
                return pb.op(arith.BitcastOp(k, f32))

            return _rank_sort_group(gb, acc, row, base, 32, value, payload)

        body = Block(arg_types=[IndexType(), rt])
        gb = _B(InsertPoint.at_end(body))
        gb.put(scf.YieldOp(group(gb, body.args[0], body.args[1])))
        return rb.put(
            scf.ForOp(rb.index(0), rb.index(shape[1] // 32), rb.index(1), [out], Region(body))
        ).results[0]

    return _rows_loop(b, rt, shape[0], per_row)


def _mrgsort(b: _B, op: pto_tiles.MrgSortOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rshape = _shape(rt)
    if len(rshape) != 2:
        raise _NotLowered("pto.mrgsort other than [R, N] tiles")
    ins = list(op.inputs)
    if len(ins) == 1:
        x = ins[0]
        assert op.block_len is not None
        run = 4 * op.block_len.value.data  # slots (two per pair)
    else:
        # the inputs side by side, then one merge of every pair
        x = b.op(tensor.EmptyOp([], rt))
        col = 0
        for v in ins:
            w = _shape(v.type)[-1]
            x = b.op(
                tensor.InsertSliceOp.build(
                    operands=[v, x, [], [], []], result_types=[rt],
                    properties={
                        "static_offsets": DenseArrayBase.from_list(i64, [0, col]),
                        "static_sizes": DenseArrayBase.from_list(i64, list(_shape(v.type))),
                        "static_strides": DenseArrayBase.from_list(i64, [1, 1]),
                    },
                )
            )
            col += w
        run = rshape[-1]
    n = rshape[-1]
    src = x

    def per_row(rb: _B, row: SSAValue, out: SSAValue) -> SSAValue:
        for start in range(0, n, run):
            pairs = min(run, n - start) // 2
            base = rb.index(start // 2)

            def value(vb: _B, i: SSAValue, base: SSAValue = base) -> SSAValue:
                p = vb.op(arith.AddiOp(base, i))
                return vb.op(tensor.ExtractOp(src, [row, vb.op(arith.MuliOp(p, vb.index(2)))], f32))

            def payload(pb: _B, i: SSAValue, base: SSAValue = base) -> SSAValue:
                p = pb.op(arith.AddiOp(base, i))
                s1 = pb.op(arith.AddiOp(pb.op(arith.MuliOp(p, pb.index(2))), pb.index(1)))
                return pb.op(tensor.ExtractOp(src, [row, s1], f32))

            out = _rank_sort_group(rb, out, row, base, pairs, value, payload)
        return out

    return _rows_loop(b, rt, rshape[0], per_row)


_CMPF = {"eq": "oeq", "ne": "une", "lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge"}
_CMPI = {"eq": "eq", "ne": "ne", "lt": "slt", "le": "sle", "gt": "sgt", "ge": "sge"}


def _cmp(b: _B, op: pto_tiles.CmpOp | pto_tiles.CmpsOp) -> SSAValue:
    """`pto.cmp` (two tiles) and `pto.cmps` (a tile and a runtime scalar)."""
    mode = str(op.mode.data.value)
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rank = len(_shape(rt))
    et = _elem(op.lhs.type)
    if isinstance(et, IntegerType) and et.signedness.data.name != "SIGNLESS":
        raise _NotLowered(f"{op.name} on {et}")
    scalar = op.scalar if isinstance(op, pto_tiles.CmpsOp) else None

    def body(ib: _B, ins: Sequence[SSAValue], o: SSAValue, _k: Block) -> SSAValue:
        rhs = scalar if scalar is not None else ins[1]
        if _is_float(et):
            return ib.op(arith.CmpfOp(ins[0], rhs, _CMPF[mode]))
        return ib.op(arith.CmpiOp(ins[0], rhs, _CMPI[mode]))

    ident = _identity(rank)
    if scalar is not None:
        return _generic(b, [op.lhs], [ident], rt, ident, "p" * rank, body)
    return _generic(b, [op.lhs, op.rhs], [ident, ident], rt, ident, "p" * rank, body)


def _select(b: _B, op: pto_tiles.SelectOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rank = len(_shape(rt))
    ident = _identity(rank)
    return _generic(
        b, [op.mask, op.lhs, op.rhs], [ident] * 3, rt, ident, "p" * rank,
        lambda ib, ins, o, k: ib.op(arith.SelectOp(ins[0], ins[1], ins[2])),
    )


def _matmul(
    b: _B, lhs: SSAValue, rhs: SSAValue, rt: TensorType[Attribute],
    a_trans: bool = False, b_trans: bool = False,
) -> SSAValue:
    acc_t = _elem(rt)
    integer = not _is_float(acc_t)

    def widen(ib: _B, v: SSAValue) -> SSAValue:
        if integer:
            return v if v.type == acc_t else ib.op(arith.ExtSIOp(v, acc_t))
        return _extf(ib, v, f32)

    # widen the operands first (exact): the product loop is then plain f32 (i32) work
    if _elem(lhs.type) != acc_t:
        lhs = _elementwise(b, lhs, acc_t, widen)
    if b_trans:
        # one copy of B as [K, N] (widened on the way): the j loop below then reads B
        # contiguously, as it does without b_trans; the copy is exact
        rshape = _shape(rhs.type)
        wide = _elem(rhs.type) != acc_t
        rhs = _generic(
            b, [rhs], [_map(2, [1, 0])], TensorType(acc_t, [rshape[1], rshape[0]]),
            _identity(2), "pp", lambda ib, ins, _o, _blk: widen(ib, ins[0]) if wide else ins[0],
        )
        b_trans = False
    elif _elem(rhs.type) != acc_t:
        rhs = _elementwise(b, rhs, acc_t, widen)
    zero = b.int(0, acc_t) if integer else b.float(0.0, f32)
    init = _generic(b, [], [], rt, _identity(2), "pp", lambda ib, i, o, k: zero)

    def body(ib: _B, ins: Sequence[SSAValue], o: SSAValue, _k: Block) -> SSAValue:
        if integer:  # int8 x int8 in i32: exact, and the wrap of the i64 sum
            return ib.op(arith.AddiOp(o, ib.op(arith.MuliOp(ins[0], ins[1]))))
        return ib.op(arith.AddfOp(o, ib.op(arith.MulfOp(ins[0], ins[1]))))

    # dims (i, k, j): k outside j, so each C[i, j] still sums in increasing k, and the
    # j loop is independent (vectorizable) work
    a_map = _map(3, [1, 0] if a_trans else [0, 1])
    b_map = _map(3, [2, 1] if b_trans else [1, 2])
    return _generic(b, [lhs, rhs], [a_map, b_map], rt, _map(3, [0, 2]), "prp", body, init)


def _matmul_of(b: _B, op: pto.MatmulOp | pto.MatmulAccOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    ta = getattr(op, "a_trans", None) is not None
    tb = getattr(op, "b_trans", None) is not None
    return _matmul(b, op.lhs, op.rhs, rt, ta, tb)


def _gather(b: _B, op: pto.GatherOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rank = len(_shape(rt))
    src = op.source

    def body(ib: _B, ins: Sequence[SSAValue], o: SSAValue, _k: Block) -> SSAValue:
        lead = [ib.op(IndexOp(d)) for d in range(rank - 1)]
        j = ib.op(arith.IndexCastOp(ins[0], IndexType()))
        return ib.op(tensor.ExtractOp(src, [*lead, j], _elem(rt)))

    return _generic(b, [op.index], [_identity(rank)], rt, _identity(rank), "p" * rank, body)


def _arange(b: _B, op: pto.ArangeOp) -> SSAValue:
    rt = op.result.type
    assert isinstance(rt, TensorType)
    rank = len(_shape(rt))
    et = _elem(rt)
    start, step = op.start.data, op.step.data

    def body(ib: _B, ins: Sequence[SSAValue], o: SSAValue, _k: Block) -> SSAValue:
        j = ib.op(arith.IndexCastOp(ib.op(IndexOp(rank - 1)), i64))
        v = ib.op(arith.AddiOp(ib.int(start, i64), ib.op(arith.MuliOp(j, ib.int(step, i64)))))
        w = _ibits(et)
        if w == 64:
            return v
        if w == 1:
            return ib.op(arith.CmpiOp(ib.op(arith.AndIOp(v, ib.int(1, i64))), ib.int(0, i64), "ne"))
        return ib.op(arith.TruncIOp(v, et))

    return _generic(b, [], [], rt, _identity(rank), "p" * rank, body)


# --------------------------------------------------------------------------- memory


def _subview(
    b: _B,
    mem: SSAValue,
    indices: Sequence[SSAValue],
    shape: Sequence[int],
    dyn_sizes: Sequence[SSAValue] | None = None,
) -> SSAValue:
    """A unit-stride view at dynamic offsets: static `shape`, or the dynamic sizes."""
    mt = mem.type
    assert isinstance(mt, MemRefType)
    mshape = _shape(mt)
    strides: list[int | None] = []
    acc: int | None = 1
    for d in reversed(mshape):
        strides.append(acc)
        acc = None if (acc is None or d < 0) else acc * d
    strides.reverse()
    sizes = list(shape) if dyn_sizes is None else [DYNAMIC] * len(mshape)
    rt = MemRefType(_elem(mt), sizes, StridedLayoutAttr(strides, None))
    return b.op(
        memref.SubviewOp(
            mem, list(indices), list(dyn_sizes or []), [], [DYNAMIC] * len(mshape), sizes,
            [1] * len(mshape), rt,
        )
    )


def _buffer_generic(
    b: _B, ins: Sequence[SSAValue], out: SSAValue, body: Callable[[_B, Sequence[SSAValue]], SSAValue]
) -> None:
    """A `linalg.generic` on buffers (identity maps, all parallel) writing `out`."""
    rank = len(_shape(out.type))
    block = Block(arg_types=[_elem(v.type) for v in ins] + [_elem(out.type)])
    ib = _B(InsertPoint.at_end(block))
    ib.put(LinalgYieldOp(body(ib, block.args[: len(ins)])))
    b.put(
        GenericOp(
            list(ins), [out], Region(block), [_identity(rank)] * (len(ins) + 1),
            [IteratorTypeAttr.parallel()] * rank, [],
        )
    )


def _pad_constant(b: _B, et: Attribute, pad: str) -> SSAValue:
    if _is_float(et):
        return b.float({"zero": 0.0, "min": float("-inf"), "max": float("inf")}[pad], et)
    w = _ibits(et)
    if w == 1:
        return b.int(1 if pad == "max" else 0, et)
    return b.int({"zero": 0, "min": -(2 ** (w - 1)), "max": 2 ** (w - 1) - 1}[pad], et)


def _load_valid(b: _B, op: pto_tiles.LoadValidOp) -> SSAValue:
    rt = op.result.type
    shape = _shape(rt)
    et = _elem(rt)
    buf = b.op(memref.AllocOp([], [], MemRefType(et, list(shape))))
    pad = _pad_constant(b, et, op.pad_value)
    _buffer_generic(b, [], buf, lambda ib, a: pad)
    src = _subview(b, op.source, op.indices, shape, list(op.valid))
    zeros = [b.index(0) for _ in shape]
    dst = _subview(b, buf, zeros, shape, list(op.valid))
    _buffer_generic(b, [src], dst, lambda ib, a: a[0])
    return b.op(bufferization.ToTensorOp(buf, restrict=True, writable=True))


def _tile_buffer(b: _B, tile: SSAValue) -> SSAValue:
    """A new buffer holding the tile's values."""
    tt = tile.type
    buf = b.op(memref.AllocOp([], [], MemRefType(_elem(tt), list(_shape(tt)))))
    b.put(
        MaterializeInDestinationOp.create(
            operands=[tile, buf], properties={"restrict": UnitAttr(), "writable": UnitAttr()}
        )
    )
    return buf


def _gather_row(b: _B, op: pto_tiles.GatherRowOp) -> SSAValue:
    """The tile into a buffer, the valid window of GM copied into it at the offsets."""
    shape = _shape(op.acc.type)
    valid = list(op.valid)
    buf = _tile_buffer(b, op.acc)
    src = _subview(b, op.source, op.indices, shape, valid)
    dst = _subview(b, buf, op.offsets, shape, valid)
    _buffer_generic(b, [src], dst, lambda ib, a: a[0])
    return b.op(bufferization.ToTensorOp(buf, restrict=True, writable=True))


def _store_valid(b: _B, op: pto_tiles.StoreValidOp) -> None:
    shape = _shape(op.value.type)
    valid = list(op.valid)
    # the tile into a buffer, then the valid window of the buffer into the destination
    buf = _tile_buffer(b, op.value)
    src = _subview(b, buf, [b.index(0) for _ in shape], shape, valid)
    dst = _subview(b, op.dest, op.indices, shape, valid)
    _buffer_generic(b, [src], dst, lambda ib, a: a[0])


def _load(b: _B, op: pto.LoadOp) -> SSAValue:
    rt = op.result.type
    shape = _shape(rt)
    sv = _subview(b, op.source, op.indices, shape)
    buf = b.op(memref.AllocOp([], [], MemRefType(_elem(rt), list(shape))))
    # the copy as a linalg.generic on buffers: it lowers to plain (vectorizable) loops,
    # where memref.copy of a strided view calls the runtime's element-wise copy
    block = Block(arg_types=[_elem(rt), _elem(rt)])
    block.add_op(LinalgYieldOp(block.args[0]))
    rank = len(shape)
    b.put(
        GenericOp(
            [sv], [buf], Region(block), [_identity(rank), _identity(rank)],
            [IteratorTypeAttr.parallel()] * rank, [],
        )
    )
    return b.op(bufferization.ToTensorOp(buf, restrict=True, writable=True))


def _store(b: _B, op: pto.StoreOp) -> None:
    sv = _subview(b, op.dest, op.indices, _shape(op.value.type))
    if op.atomic_kind is not None:
        _atomic_add(b, op, sv)
        return
    b.put(
        MaterializeInDestinationOp.create(
            operands=[op.value, sv],
            properties={"restrict": UnitAttr(), "writable": UnitAttr()},
        )
    )


def _atomic_add(b: _B, op: pto.StoreOp, sv: SSAValue) -> None:
    """`pto.store ... atomic add`: the tile into a buffer, then a `linalg.generic` that
    adds it to the destination window in place (GM + tile per element). The tasks of the
    lowered scope run one after the other, so the read-modify-write needs no atomic op."""
    vt = op.value.type
    shape = _shape(vt)
    et = _elem(vt)
    buf = b.op(memref.AllocOp([], [], MemRefType(et, list(shape))))
    b.put(
        MaterializeInDestinationOp.create(
            operands=[op.value, buf], properties={"restrict": UnitAttr(), "writable": UnitAttr()}
        )
    )
    rank = len(shape)
    block = Block(arg_types=[et, et])
    ib = _B(InsertPoint.at_end(block))
    add = arith.AddfOp if _is_float(et) else arith.AddiOp
    total = ib.op(add(block.args[1], block.args[0]))
    ib.put(LinalgYieldOp(total))
    b.put(
        GenericOp(
            [buf], [sv], Region(block), [_identity(rank)] * 2,
            [IteratorTypeAttr.parallel()] * rank, [],
        )
    )


@irdl_op_definition
class MaterializeInDestinationOp(IRDLOperation):
    """Upstream `bufferization.materialize_in_destination` into a memref of any layout.

    xDSL 0.74's op demands that the destination be the tensor's identity-layout memref,
    which rejects a strided `memref.subview`; upstream MLIR accepts any layout.
    """

    name = "bufferization.materialize_in_destination"

    source = operand_def(TensorType)
    dest = operand_def(MemRefType)
    restrict = opt_prop_def(UnitAttr)
    writable = opt_prop_def(UnitAttr)


# --------------------------------------------------------------------------- loops


def _move_body(op: Operation, old: Region, to_scf_yield: bool) -> Region:
    region = op.detach_region(old)
    block = region.block
    term = block.last_op
    if isinstance(term, pto.YieldOp):
        y = scf.YieldOp(*term.values)
        Rewriter.replace_op(term, y)
    elif to_scf_yield:
        block.add_op(scf.YieldOp())
    return region


# --------------------------------------------------------------------------- the pass


def _lower_op(op: Operation) -> None:
    if isinstance(op, pto.YieldOp):
        return  # rewritten with its parent (spmd, range, section)
    if isinstance(op, pto.UnrollOp):
        raise op_error(op, "pto-to-upstream runs after pto-unroll-expand: expand this pto.unroll first")
    b = _B(InsertPoint.before(op))
    new: SSAValue | None = None
    if isinstance(op, pto.SpmdOp):
        count = op.dyn_count if op.dyn_count is not None else b.index(op.static_count or 0)
        region = _move_body(op, op.body, True)
        loop = scf.ForOp(b.index(0), count, b.index(1), [], region)
        # the scope's name and core kind stay as discardable attributes (upstream keeps them)
        if op.scope is not None:
            loop.attributes["pto.scope"] = op.scope
        if op.core is not None:
            loop.attributes["pto.core"] = StringAttr(str(op.core.data))
        b.put(loop)
        op.detach()
        op.erase()
        _lower_block_list(loop.body)
        return
    if isinstance(op, pto.RangeOp):
        region = _move_body(op, op.body, True)
        loop = scf.ForOp(op.lb, op.ub, op.step, list(op.iter_args), region)
        b.put(loop)
        Rewriter.replace_op(op, [], list(loop.results))
        _lower_block_list(loop.body)
        return
    for r in op.regions:
        _lower_block_list(r)
    if isinstance(op, pto.ReadOp):
        new = b.op(memref.LoadOp.get(op.source, list(op.indices)))
    elif isinstance(op, pto.LoadOp):
        new = _load(b, op)
    elif isinstance(op, pto.StoreOp):
        _store(b, op)
        op.detach()
        op.erase()
        return
    elif isinstance(op, pto.RowSumOp):
        new = _row_sum(b, op)
    elif isinstance(op, (pto.RowMaxOp, pto.ColMaxOp, pto.RowMinOp, pto.ColMinOp)):
        new = _reduce_max(b, op)
    elif isinstance(op, pto.ColSumOp):
        new = _col_sum(b, op)
    elif isinstance(op, (pto.RowExpandMulOp, pto.ColExpandMulOp)):
        new = _expand_mul(b, op)
    elif isinstance(op, pto.MatmulOp):
        new = _matmul_of(b, op)
    elif isinstance(op, pto.MatmulAccOp):
        prod = _matmul_of(b, op)
        add = arith.AddfOp if _is_float(_elem(prod.type)) else arith.AddiOp
        new = b.op(add(op.acc, prod))
    elif isinstance(op, pto_tiles.WriteOp):
        b.put(memref.StoreOp.get(op.value, op.dest, list(op.indices)))
        op.detach()
        op.erase()
        return
    elif isinstance(op, pto_tiles.LoadValidOp):
        new = _load_valid(b, op)
    elif isinstance(op, pto_tiles.GatherRowOp):
        new = _gather_row(b, op)
    elif isinstance(op, pto_tiles.StoreValidOp):
        _store_valid(b, op)
        op.detach()
        op.erase()
        return
    elif isinstance(op, (pto_tiles.CmpOp, pto_tiles.CmpsOp)):
        new = _guard(op, lambda: _cmp(b, op))
    elif isinstance(op, pto_tiles.SelectOp):
        new = _select(b, op)
    elif isinstance(op, pto_tiles.Sort32Op):
        new = _guard(op, lambda: _sort32(b, op))
    elif isinstance(op, pto_tiles.MrgSortOp):
        new = _guard(op, lambda: _mrgsort(b, op))
    elif isinstance(op, pto_tiles.GatherMaskOp):
        new = _gather_mask(b, op)
    elif isinstance(op, pto_tiles.ScatterMaskOp):
        new = _scatter_mask(b, op)
    elif isinstance(op, pto_tiles.EXPAND_OPS):
        new = _guard(op, lambda: _expand(b, op, op.FN, op.BROADCAST_AXIS))
    elif isinstance(op, pto_tiles.TILE_SCALAR_OPS):
        new = _guard(op, lambda: _tile_scalar(b, op, op.FN))
    elif isinstance(op, pto.HandoffOp):
        new = op.input  # tiles are values: the hand-off is a dependence, not a computation
    elif isinstance(op, pto.SectionOp):
        _inline_section(op)
        return
    elif isinstance(op, memref.AllocOp):
        # the interpreter's scratch tensors start as zeros (undefined on the device)
        b2 = _B(InsertPoint.after(op))
        et = _elem(op.memref.type)
        zero = b2.float(0.0, et) if _is_float(et) else b2.int(0, et)
        _buffer_generic(b2, [], op.memref, lambda ib, a: zero)
        return
    elif isinstance(op, pto.GatherOp):
        new = _gather(b, op)
    elif isinstance(op, pto.ArangeOp):
        new = _arange(b, op)
    elif isinstance(op, pto.CastOp):
        rt = op.result.type
        mode = op.round.data if op.round is not None else None
        try:
            new = _elementwise(
                b, op.input, _elem(rt), lambda ib, v: _cast_scalar(ib, v, _elem(rt), mode)
            )
        except _NotLowered as e:
            raise op_error(op, f"pto-to-upstream: cannot lower {e} exactly") from None
    elif op.name in F64_ROUTE and not isinstance(_scalar_t(op.operands[0].type), Float64Type):
        x = op.operands[0]
        kind = type(op)
        new = _elementwise(b, x, _scalar_t(x.type), lambda ib, v: _via_f64_scalar(ib, v, kind))
    elif op.dialect_name() == "pto":
        raise op_error(op, f"pto-to-upstream has no lowering for '{op.name}'")
    else:
        return
    if new is not None:
        Rewriter.replace_op(op, [], [new])


def _guard(op: Operation, f: Callable[[], SSAValue]) -> SSAValue:
    try:
        return f()
    except _NotLowered as e:
        raise op_error(op, f"pto-to-upstream: cannot lower {e} exactly") from None


def _inline_section(op: pto.SectionOp) -> None:
    """A section's ops run in place (one executor runs both sides); its results are the
    values its pto.yield returns."""
    block = op.body.block
    term = block.last_op
    yielded = list(term.operands) if isinstance(term, pto.YieldOp) else []
    if term is not None and isinstance(term, pto.YieldOp):
        term.detach()
        term.erase()
    for inner in list(block.ops):
        inner.detach()
        Rewriter.insert_op(inner, InsertPoint.before(op))
    for res, v in zip(op.results, yielded):
        res.replace_all_uses_with(v)
    op.detach()
    op.erase()


def _scalar_t(t: Attribute) -> Attribute:
    return _elem(t) if isinstance(t, TensorType) else t


def _lower_block_list(region: Region) -> None:
    for block in region.blocks:
        for op in list(block.ops):
            _lower_op(op)


def name_arguments(fn: func.FuncOp) -> None:
    """Record each argument's SSA name as `{pto.name = "..."}` (kept by mlir-opt)."""
    if not fn.body.blocks:
        return
    args = fn.body.block.args
    old = list(fn.arg_attrs.data) if fn.arg_attrs is not None else [DictionaryAttr({})] * len(args)
    new: list[DictionaryAttr] = []
    for a, d in zip(args, old):
        entries = dict(d.data)
        if a.name_hint and "pto.name" not in entries:
            entries["pto.name"] = StringAttr(a.name_hint)
        new.append(DictionaryAttr(entries))
    fn.arg_attrs = ArrayAttr(new)


@dataclass(frozen=True)
class ToUpstreamPass(ModulePass):
    """Lower every `pto` op to upstream scf/memref/bufferization/tensor/linalg/arith/math.

    Run after `pto-unroll-expand`. Each function argument keeps its name as
    `{pto.name = "..."}`. The output's generic form verifies in upstream `mlir-opt`.
    """

    name = "pto-to-upstream"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for fn in op.walk():
            if isinstance(fn, func.FuncOp):
                name_arguments(fn)
                _lower_block_list(fn.body)

