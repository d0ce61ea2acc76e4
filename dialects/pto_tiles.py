"""More `pto` ops: masks, broadcasts, tile-scalar math, sorts, scalar writes, valid shapes.

The ops that real PTO kernels (PyPTO's kernel library: attention, top-k, index building,
projections, RoPE, cache write-back) use and that neither upstream dialects nor
`ptoc.dialects.pto` express. Each op's docstring says why a `pto` op was needed. Upstream
ops that fit are reused instead, with the checks xDSL 0.74 lacks added in
`ptoc.dialects.upstream`: `tensor.extract_slice` / `tensor.insert_slice` (tile slicing),
`memref.alloc` (a scratch tensor in global memory), `memref.collapse_shape` /
`memref.expand_shape` (views of global-memory tensors).

* `pto.write`: one scalar to global memory;
* `pto.cmp` / `pto.cmps` / `pto.select`: tile compare (with a tile or a runtime scalar)
  into an `i1` mask tile, and select by a mask;
* `pto.row_expand_{add,sub,div,max,min}`, `pto.col_expand_{...}`: broadcast by row/column;
* `pto.{adds,subs,muls,divs,maxs,mins}`: a tile and a runtime scalar;
* `pto.sort32` / `pto.mrgsort`: sort along the last axis into (value, index) pairs;
* `pto.gather_mask` / `pto.scatter_mask`: take or put elements by a periodic mask pattern;
* `pto.load_valid` / `pto.store_valid`: a static tile whose valid rows/columns are runtime
  values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from xdsl.dialects.builtin import (
    Float32Type,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    TensorType,
)
from xdsl.dialects.utils import EnumAttribute, StrEnum
from xdsl.ir import Attribute, Operation, SpacedOpaqueSyntaxAttribute, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    VarConstraint,
    base,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from ptoc.dialects.pto import (
    _check_tile_fits,  # pyright: ignore[reportPrivateUsage]
    _ExpandMulOp,  # pyright: ignore[reportPrivateUsage]
    _elem,  # pyright: ignore[reportPrivateUsage]
    _shape,  # pyright: ignore[reportPrivateUsage]
    _verify_access,  # pyright: ignore[reportPrivateUsage]
    element_bytes,
)

# --------------------------------------------------------------------------- enums


class CmpMode(StrEnum):
    """Comparison of `pto.cmp`. For floats every mode but `ne` is false if an operand is
    NaN, and `ne` is true (IEEE, as numpy and the vector unit's compare)."""

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"


@irdl_attr_definition
class CmpModeAttr(EnumAttribute[CmpMode], SpacedOpaqueSyntaxAttribute):
    name = "pto.cmp_mode"


class MaskPattern(StrEnum):
    """A periodic element pattern, read right to left like PyPTO's `MaskPattern`: `P0101`
    takes positions 0 and 2 of every 4 (the even elements), `P1010` the odd ones, `P0001`
    / `P0010` / `P0100` / `P1000` one element of every 4, `P1111` all of them."""

    P0101 = "P0101"
    P1010 = "P1010"
    P0001 = "P0001"
    P0010 = "P0010"
    P0100 = "P0100"
    P1000 = "P1000"
    P1111 = "P1111"


MASK_POSITIONS: dict[str, tuple[int, ...]] = {
    "P0101": (0, 2),
    "P1010": (1, 3),
    "P0001": (0,),
    "P0010": (1,),
    "P0100": (2,),
    "P1000": (3,),
    "P1111": (0, 1, 2, 3),
}
"""Positions within each period of 4 elements that a pattern selects."""


@irdl_attr_definition
class MaskPatternAttr(EnumAttribute[MaskPattern], SpacedOpaqueSyntaxAttribute):
    name = "pto.mask_pattern"


class PadValue(StrEnum):
    """What fills the invalid part of a `pto.load_valid` tile: `zero`, or the element
    type's `min` / `max` (-inf / +inf for floats), as PyPTO's `PadValue`."""

    ZERO = "zero"
    MIN = "min"
    MAX = "max"


@irdl_attr_definition
class PadValueAttr(EnumAttribute[PadValue], SpacedOpaqueSyntaxAttribute):
    name = "pto.pad"


# --------------------------------------------------------------------------- helpers


def _same_tile(op: Operation, what: str, a: Attribute, b: Attribute) -> None:
    if a != b:
        raise VerifyException(f"{op.name}: {what} have different types: {a} and {b}")


def _is_i1(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.width.data == 1


# --------------------------------------------------------------------------- memory


@irdl_op_definition
class WriteOp(IRDLOperation):
    """Write one scalar element to global memory (`pl.write`).

    `pto.write %v, %out[%b, %k] : i32, memref<64x65xi32>`

    Upstream `memref.store` has this meaning but not this cost: on a2a3 a scalar write
    from the scalar unit goes through its data cache to global memory, while the pto
    model keeps every GM access a `pto` op (so that `pto-check-races` sees them all and
    the record tags them). The counterpart of `pto.read`.
    """

    name = "pto.write"

    value = operand_def()
    dest = operand_def(MemRefType)
    indices = var_operand_def(IndexType)

    assembly_format = (
        "$value `,` $dest `[` $indices `]` attr-dict `:` type($value) `,` type($dest)"
    )

    def __init__(
        self,
        value: SSAValue | Operation,
        dest: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
    ):
        super().__init__(operands=[value, dest, indices])

    def verify_(self) -> None:
        mt = _verify_access(self, self.dest, self.indices, None)
        if self.value.type != _elem(mt):
            raise VerifyException(
                f"pto.write stores a {self.value.type} but the memref holds {_elem(mt)}"
            )


def _verify_valid(op: Operation, valid: Sequence[SSAValue], tile: tuple[int, ...]) -> None:
    if len(valid) != len(tile):
        raise VerifyException(
            f"{op.name} gives {len(valid)} valid extents for a rank-{len(tile)} tile"
        )
    for i, v in enumerate(valid):
        if not isinstance(v.type, IndexType):
            raise VerifyException(f"valid extent #{i} must be of type index, got {v.type}")


def _check_rank(op: Operation, tile: tuple[int, ...], mt: MemRefType[Attribute]) -> None:
    rank = len(mt.get_shape())  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
    if len(tile) != rank:
        raise VerifyException(
            f"tile shape {list(tile)} has rank {len(tile)} but the memref {mt} has rank {rank}"
        )


@irdl_op_definition
class LoadValidOp(IRDLOperation):
    """Load the valid part of a static tile; pad the rest.

    `%t = pto.load_valid %m[%r, %c] valid [%n, %c64] pad min : memref<?x512xf32> -> tensor<1x512xf32>`

    Rows/columns `[0, valid)` of the tile come from global memory; the rest is `pad`
    (zero, or the type's min/max: PyPTO's `pl.load(..., valid_shape=...)` followed by
    `fillpad`). Only the valid part is moved and bounds-checked, so a tail tile of a
    runtime length costs what it moves. An extent outside `[0, tile extent]` is a runtime
    error. A pto op because `tensor`/`memref` have no padded partial load.
    """

    name = "pto.load_valid"

    source = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    valid = var_operand_def(IndexType)
    pad = opt_prop_def(PadValueAttr)
    result = result_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "$source `[` $indices `]` `valid` `[` $valid `]` (`pad` $pad^)? attr-dict `:` "
        "type($source) `->` type($result)"
    )

    def __init__(
        self,
        source: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
        valid: Sequence[SSAValue | Operation],
        result_type: Attribute,
        pad: str | PadValue | None = None,
    ):
        super().__init__(
            operands=[source, indices, valid],
            result_types=[result_type],
            properties={"pad": PadValueAttr(PadValue(pad)) if pad is not None else None},
        )

    @property
    def pad_value(self) -> str:
        return "zero" if self.pad is None else self.pad.data.value

    def verify_(self) -> None:
        rt = self.result.type
        tile = _shape(rt)
        # the tile may extend past the memref (a padded tail): only the valid part is read
        mt = _verify_access(self, self.source, self.indices, None)
        _verify_valid(self, self.valid, tile)
        _check_rank(self, tile, mt)
        if _elem(rt) != _elem(mt):
            raise VerifyException(
                f"tile element type {_elem(rt)} differs from the memref's {_elem(mt)}"
            )
        _check_tile_fits(self, rt, "loaded tile")


@irdl_op_definition
class GatherRowOp(IRDLOperation):
    """Write a window of global memory into a tile: PyPTO's `pl.gather_row`.

    `%r = pto.gather_row %acc, %m[%s, %c0] at[%d, %c0] valid[%n, %c64] : tensor<64x64xbf16>, memref<?x64xbf16> -> tensor<64x64xbf16>`

    The result is `%acc` with rows/columns `[at, at + valid)` replaced by the memref's
    `[indices, indices + valid)`: one DMA of the valid extents (PyPTO moves GM rows
    straight into an L1 accumulator, for a kernel-driven paged gather). Both windows
    are bounds-checked at run time; an extent outside `[0, the acc's extent]` is an
    error. A pto op because neither `tensor` nor `memref` writes a runtime-sized part of
    a tile at a runtime offset.
    """

    name = "pto.gather_row"

    acc = operand_def(TensorType)
    source = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    offsets = var_operand_def(IndexType)
    valid = var_operand_def(IndexType)
    result = result_def(TensorType)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "$acc `,` $source `[` $indices `]` `at` `[` $offsets `]` `valid` `[` $valid `]` "
        "attr-dict `:` type($acc) `,` type($source) `->` type($result)"
    )

    def __init__(
        self,
        acc: SSAValue | Operation,
        source: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
        offsets: Sequence[SSAValue | Operation],
        valid: Sequence[SSAValue | Operation],
    ):
        super().__init__(
            operands=[acc, source, indices, offsets, valid],
            result_types=[SSAValue.get(acc).type],
        )

    def verify_(self) -> None:
        at, rt = self.acc.type, self.result.type
        if at != rt:
            raise VerifyException(f"the result type {rt} differs from the tile's {at}")
        tile = _shape(at)
        mt = _verify_access(self, self.source, self.indices, None)
        _verify_valid(self, self.valid, tile)
        _check_rank(self, tile, mt)
        if len(self.offsets) != len(tile):
            raise VerifyException(
                f"pto.gather_row gives {len(self.offsets)} offsets for a rank-{len(tile)} tile"
            )
        if _elem(at) != _elem(mt):
            raise VerifyException(
                f"tile element type {_elem(at)} differs from the memref's {_elem(mt)}"
            )
        _check_tile_fits(self, at, "gathered tile")


