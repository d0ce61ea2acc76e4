"""Small builders for `index` arithmetic that carry a source location.

The passes that restructure task ids and loop indices (`pto-spmd-coarsen`,
`pto-unroll-expand`) create a handful of `arith` ops on `index` values. Every op they
create takes the location of the op it was derived from, so that diagnostics about it
still point at the user's source.
"""

from __future__ import annotations

from collections.abc import Iterable

from xdsl.dialects import arith
from xdsl.dialects.builtin import IndexType, IntegerAttr, IntegerType, LocationAttr
from xdsl.ir import Attribute, Operation, SSAValue


def located(op: Operation, loc: LocationAttr) -> Operation:
    """Give `op` the location `loc` and return it."""
    op.location = loc
    return op


def const_index(value: int, loc: LocationAttr, name: str | None = None) -> arith.ConstantOp:
    """`arith.constant value : index`."""
    op = arith.ConstantOp(IntegerAttr(value, IndexType()))
    op.location = loc
    if name is not None:
        op.result.name_hint = name
    return op


def binary(
    kind: type[arith.SignlessIntegerBinaryOperation],
    lhs: SSAValue | Operation,
    rhs: SSAValue | Operation,
    loc: LocationAttr,
    name: str | None = None,
) -> arith.SignlessIntegerBinaryOperation:
    """`kind lhs, rhs : index` (e.g. `arith.AddiOp`, `arith.MuliOp`)."""
    op = kind(lhs, rhs)
    op.location = loc
    if name is not None:
        op.result.name_hint = name
    return op


def cmp_index(
    predicate: str, lhs: SSAValue | Operation, rhs: SSAValue | Operation, loc: LocationAttr,
    name: str | None = None,
) -> arith.CmpiOp:
    """`arith.cmpi predicate, lhs, rhs : index`."""
    op = arith.CmpiOp(lhs, rhs, predicate)
    op.location = loc
    if name is not None:
        op.result.name_hint = name
    return op


def is_int_like(t: Attribute) -> bool:
    """An `index` or signless integer type (scalar index arithmetic and conditions)."""
    return isinstance(t, (IndexType, IntegerType))


def is_scalar_int_arith(op: Operation) -> bool:
    """An `arith` op whose operands and results are all scalar integers or indices.

    These are the ops whose folding is exact; float folds (done by xDSL in double
    precision) are left alone so that rewritten kernels stay bit-identical.
    """
    if not op.name.startswith("arith."):
        return False
    types: Iterable[Attribute] = (*op.operand_types, *op.result_types)
    return all(is_int_like(t) for t in types)