@irdl_op_definition
class StoreValidOp(IRDLOperation):
    """Store the valid part of a tile: rows/columns `[0, valid)`.

    `pto.store_valid %t, %m[%r, %c] valid [%n, %c64] : tensor<1x512xf32>, memref<?x512xf32>`

    The rest of the destination is untouched and only the valid part is bounds-checked
    (PyPTO: a store of a tile whose valid shape is smaller than its shape).
    """

    name = "pto.store_valid"

    value = operand_def(TensorType)
    dest = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    valid = var_operand_def(IndexType)

    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    assembly_format = (
        "$value `,` $dest `[` $indices `]` `valid` `[` $valid `]` attr-dict `:` "
        "type($value) `,` type($dest)"
    )

    def __init__(
        self,
        value: SSAValue | Operation,
        dest: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
        valid: Sequence[SSAValue | Operation],
    ):
        super().__init__(operands=[value, dest, indices, valid])

    def verify_(self) -> None:
        vt = self.value.type
        tile = _shape(vt)
        mt = _verify_access(self, self.dest, self.indices, None)
        _verify_valid(self, self.valid, tile)
        _check_rank(self, tile, mt)
        if _elem(vt) != _elem(mt):
            raise VerifyException(
                f"tile element type {_elem(vt)} differs from the memref's {_elem(mt)}"
            )


# --------------------------------------------------------------------------- masks


@irdl_op_definition
class CmpOp(IRDLOperation):
    """Compare two tiles elementwise into a mask tile of `i1`.

    `%m = pto.cmp lt %a, %b : tensor<4x64xf32> -> tensor<4x64xi1>`

    In xDSL 0.74 `arith.cmpf` / `arith.cmpi` give a scalar `i1` even for tensor operands
    (MLIR gives a tensor of `i1`), so upstream cannot express a tile compare.
    """

    name = "pto.cmp"

    _T: ClassVar = VarConstraint("_T", base(TensorType))
    mode = prop_def(CmpModeAttr)
    lhs = operand_def(_T)
    rhs = operand_def(_T)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = "$mode $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)"

    def __init__(
        self, mode: str | CmpMode, lhs: SSAValue | Operation, rhs: SSAValue | Operation
    ):
        lt = SSAValue.get(lhs).type
        super().__init__(
            operands=[lhs, rhs],
            result_types=[TensorType(IntegerType(1), _shape(lt))],
            properties={"mode": CmpModeAttr(CmpMode(mode))},
        )

    def verify_(self) -> None:
        _same_tile(self, "the compared tiles", self.lhs.type, self.rhs.type)
        if _shape(self.result.type) != _shape(self.lhs.type) or not _is_i1(
            _elem(self.result.type)
        ):
            raise VerifyException(
                f"pto.cmp of {self.lhs.type} gives a mask "
                f"tensor<{'x'.join(map(str, _shape(self.lhs.type)))}xi1>, not {self.result.type}"
            )
        if _is_i1(_elem(self.lhs.type)):
            raise VerifyException("pto.cmp compares numbers; combine masks with arith.andi/ori")


@irdl_op_definition
class CmpsOp(IRDLOperation):
    """Compare a tile with a runtime scalar elementwise into a mask tile of `i1`.

    `%m = pto.cmps gt %a, %s : tensor<4x64xf32>, f32 -> tensor<4x64xi1>`

    PyPTO `pl.cmps`: the vector unit takes the scalar from a register (no splat tile).
    The modes and NaN rules of `pto.cmp`; the scalar has the tile's element type.
    """

    name = "pto.cmps"

    mode = prop_def(CmpModeAttr)
    lhs = operand_def(TensorType)
    scalar = operand_def()
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = (
        "$mode $lhs `,` $scalar attr-dict `:` type($lhs) `,` type($scalar) `->` type($result)"
    )

    def __init__(
        self, mode: str | CmpMode, lhs: SSAValue | Operation, scalar: SSAValue | Operation
    ):
        lt = SSAValue.get(lhs).type
        super().__init__(
            operands=[lhs, scalar],
            result_types=[TensorType(IntegerType(1), _shape(lt))],
            properties={"mode": CmpModeAttr(CmpMode(mode))},
        )

    def verify_(self) -> None:
        lt = self.lhs.type
        if self.scalar.type != _elem(lt):
            raise VerifyException(
                f"pto.cmps compares a tile of {_elem(lt)} with a scalar of the same type, "
                f"not {self.scalar.type}"
            )
        if _shape(self.result.type) != _shape(lt) or not _is_i1(_elem(self.result.type)):
            raise VerifyException(
                f"pto.cmps of {lt} gives a mask "
                f"tensor<{'x'.join(map(str, _shape(lt)))}xi1>, not {self.result.type}"
            )
        if _is_i1(_elem(lt)):
            raise VerifyException("pto.cmps compares numbers, not masks")


@irdl_op_definition
class SelectOp(IRDLOperation):
    """Choose elementwise by a mask: `mask ? a : b`.

    `%r = pto.select %m, %a, %b : tensor<4x64xi1>, tensor<4x64xf32>`

    xDSL 0.74's `arith.select` takes a scalar `i1` condition only.
    """

    name = "pto.select"

    _T: ClassVar = VarConstraint("_T", base(TensorType))
    mask = operand_def(TensorType)
    lhs = operand_def(_T)
    rhs = operand_def(_T)
    result = result_def(_T)
    traits = traits_def(Pure())

    assembly_format = "$mask `,` $lhs `,` $rhs attr-dict `:` type($mask) `,` type($result)"

    def __init__(
        self, mask: SSAValue | Operation, lhs: SSAValue | Operation, rhs: SSAValue | Operation
    ):
        super().__init__(operands=[mask, lhs, rhs], result_types=[SSAValue.get(lhs).type])

    def verify_(self) -> None:
        mt, lt, rt, ot = self.mask.type, self.lhs.type, self.rhs.type, self.result.type
        if not _is_i1(_elem(mt)):
            raise VerifyException(f"pto.select's mask must be a tile of i1, got {mt}")
        _same_tile(self, "the two choices", lt, rt)
        _same_tile(self, "the choices and the result", lt, ot)
        if _shape(mt) != _shape(lt):
            raise VerifyException(
                f"mask shape {list(_shape(mt))} differs from the tile shape {list(_shape(lt))}"
            )


# --------------------------------------------------------------------------- broadcasts


class _ExpandOp(_ExpandMulOp):
    """The broadcast family: the operands, syntax and checks of `pto.row_expand_mul` /
    `pto.col_expand_mul` (`_ExpandMulOp`), with the elementwise function named by `FN`."""

    FN: ClassVar[str]

    def _shape_error(
        self, ls: tuple[int, ...], want: tuple[int, ...], rs: tuple[int, ...]
    ) -> str:
        what = "row" if self.BROADCAST_AXIS == 1 else "column"
        return (
            f"{self.name} broadcasts a {list(want)} tile (one value per {what}) over a "
            f"{list(ls)} tile, not a {list(rs)} tile"
        )


def _expand(op_name: str, axis: int, fn: str, doc: str) -> type[_ExpandOp]:
    class _Op(_ExpandOp):
        name = f"pto.{op_name}"
        BROADCAST_AXIS: ClassVar[int] = axis
        FN: ClassVar[str] = fn

    _Op.__doc__ = doc
    _Op.__name__ = _Op.__qualname__ = "".join(p.capitalize() for p in op_name.split("_")) + "Op"
    return irdl_op_definition(_Op)


_EXPAND_DOC = """`{sym}` with one value per {what}: `[R, C] {sym} {other} -> [R, C]`.

`%r = pto.{name} %x, %v : tensor<16x64xf32>, {vt} -> tensor<16x64xf32>`

The vector unit's {what}-broadcast form (PyPTO `{name}`); upstream `arith` needs both
operands of one shape, and a `tensor.broadcast` first would cost an extra vector op.
"""


def _expand_doc(name: str, axis: int, sym: str) -> str:
    what = "row" if axis == 1 else "column"
    other = "[R, 1]" if axis == 1 else "[1, C]"
    vt = "tensor<16x1xf32>" if axis == 1 else "tensor<1x64xf32>"
    return _EXPAND_DOC.format(sym=sym, what=what, other=other, name=name, vt=vt)



RowExpandAddOp = _expand("row_expand_add", 1, "add", _expand_doc("row_expand_add", 1, "+"))
RowExpandSubOp = _expand("row_expand_sub", 1, "sub", _expand_doc("row_expand_sub", 1, "-"))
RowExpandDivOp = _expand("row_expand_div", 1, "div", _expand_doc("row_expand_div", 1, "/"))
RowExpandMaxOp = _expand("row_expand_max", 1, "max", _expand_doc("row_expand_max", 1, "max"))
RowExpandMinOp = _expand("row_expand_min", 1, "min", _expand_doc("row_expand_min", 1, "min"))
ColExpandAddOp = _expand("col_expand_add", 0, "add", _expand_doc("col_expand_add", 0, "+"))
ColExpandSubOp = _expand("col_expand_sub", 0, "sub", _expand_doc("col_expand_sub", 0, "-"))
ColExpandDivOp = _expand("col_expand_div", 0, "div", _expand_doc("col_expand_div", 0, "/"))
ColExpandMaxOp = _expand("col_expand_max", 0, "max", _expand_doc("col_expand_max", 0, "max"))
ColExpandMinOp = _expand("col_expand_min", 0, "min", _expand_doc("col_expand_min", 0, "min"))
RowExpandOp = _expand("row_expand", 1, "rhs", """The plain row broadcast: `[R, C], [R, 1] -> [R, C]`,
every element of row `i` is `v[i, 0]`; the first operand gives the shape (PyPTO
`pl.row_expand(target, row_vec)`; its values are not read).

`%r = pto.row_expand %x, %v : tensor<16x64xf32>, tensor<16x1xf32> -> tensor<16x64xf32>`
""")
ColExpandOp = _expand("col_expand", 0, "rhs", """The plain column broadcast: `[R, C], [1, C] -> [R, C]`,
every row is `v[0, :]`; the first operand gives the shape (PyPTO
`pl.col_expand(target, col_vec)`; its values are not read).

`%r = pto.col_expand %x, %v : tensor<16x64xf32>, tensor<1x64xf32> -> tensor<16x64xf32>`
""")

EXPAND_OPS: tuple[type[_ExpandOp], ...] = (
    RowExpandAddOp, RowExpandSubOp, RowExpandDivOp, RowExpandMaxOp, RowExpandMinOp,
    ColExpandAddOp, ColExpandSubOp, ColExpandDivOp, ColExpandMaxOp, ColExpandMinOp,
    RowExpandOp, ColExpandOp,
)


# --------------------------------------------------------------------------- tile-scalar


class _TileScalarOp(IRDLOperation):
    _T: ClassVar = VarConstraint("_T", base(TensorType))
    input = operand_def(_T)
    scalar = operand_def()
    result = result_def(_T)
    traits = traits_def(Pure())

    assembly_format = "$input `,` $scalar attr-dict `:` type($input) `,` type($scalar)"

    FN: ClassVar[str]

    def __init__(self, input: SSAValue | Operation, scalar: SSAValue | Operation):
        super().__init__(operands=[input, scalar], result_types=[SSAValue.get(input).type])

    def verify_(self) -> None:
        it = self.input.type
        if self.result.type != it:
            raise VerifyException("operand and result types must agree")
        if self.scalar.type != _elem(it):
            raise VerifyException(
                f"{self.name} combines a tile of {_elem(it)} with a scalar of the same type, "
                f"not {self.scalar.type}"
            )
        if _is_i1(_elem(it)):
            raise VerifyException(f"{self.name} works on number tiles, not masks")


def _tile_scalar(name: str, fn: str, sym: str) -> type[_TileScalarOp]:
    doc = f"""Every element `{sym}` a runtime scalar: `x {sym} s` (PyPTO `{name}`).

    `%r = pto.{name} %x, %s : tensor<16x64xf32>, f32`

    The vector unit takes the scalar from a scalar register: no upstream op does, and
    `tensor.splat` + `arith` costs an extra vector op and a tile of buffer.
    """
    op_name = name

    class _Op(_TileScalarOp):
        name = f"pto.{op_name}"
        FN: ClassVar[str] = fn

    _Op.__doc__ = doc
    _Op.__name__ = _Op.__qualname__ = op_name.capitalize() + "Op"
    return irdl_op_definition(_Op)


AddsOp = _tile_scalar("adds", "add", "+")
SubsOp = _tile_scalar("subs", "sub", "-")
MulsOp = _tile_scalar("muls", "mul", "*")
DivsOp = _tile_scalar("divs", "div", "/")
MaxsOp = _tile_scalar("maxs", "max", "max")
MinsOp = _tile_scalar("mins", "min", "min")

TILE_SCALAR_OPS: tuple[type[_TileScalarOp], ...] = (AddsOp, SubsOp, MulsOp, DivsOp, MaxsOp, MinsOp)


# --------------------------------------------------------------------------- sorts


def _check_pairs(op: Operation, t: Attribute, what: str) -> tuple[int, ...]:
    s = _shape(t)
    if not isinstance(_elem(t), Float32Type):
        raise VerifyException(f"{op.name}: {what} must be an f32 tile of (value, index) pairs")
    if not s or s[-1] % 2:
        raise VerifyException(f"{op.name}: {what} holds pairs, so its last axis must be even")
    return s


@irdl_op_definition
class Sort32Op(IRDLOperation):
    """Sort every 32-element group of the last axis, descending, into (value, index) pairs.

    `%p = pto.sort32 %v, %i : tensor<1x256xf32>, tensor<1x256xui32> -> tensor<1x512xf32>`

    Output element `2j` is a value and `2j + 1` the bits of its index (a 32-bit
    integer stored in the f32 slot, as the vector unit's sort does), groups of 32 pairs
    each sorted by value, largest first; equal values keep their input order. The last
    axis must be a multiple of 32 (pad with `pto.load_valid ... pad min`). PyPTO
    `pl.sort32`, the first step of top-k; no upstream op sorts.
    """

    name = "pto.sort32"

    input = operand_def(TensorType)
    index = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = (
        "$input `,` $index attr-dict `:` type($input) `,` type($index) `->` type($result)"
    )

    def __init__(self, input: SSAValue | Operation, index: SSAValue | Operation):
        s = _shape(SSAValue.get(input).type)
        super().__init__(
            operands=[input, index],
            result_types=[TensorType(Float32Type(), (*s[:-1], 2 * s[-1]))],
        )

    def verify_(self) -> None:
        it, xt, rt = self.input.type, self.index.type, self.result.type
        s = _shape(it)
        if not isinstance(_elem(it), Float32Type):
            raise VerifyException("pto.sort32 sorts f32 values")
        xe = _elem(xt)
        if not isinstance(xe, IntegerType) or xe.width.data != 32:
            raise VerifyException(f"pto.sort32 indices must be a 32-bit integer tile, got {xt}")
        if _shape(xt) != s:
            raise VerifyException("pto.sort32 values and indices must have the same shape")
        if not s or s[-1] % 32:
            raise VerifyException(
                f"pto.sort32 sorts groups of 32: the last axis ({s[-1] if s else 0}) must be a "
                "multiple of 32"
            )
        want = (*s[:-1], 2 * s[-1])
        if _shape(rt) != want or not isinstance(_elem(rt), Float32Type):
            raise VerifyException(
                f"pto.sort32 of {list(s)} gives (value, index) pairs "
                f"tensor<{'x'.join(map(str, want))}xf32>, not {rt}"
            )
        _check_tile_fits(self, rt, "result tile")


@irdl_op_definition
class MrgSortOp(IRDLOperation):
    """Merge sorted runs of (value, index) pairs, descending by value.

    ```
    %s = pto.mrgsort %p block_len 64 : tensor<1x512xf32> -> tensor<1x512xf32>
    %m = pto.mrgsort %a, %b : tensor<1x256xf32>, tensor<1x256xf32> -> tensor<1x512xf32>
    ```

    With one operand and `block_len = L` (in f32 slots, two per pair): every 4 adjacent
    sorted runs of L slots merge into one run of 4L (fewer at the end of the row);
    PyPTO `pl.mrgsort(x, block_len=L)` after `pl.sort32` (L = 64, 256, 1024, ...). With 2
    to 4 operands, each a sorted row: they merge into one sorted row of their total width
    (`pl.mrgsort(a, b)`). Ties keep the earlier run's pair first. No upstream op sorts.
    """

    name = "pto.mrgsort"

    inputs = var_operand_def(TensorType)
    block_len = opt_prop_def(IntegerAttr[IndexType])
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = (
        "$inputs (`block_len` $block_len^)? attr-dict `:` type($inputs) `->` type($result)"
    )

    def __init__(
        self,
        inputs: Sequence[SSAValue | Operation],
        block_len: int | None = None,
        result_type: Attribute | None = None,
    ):
        if result_type is None:
            ts = [SSAValue.get(x).type for x in inputs]
            s = _shape(ts[0])
            result_type = TensorType(Float32Type(), (*s[:-1], sum(_shape(t)[-1] for t in ts)))
        super().__init__(
            operands=[inputs],
            result_types=[result_type],
            properties={
                "block_len": IntegerAttr(block_len, IndexType()) if block_len is not None else None
            },
        )

    def verify_(self) -> None:
        n = len(self.inputs)
        if not 1 <= n <= 4:
            raise VerifyException(f"pto.mrgsort merges 1 to 4 tiles, got {n}")
        shapes = [_check_pairs(self, x.type, f"operand #{i}") for i, x in enumerate(self.inputs)]
        rs = _check_pairs(self, self.result.type, "the result")
        if any(s[:-1] != shapes[0][:-1] for s in shapes) or rs[:-1] != shapes[0][:-1]:
            raise VerifyException("pto.mrgsort operands and result must agree on all but the last axis")
        total = sum(s[-1] for s in shapes)
        if rs[-1] != total:
            raise VerifyException(
                f"pto.mrgsort of {n} tile(s) of {total} slots in all gives {total} slots, "
                f"not {rs[-1]}"
            )
        if n == 1:
            if self.block_len is None:
                raise VerifyException(
                    "pto.mrgsort of one tile needs `block_len`: the length of its sorted runs"
                )
            bl = self.block_len.value.data
            if bl < 2 or bl % 2 or shapes[0][-1] % bl:
                raise VerifyException(
                    f"pto.mrgsort block_len {bl} must be even, >= 2 and divide the last axis "
                    f"({shapes[0][-1]})"
                )
        elif self.block_len is not None:
            raise VerifyException("pto.mrgsort of several tiles takes no block_len")
        _check_tile_fits(self, self.result.type, "result tile")


# --------------------------------------------------------------------------- mask patterns


def _pattern_width(n: int, pattern: str) -> int:
    return n // 4 * len(MASK_POSITIONS[pattern])


@irdl_op_definition
class GatherMaskOp(IRDLOperation):
    """Take the elements a periodic mask pattern selects along the last axis.

    `%i = pto.gather_mask %pairs pattern P1010 : tensor<1x16xf32> -> tensor<1x8xi32>`

    The last axis must be a multiple of 4. The result's element type may differ from the
    source's if it has the same width: the bits are kept (PyPTO `pl.gather(x,
    mask_pattern=..., output_dtype=...)`, which takes the indices out of `pto.sort32`
    pairs). A pto op because upstream has no strided or masked gather on tensors.
    """

    name = "pto.gather_mask"

    input = operand_def(TensorType)
    pattern = prop_def(MaskPatternAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = "$input `pattern` $pattern attr-dict `:` type($input) `->` type($result)"

    def __init__(
        self,
        input: SSAValue | Operation,
        pattern: str | MaskPattern,
        result_type: Attribute | None = None,
    ):
        it = SSAValue.get(input).type
        if result_type is None:
            s = _shape(it)
            result_type = TensorType(_elem(it), (*s[:-1], _pattern_width(s[-1], str(pattern))))
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={"pattern": MaskPatternAttr(MaskPattern(pattern))},
        )

    def verify_(self) -> None:
        it, rt = self.input.type, self.result.type
        s, r = _shape(it), _shape(rt)
        if not s or s[-1] % 4:
            raise VerifyException(
                f"pto.gather_mask works on periods of 4: the last axis ({s[-1] if s else 0}) "
                "must be a multiple of 4"
            )
        want = (*s[:-1], _pattern_width(s[-1], self.pattern.data.value))
        if r != want:
            raise VerifyException(
                f"pto.gather_mask {self.pattern.data.value} of {list(s)} gives {list(want)}, "
                f"not {list(r)}"
            )
        if element_bytes(_elem(rt)) != element_bytes(_elem(it)) or _is_i1(_elem(rt)) or _is_i1(
            _elem(it)
        ):
            raise VerifyException(
                f"pto.gather_mask keeps the bits: {_elem(it)} and {_elem(rt)} must have the "
                "same width"
            )


@irdl_op_definition
class ScatterMaskOp(IRDLOperation):
    """Put a tile's elements at the positions a mask pattern selects; keep the rest.

    `%r = pto.scatter_mask %idx into %pairs pattern P1010 : tensor<1x8xi32>, tensor<1x16xf32>`

    The inverse of `pto.gather_mask`: `gather_mask(scatter_mask(x into d)) == x`, and
    the unselected elements of `d` pass through (bits kept if the types differ in
    kind but not width). Interleaves values and indices into pairs for `pto.mrgsort`.
    """

    name = "pto.scatter_mask"

    _T: ClassVar = VarConstraint("_T", base(TensorType))
    input = operand_def(TensorType)
    dest = operand_def(_T)
    pattern = prop_def(MaskPatternAttr)
    result = result_def(_T)
    traits = traits_def(Pure())

    assembly_format = (
        "$input `into` $dest `pattern` $pattern attr-dict `:` type($input) `,` type($dest)"
    )

    def __init__(
        self, input: SSAValue | Operation, dest: SSAValue | Operation, pattern: str | MaskPattern
    ):
        super().__init__(
            operands=[input, dest],
            result_types=[SSAValue.get(dest).type],
            properties={"pattern": MaskPatternAttr(MaskPattern(pattern))},
        )

    def verify_(self) -> None:
        it, dt = self.input.type, self.dest.type
        s, d = _shape(it), _shape(dt)
        if self.result.type != dt:
            raise VerifyException("pto.scatter_mask result and destination types differ")
        if not d or d[-1] % 4:
            raise VerifyException(
                "pto.scatter_mask works on periods of 4: the destination's last axis must be "
                "a multiple of 4"
            )
        want = (*d[:-1], _pattern_width(d[-1], self.pattern.data.value))
        if s != want:
            raise VerifyException(
                f"pto.scatter_mask {self.pattern.data.value} into {list(d)} takes a "
                f"{list(want)} tile, not {list(s)}"
            )
        if element_bytes(_elem(dt)) != element_bytes(_elem(it)) or _is_i1(_elem(dt)):
            raise VerifyException(
                f"pto.scatter_mask keeps the bits: {_elem(it)} and {_elem(dt)} must have the "
                "same width"
            )


TILE_OPS: tuple[type[IRDLOperation], ...] = (
    WriteOp,
    LoadValidOp,
    StoreValidOp,
    GatherRowOp,
    CmpOp,
    CmpsOp,
    SelectOp,
    *EXPAND_OPS,
    *TILE_SCALAR_OPS,
    Sort32Op,
    MrgSortOp,
    GatherMaskOp,
    ScatterMaskOp,
)
"""The ops of this module, collected into `ptoc.dialects.PTO`."""

TILE_ATTRS = (CmpModeAttr, MaskPatternAttr, PadValueAttr)

__all__ = [
    "MASK_POSITIONS",
    "TILE_ATTRS",
    "TILE_OPS",
    "AddsOp",
    "CmpMode",
    "CmpOp",
    "CmpsOp",
    "DivsOp",
    "GatherMaskOp",
    "GatherRowOp",
    "LoadValidOp",
    "MaskPattern",
    "MaxsOp",
    "MinsOp",
    "MrgSortOp",
    "MulsOp",
    "PadValue",
    "ScatterMaskOp",
    "SelectOp",
    "Sort32Op",
    "StoreValidOp",
    "SubsOp",
    "WriteOp",
]
