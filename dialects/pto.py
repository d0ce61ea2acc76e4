"""The `pto` dialect: SPMD tasks, trace-time and runtime loops, tiles and memory.

The dialect says what a PTO tile kernel means, and nothing that an upstream dialect
already says. Elementwise math on tiles is `arith`/`math` on builtin tensor types,
constant tiles are `arith.constant dense<...>`, a tile filled with a runtime scalar is
`tensor.splat`, branches are `scf.if`. `pto` adds:

* `pto.spmd`   N independent tasks (a scope of the kernel), task id as block argument;
* `pto.unroll` a loop unrolled at trace time: every iteration owns its values;
* `pto.range`  a runtime loop: values cross iterations only as iter_args;
* `pto.yield`  the terminator of the three;
* `pto.load` / `pto.store` / `pto.read`: tiles and scalars to and from global memory;
* tile compute that upstream lacks: row reductions, row/column broadcast multiply,
  matmul (and accumulate), gather along the last axis, arange, cast with rounding;
* `pto.section` / `pto.handoff`: the cube and vector parts of a mixed (`core mix`) task
  and the tiles handed between them.

More tile and memory ops (masks, broadcasts, sorts, scalar writes, valid shapes) are in
`ptoc.dialects.pto_tiles`; `ptoc.dialects.PTO` is the dialect with all of them. The
unified-buffer size the verifier checks tiles against comes from the machine file of the
module's target (`ptoc.dialects.target`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from xdsl.dialects.builtin import (
    BFloat16Type,
    Float16Type,
    Float32Type,
    Float64Type,
    IndexType,
    IntAttr,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
    TensorType,
    UnitAttr,
)
from xdsl.dialects.utils import EnumAttribute, StrEnum, parse_assignment, print_assignment
from xdsl.ir import (
    Attribute,
    Block,
    BlockArgument,
    Operation,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
)
from xdsl.irdl import (
    IRDLOperation,
    VarConstraint,
    base,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    opt_operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser, UnresolvedOperand
from xdsl.printer import Printer
from xdsl.traits import (
    HasParent,
    IsTerminator,
    Pure,
    RecursiveMemoryEffect,
    SingleBlockImplicitTerminator,
    ensure_terminator,
)
from xdsl.utils.exceptions import VerifyException

from ptoc.dialects.target import tile_buffer_for


class CoreKind(StrEnum):
    """What a `pto.spmd` task runs on: one vector core (AIV), one cube core (AIC), or a
    cluster (one cube core and its two vector cores) for a mixed task."""

    VECTOR = "vector"
    CUBE = "cube"
    MIX = "mix"


@irdl_attr_definition
class CoreKindAttr(EnumAttribute[CoreKind], SpacedOpaqueSyntaxAttribute):
    """`#pto<core vector>` in generic form; `core vector` in `pto.spmd`'s syntax."""

    name = "pto.core"


class RoundingMode(StrEnum):
    """Rounding of `pto.cast`, as CANN's cast modes name them."""

    RINT = "rint"
    ROUND = "round"
    FLOOR = "floor"
    CEIL = "ceil"
    TRUNC = "trunc"
    ODD = "odd"
    NONE = "none"


@irdl_attr_definition
class RoundingModeAttr(EnumAttribute[RoundingMode], SpacedOpaqueSyntaxAttribute):
    """`#pto<round rint>` in generic form; `round "rint"` in `pto.cast`'s syntax."""

    name = "pto.round"


class Side(StrEnum):
    """The two sides of a mixed task: its cube core and its vector cores."""

    CUBE = "cube"
    VECTOR = "vector"


@irdl_attr_definition
class SideAttr(EnumAttribute[Side], SpacedOpaqueSyntaxAttribute):
    """`#pto<side cube>` in generic form; `cube` / `vector` in the custom syntax."""

    name = "pto.side"


class AtomicKind(StrEnum):
    """The read-modify-write a `pto.store` does in global memory instead of a plain write:
    `add` is CANN's atomic add of a data copy to GM (`SetAtomicAdd`), the form pypto-lib
    writes as `pl.assemble(..., atomic=pl.AtomicType.Add)`."""

    ADD = "add"


@irdl_attr_definition
class AtomicKindAttr(EnumAttribute[AtomicKind], SpacedOpaqueSyntaxAttribute):
    """`#pto<atomic add>` in generic form; `atomic add` in `pto.store`'s syntax."""

    name = "pto.atomic"


CORE_KINDS = tuple(k.value for k in CoreKind)
ROUNDING_MODES = tuple(m.value for m in RoundingMode)


def to_enum(enum: type[StrEnum], value: str, what: str) -> StrEnum:
    """`enum(value)`, or a VerifyException naming the choices (for the Python API)."""
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        raise VerifyException(f"{what} must be one of {choices}, got '{value}'") from None


def _parse_enum(parser: Parser, enum: type[StrEnum], what: str, quoted: bool = False) -> str:
    """An identifier (or string literal) naming a member of `enum`; a located error else."""
    pos = parser.pos
    word = parser.parse_str_literal() if quoted else parser.parse_identifier()
    if word not in {m.value for m in enum}:  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        choices = ", ".join(m.value for m in enum)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        parser.raise_error(f"{what} must be one of {choices}, got '{word}'", pos, parser.pos)
    return word


def element_bytes(t: Attribute) -> int:
    """Bytes of one element of a scalar type used in tiles and memrefs."""
    if isinstance(t, Float32Type):
        return 4
    if isinstance(t, (BFloat16Type, Float16Type)):
        return 2
    if isinstance(t, Float64Type):
        return 8
    if isinstance(t, IntegerType):
        return max(1, t.bitwidth // 8)
    if isinstance(t, IndexType):
        return 8
    raise VerifyException(f"unsupported element type {t}")


def tile_bytes(t: Attribute) -> int:
    """Bytes of a tile (a static-shape tensor type)."""
    count = 1
    for d in _shape(t):
        count *= d
    return count * element_bytes(_elem(t))


def _check_tile_fits(op: Operation, t: Attribute, what: str) -> None:
    """A tile of `op` fits the buffer that holds it (`target.tile_buffer_for`): the L1
    of a cube core in a cube task, else the UB of a vector core."""
    nbytes = tile_bytes(t)
    limit, target, buffer = tile_buffer_for(op)
    if nbytes > limit:
        raise VerifyException(
            f"{what} {t} is {nbytes} bytes and does not fit the {limit}-byte "
            f"{buffer} of {target}; split it into smaller tiles"
        )


def _shape(t: Attribute) -> tuple[int, ...]:
    """The static shape of a tile type; a VerifyException for anything else."""
    if not isinstance(t, TensorType):
        raise VerifyException(f"expected a tile (a tensor type), got {t}")
    shape: tuple[int, ...] = tuple(t.get_shape())  # pyright: ignore[reportUnknownArgumentType]
    if any(d < 0 for d in shape):
        # a tile is a buffer of fixed size (the interpreter sliced `?` as -1: rows i..-1)
        raise VerifyException(f"tile type {t} must have a static shape")
    return shape


def _elem(t: Attribute) -> Attribute:
    if not isinstance(t, (TensorType, MemRefType)):
        raise VerifyException(f"expected a tensor or memref type, got {t}")
    return t.get_element_type()  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType]


def _check_index_operands(op: Operation, values: Sequence[SSAValue], what: str) -> None:
    for i, v in enumerate(values):
        if not isinstance(v.type, IndexType):
            raise VerifyException(f"{what} #{i} must be of type index, got {v.type}")


# --------------------------------------------------------------------------- yield


@irdl_op_definition
class YieldOp(IRDLOperation):
    """Terminator of `pto.spmd`, `pto.unroll` and `pto.range` bodies."""

    name = "pto.yield"

    values = var_operand_def()

    traits = lazy_traits_def(
        lambda: (IsTerminator(), Pure(), HasParent(SpmdOp, UnrollOp, RangeOp, SectionOp))
    )

    assembly_format = "attr-dict ($values^ `:` type($values))?"

    def __init__(self, *values: SSAValue | Operation):
        super().__init__(operands=[values])


def _verify_carried(
    op: Operation,
    body: Region,
    inits: Sequence[SSAValue],
    results: Sequence[SSAValue],
    loop: str,
) -> None:
    block = body.block
    if len(block.args) != len(inits) + 1:
        raise VerifyException(
            f"the body of {loop} takes the {loop.split('.')[1]} index and "
            f"{len(inits)} iter_args, but its block has {len(block.args)} arguments"
        )
    if not isinstance(block.args[0].type, IndexType):
        raise VerifyException(f"the {loop} index must be of type index")
    for i, (arg, init) in enumerate(zip(block.args[1:], inits)):
        if arg.type != init.type:
            raise VerifyException(
                f"iter_arg #{i} has type {arg.type} but its initial value has type {init.type}"
            )
    if len(results) != len(inits):
        raise VerifyException(f"{loop} has {len(inits)} iter_args but {len(results)} results")
    for i, (res, init) in enumerate(zip(results, inits)):
        if res.type != init.type:
            raise VerifyException(
                f"result #{i} has type {res.type} but iter_arg #{i} has type {init.type}"
            )
    term = block.last_op
    if isinstance(term, YieldOp):
        if len(term.values) != len(inits):
            raise VerifyException(
                f"pto.yield returns {len(term.values)} values but {loop} carries "
                f"{len(inits)} iter_args"
            )
        for i, (v, init) in enumerate(zip(term.values, inits)):
            if v.type != init.type:
                raise VerifyException(
                    f"pto.yield value #{i} has type {v.type} but iter_arg #{i} has type {init.type}"
                )


def _print_iter_args(
    printer: Printer, args: Sequence[BlockArgument], inits: Sequence[SSAValue]
) -> None:
    if not inits:
        return
    printer.print_string(" iter_args(")
    printer.print_list(zip(args, inits), lambda p: print_assignment(printer, *p))
    printer.print_string(") -> (")
    printer.print_list((a.type for a in args), printer.print_attribute)
    printer.print_string(")")


def _parse_iter_args(
    parser: Parser,
) -> tuple[list[Parser.UnresolvedArgument], Sequence[SSAValue], list[Attribute]]:
    pos = parser.pos
    names: list[Parser.UnresolvedArgument] = []
    operands: list[UnresolvedOperand] = []
    types: list[Attribute] = []
    if parser.parse_optional_keyword("iter_args"):
        for name, operand in parser.parse_comma_separated_list(
            Parser.Delimiter.PAREN, lambda: parse_assignment(parser)
        ):
            names.append(name)
            operands.append(operand)
        parser.parse_punctuation("->")
        types = parser.parse_comma_separated_list(Parser.Delimiter.PAREN, parser.parse_attribute)
        if len(types) != len(operands):
            parser.raise_error(
                f"iter_args lists {len(operands)} values but {len(types)} types", pos
            )
    return names, parser.resolve_operands(operands, types, pos), types


def _print_body(printer: Printer, body: Region, has_yield_values: bool) -> None:
    printer.print_string(" ")
    printer.print_region(
        body,
        print_entry_block_args=False,
        print_empty_block=False,
        print_block_terminators=has_yield_values,
    )


def _parse_operand_with_type(parser: Parser, t: Attribute) -> SSAValue:
    return parser.resolve_operand(parser.parse_unresolved_operand(), t)


def _parse_from_zero(parser: Parser, what: str) -> Parser.UnresolvedArgument:
    """`%i = 0 to`: the index of a loop or task set that counts from 0."""
    idx = parser.parse_argument(expect_type=False)
    parser.parse_punctuation("=")
    pos = parser.pos
    if parser.parse_integer(allow_boolean=False, allow_negative=False) != 0:
        parser.raise_error(f"{what}: expected `0 to N`", pos)
    parser.parse_keyword("to")
    return idx


def _finish_parse(op: Operation, parser: Parser) -> None:
    attrs = parser.parse_optional_attr_dict()
    op.attributes |= attrs
    for trait in op.get_traits_of_type(SingleBlockImplicitTerminator):
        block = op.regions[0].blocks.first
        if block is not None and (
            block.last_op is None or not block.last_op.has_trait(IsTerminator)
        ):
            ensure_terminator(op, trait)


# --------------------------------------------------------------------------- spmd


AFTER_ATTR = "pto.after"
"""Attribute of a `pto.spmd` (an array of integers): the `pto.task_id`s of the scopes whose
latest launch this launch waits for, besides the dependences of its GM tensors (PyPTO's
`deps=`; the frontend writes it)."""

TASK_ID_ATTR = "pto.task_id"
"""Attribute of a `pto.spmd` (an integer) that a later `pto.after` names."""


@irdl_op_definition
class SpmdOp(IRDLOperation):
    """`N` independent tasks of one kernel scope.

    ```
    pto.spmd %t = 0 to 64 name "softmax_pool" core vector { ... }
    pto.spmd %t = 0 to %n name "dyn" { ... }
    ```

    The body takes the task id (`index`). Tasks must not depend on each other: all
    effects go through memory, and `pto-check-races` checks that their stores are
    disjoint. The task count is the `count` property, or the `dyn_count` operand.
    """

    name = "pto.spmd"

    dyn_count = opt_operand_def(IndexType)
    count = opt_prop_def(IntegerAttr[IndexType])
    scope = opt_prop_def(StringAttr, prop_name="name")
    core = opt_prop_def(CoreKindAttr)
    body = region_def("single_block")

    traits = traits_def(SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())

    def __init__(
        self,
        count: int | SSAValue | Operation,
        body: Region | Block | Sequence[Operation],
        scope: str | None = None,
        core: str | CoreKind | None = None,
    ):
        if isinstance(body, Block):
            body = Region(body)
        elif not isinstance(body, Region):
            body = Region(Block(body, arg_types=[IndexType()]))
        props: dict[str, Attribute | None] = {
            "name": StringAttr(scope) if scope is not None else None,
            "core": (
                CoreKindAttr(to_enum(CoreKind, core, "pto.spmd core"))  # pyright: ignore[reportArgumentType]
                if core is not None else None
            ),
        }
        operands: list[Sequence[SSAValue | Operation]] = [[]]
        if isinstance(count, int):
            props["count"] = IntegerAttr(count, IndexType())
        else:
            operands = [[count]]
        super().__init__(operands=operands, properties=props, regions=[body])

    @property
    def static_count(self) -> int | None:
        return None if self.count is None else self.count.value.data

    @property
    def scope_name(self) -> str | None:
        return None if self.scope is None else self.scope.data

    @property
    def task_id(self) -> SSAValue:
        return self.body.block.args[0]

    def verify_(self) -> None:
        if (self.count is None) == (self.dyn_count is None):
            raise VerifyException(
                "pto.spmd needs exactly one task count: a static `0 to N` or an index operand"
            )
        if self.count is not None and self.count.value.data < 1:
            raise VerifyException(f"pto.spmd task count must be >= 1, got {self.count.value.data}")
        block = self.body.block
        if len(block.args) != 1 or not isinstance(block.args[0].type, IndexType):
            raise VerifyException(
                "the body of pto.spmd takes exactly one index argument: the task id"
            )
        term = block.last_op
        if isinstance(term, YieldOp) and term.values:
            raise VerifyException("pto.spmd has no results: its pto.yield must be empty")

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.task_id)
        printer.print_string(" = 0 to ")
        if self.count is not None:
            printer.print_int(self.count.value.data)
        elif self.dyn_count is not None:
            printer.print_ssa_value(self.dyn_count)
        if self.scope is not None:
            printer.print_string(" name ")
            printer.print_string_literal(self.scope.data)
        if self.core is not None:
            printer.print_string(f" core {self.core.data.value}")
        _print_body(printer, self.body, False)
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> SpmdOp:
        task = _parse_from_zero(parser, "pto.spmd tasks are numbered from 0")
        count: int | SSAValue
        if (
            n := parser.parse_optional_integer(allow_boolean=False, allow_negative=True)
        ) is not None:
            count = n
        else:
            count = _parse_operand_with_type(parser, IndexType())
        scope = None
        core = None
        if parser.parse_optional_keyword("name"):
            scope = parser.parse_str_literal()
        if parser.parse_optional_keyword("core"):
            core = _parse_enum(parser, CoreKind, "pto.spmd core")
        body = parser.parse_region((task.resolve(IndexType()),))
        op = cls(count, body, scope, core)
        _finish_parse(op, parser)
        return op


# --------------------------------------------------------------------------- unroll


@irdl_op_definition
class UnrollOp(IRDLOperation):
    """A loop unrolled at trace time.

    ```
    %r = pto.unroll %j = 0 to 2 iter_args(%a = %x) -> (f32) { ... pto.yield %b : f32 }
    ```

    Every iteration owns its values (its own buffers on the core). Values may be
    carried as iter_args the way a Python variable is updated while tracing; after
    `pto-unroll-expand` every iteration's values are distinct SSA values.
    """

    name = "pto.unroll"

    count = prop_def(IntegerAttr[IndexType])
    iter_args = var_operand_def()
    res = var_result_def()
    body = region_def("single_block")

    traits = traits_def(SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())

    def __init__(
        self,
        count: int,
        iter_args: Sequence[SSAValue | Operation],
        body: Region | Block,
    ):
        if isinstance(body, Block):
            body = Region(body)
        super().__init__(
            operands=[iter_args],
            result_types=[[SSAValue.get(a).type for a in iter_args]],
            properties={"count": IntegerAttr(count, IndexType())},
            regions=[body],
        )

    @property
    def trip_count(self) -> int:
        return self.count.value.data

    @property
    def index(self) -> SSAValue:
        return self.body.block.args[0]

    def verify_(self) -> None:
        if self.count.value.data < 1:
            raise VerifyException(f"pto.unroll count must be >= 1, got {self.count.value.data}")
        _verify_carried(self, self.body, self.iter_args, self.res, "pto.unroll")

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.index)
        printer.print_string(f" = 0 to {self.count.value.data}")
        _print_iter_args(printer, self.body.block.args[1:], self.iter_args)
        _print_body(printer, self.body, bool(self.iter_args))
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> UnrollOp:
        idx = _parse_from_zero(parser, "pto.unroll counts from 0")
        n = parser.parse_integer(allow_boolean=False, allow_negative=True)
        names, inits, types = _parse_iter_args(parser)
        args = [idx.resolve(IndexType())] + [a.resolve(t) for a, t in zip(names, types)]
        body = parser.parse_region(args)
        op = cls(n, inits, body)
        _finish_parse(op, parser)
        return op


# --------------------------------------------------------------------------- range


@irdl_op_definition
class RangeOp(IRDLOperation):
    """A runtime loop, like `scf.for`, with an optional software-pipeline depth.

    ```
    %r = pto.range %s = %c0 to %c4 step %c1 pipeline 2
           iter_args(%mi = %m0) -> (tensor<1x64xf32>) { ... }
    ```

    One body runs every iteration: a value defined in it is one buffer reused by all
    iterations, and values cross iterations only as iter_args. `pipeline = K`
    double-buffers (K stages) the body's loads.
    """

    name = "pto.range"

    lb = operand_def(IndexType)
    ub = operand_def(IndexType)
    step = operand_def(IndexType)
    iter_args = var_operand_def()
    pipeline = opt_prop_def(IntegerAttr[IndexType])
    res = var_result_def()
    body = region_def("single_block")

    traits = traits_def(SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())

    def __init__(
        self,
        lb: SSAValue | Operation,
        ub: SSAValue | Operation,
        step: SSAValue | Operation,
        iter_args: Sequence[SSAValue | Operation],
        body: Region | Block,
        pipeline: int | None = None,
    ):
        if isinstance(body, Block):
            body = Region(body)
        super().__init__(
            operands=[lb, ub, step, iter_args],
            result_types=[[SSAValue.get(a).type for a in iter_args]],
            properties={
                "pipeline": IntegerAttr(pipeline, IndexType()) if pipeline is not None else None
            },
            regions=[body],
        )

    @property
    def index(self) -> SSAValue:
        return self.body.block.args[0]

    @property
    def stages(self) -> int:
        return 1 if self.pipeline is None else self.pipeline.value.data

    def verify_(self) -> None:
        if self.pipeline is not None and self.pipeline.value.data < 1:
            raise VerifyException(
                f"pto.range pipeline depth must be >= 1, got {self.pipeline.value.data}"
            )
        _verify_carried(self, self.body, self.iter_args, self.res, "pto.range")

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.index)
        printer.print_string(" = ")
        printer.print_ssa_value(self.lb)
        printer.print_string(" to ")
        printer.print_ssa_value(self.ub)
        printer.print_string(" step ")
        printer.print_ssa_value(self.step)
        if self.pipeline is not None:
            printer.print_string(f" pipeline {self.pipeline.value.data}")
        _print_iter_args(printer, self.body.block.args[1:], self.iter_args)
        _print_body(printer, self.body, bool(self.iter_args))
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> RangeOp:
        idx = parser.parse_argument(expect_type=False)
        parser.parse_punctuation("=")
        lb = _parse_operand_with_type(parser, IndexType())
        parser.parse_keyword("to")
        ub = _parse_operand_with_type(parser, IndexType())
        parser.parse_keyword("step")
        step = _parse_operand_with_type(parser, IndexType())
        pipeline = None
        if parser.parse_optional_keyword("pipeline"):
            pipeline = parser.parse_integer(allow_boolean=False, allow_negative=True)
        names, inits, types = _parse_iter_args(parser)
        args = [idx.resolve(IndexType())] + [a.resolve(t) for a, t in zip(names, types)]
        body = parser.parse_region(args)
        op = cls(lb, ub, step, inits, body, pipeline)
        _finish_parse(op, parser)
        return op


# --------------------------------------------------------------------------- memory


def _verify_access(
    op: Operation, mem: SSAValue, indices: Sequence[SSAValue], tile: tuple[int, ...] | None
) -> MemRefType[Attribute]:
    mt = mem.type
    if not isinstance(mt, MemRefType):
        raise VerifyException(f"{op.name} needs a memref, got {mt}")
    shape = tuple(mt.get_shape())  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
    if len(indices) != len(shape):
        raise VerifyException(
            f"{op.name} indexes a rank-{len(shape)} memref {mt} with {len(indices)} indices"
        )
    _check_index_operands(op, indices, "index")
    if tile is not None:
        if len(tile) != len(shape):
            raise VerifyException(
                f"tile shape {list(tile)} has rank {len(tile)} but the memref "
                f"{mt} has rank {len(shape)}"
            )
        for d, (t, m) in enumerate(zip(tile, shape)):
            if m >= 0 and t > m:
                raise VerifyException(f"tile dimension {d} is {t} but the memref {mt} has only {m}")
    return mt  # pyright: ignore[reportUnknownVariableType]


@irdl_op_definition
class LoadOp(IRDLOperation):
    """Load a static-shape tile from global memory at dynamic offsets.

    `%t = pto.load %m[%r, %c] : memref<64x2048xf32> -> tensor<1x64xf32>`
    """

    name = "pto.load"

    source = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    result = result_def(TensorType)

    assembly_format = "$source `[` $indices `]` attr-dict `:` type($source) `->` type($result)"

    def __init__(
        self,
        source: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
        result_type: Attribute,
    ):
        super().__init__(operands=[source, indices], result_types=[result_type])

    def verify_(self) -> None:
        rt = self.result.type
        mt = _verify_access(self, self.source, self.indices, _shape(rt))
        if _elem(rt) != _elem(mt):
            raise VerifyException(
                f"tile element type {_elem(rt)} differs from the memref's {_elem(mt)}"
            )
        _check_tile_fits(self, rt, "loaded tile")


@irdl_op_definition
class StoreOp(IRDLOperation):
    """Store a tile into global memory at dynamic offsets.

    `pto.store %t, %m[%r, %c] : tensor<1x64xf32>, memref<64x512xf32>`

    With `atomic add` the store adds the tile to what global memory holds, element by
    element, as one atomic read-modify-write per element (CANN: `SetAtomicAdd` before a
    `DataCopy` to GM; pypto-lib: `pl.assemble(..., atomic=pl.AtomicType.Add)`):

    `pto.store %t, %m[%r, %c] atomic add : tensor<16x128xf32>, memref<32x1024xf32>`

    Different tasks may atomic-add to the same elements (split-K partials into one
    zero-seeded buffer): that is not a race between them (`pto-check-races`). The element
    type must be f32 or i32, the types the a2a3 atomic add of a GM copy supports and the
    project's interpreter and upstream lowering can add exactly as the hardware does
    (fp16 / bf16 atomic adds round each partial sum to 16 bits; not modelled). Why a
    property of `pto.store`, not `memref.atomic_rmw`: that op updates one scalar, while
    this is one tile DMA to GM with the adds done at the memory side.
    """

    name = "pto.store"

    value = operand_def(TensorType)
    dest = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    atomic = opt_prop_def(AtomicKindAttr)

    assembly_format = (
        "$value `,` $dest `[` $indices `]` (`atomic` $atomic^)? attr-dict `:` "
        "type($value) `,` type($dest)"
    )

    ATOMIC_ELEMENTS: ClassVar[tuple[str, ...]] = ("f32", "i32")

    def __init__(
        self,
        value: SSAValue | Operation,
        dest: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
        atomic: str | AtomicKind | None = None,
    ):
        props: dict[str, Attribute | None] = {
            "atomic": AtomicKindAttr(AtomicKind(atomic)) if atomic is not None else None
        }
        super().__init__(operands=[value, dest, indices], properties=props)

    @property
    def atomic_kind(self) -> str | None:
        """"add" for an atomic-add store, None for a plain store."""
        return None if self.atomic is None else self.atomic.data.value

    def verify_(self) -> None:
        vt = self.value.type
        mt = _verify_access(self, self.dest, self.indices, _shape(vt))
        if _elem(vt) != _elem(mt):
            raise VerifyException(
                f"tile element type {_elem(vt)} differs from the memref's {_elem(mt)}"
            )
        if self.atomic is not None and str(_elem(vt)) not in self.ATOMIC_ELEMENTS:
            raise VerifyException(
                f"an atomic add store needs f32 or i32 elements (16- and 8-bit atomic adds "
                f"round every partial sum and are not modelled), got {_elem(vt)}"
            )


@irdl_op_definition
class ReadOp(IRDLOperation):
    """Read one scalar element from global memory (a cache-missing scalar load).

    `%v = pto.read %bt[%b, %k] : memref<64x65xi32> -> i32`
    """

    name = "pto.read"

    source = operand_def(MemRefType)
    indices = var_operand_def(IndexType)
    result = result_def()

    assembly_format = "$source `[` $indices `]` attr-dict `:` type($source) `->` type($result)"

    traits = traits_def()

    def __init__(
        self,
        source: SSAValue | Operation,
        indices: Sequence[SSAValue | Operation],
        result_type: Attribute,
    ):
        super().__init__(operands=[source, indices], result_types=[result_type])

    def verify_(self) -> None:
        mt = _verify_access(self, self.source, self.indices, None)
        if self.result.type != _elem(mt):
            raise VerifyException(
                f"pto.read returns {self.result.type} but the memref holds {_elem(mt)}"
            )


# --------------------------------------------------------------------------- tiles


class _ReduceOp(IRDLOperation):
    """A reduction of a tile along `AXIS` (the last for rows, the one before it for
    columns) to extent 1."""

    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    AXIS: ClassVar[int] = -1

    def __init__(self, input: SSAValue | Operation, result_type: Attribute | None = None):
        if result_type is None:
            it = SSAValue.get(input).type
            shape = list(_shape(it))
            shape[self.AXIS] = 1
            result_type = TensorType(_elem(it), shape)
        super().__init__(operands=[input], result_types=[result_type])

    def verify_(self) -> None:
        it, rt = self.input.type, self.result.type
        ishape, rshape = _shape(it), _shape(rt)
        if len(ishape) < -self.AXIS:
            raise VerifyException(f"{self.name} takes a tile of rank {-self.AXIS} or more")
        axis = len(ishape) + self.AXIS
        want = tuple(1 if i == axis else d for i, d in enumerate(ishape))
        if rshape != want:
            raise VerifyException(
                f"{self.name} of a {list(ishape)} tile gives a {list(want)} tile, "
                f"not {list(rshape)}"
            )
        if _elem(it) != _elem(rt):
            raise VerifyException("element types of input and result differ")
        _check_tile_fits(self, it, "input tile")


@irdl_op_definition
class RowSumOp(_ReduceOp):
    """Sum of each row: `[R, C] -> [R, 1]`."""

    name = "pto.row_sum"


@irdl_op_definition
class RowMaxOp(_ReduceOp):
    """Maximum of each row: `[R, C] -> [R, 1]`."""

    name = "pto.row_max"


@irdl_op_definition
class ColMaxOp(_ReduceOp):
    """Maximum of each column: `[R, C] -> [1, C]`."""

    name = "pto.col_max"
    AXIS: ClassVar[int] = -2


@irdl_op_definition
class RowMinOp(_ReduceOp):
    """Minimum of each row: `[R, C] -> [R, 1]`."""

    name = "pto.row_min"


@irdl_op_definition
class ColMinOp(_ReduceOp):
    """Minimum of each column: `[R, C] -> [1, C]`."""

    name = "pto.col_min"
    AXIS: ClassVar[int] = -2


ColSumTree = int | tuple["ColSumTree", "ColSumTree"]
"""`ColSumOp.order`'s tree: a row number, or the sum of two subtrees."""
T = TypeVar("T")


@irdl_op_definition
class ColSumOp(_ReduceOp):
    """Sum of each column: `[R, C] -> [1, C]`, in the order of the a2a3 vector unit's
    TCOLSUM (docs/numerics.md): by default row 0 plus row 1, plus row 2, ... in order
    (PyPTO's `pl.col_sum(x)`); with `binary`, adjacent rows pairwise, then the pairs'
    sums pairwise, an odd row out added to the first sum of its round (PyPTO's
    `pl.col_sum(x, tmp_tile)`). Each add rounds in the tile's element type, which must be
    f16, f32, i16 or i32 (the types TCOLSUM takes on a2a3)."""

    name = "pto.col_sum"
    AXIS: ClassVar[int] = -2
    binary = opt_prop_def(UnitAttr)

    assembly_format = "$input (`binary` $binary^)? attr-dict `:` type($input) `->` type($result)"

    def __init__(
        self, input: SSAValue | Operation, result_type: Attribute | None = None,
        binary: bool = False,
    ):
        if result_type is None:
            it = SSAValue.get(input).type
            shape = list(_shape(it))
            shape[self.AXIS] = 1
            result_type = TensorType(_elem(it), shape)
        IRDLOperation.__init__(
            self, operands=[input], result_types=[result_type],
            properties={"binary": UnitAttr() if binary else None},
        )

    @staticmethod
    def order(rows: int, binary: bool) -> ColSumTree:
        """The adds of TCOLSUM over `rows` rows as a tree: a leaf is a row number, a node
        `(a, b)` the sum of its two operands in that order (docs/numerics.md)."""
        if rows == 1 or not binary:
            seq: ColSumTree = 0
            for i in range(1, rows):
                seq = (seq, i)
            return seq
        level: list[ColSumTree] = [(2 * i, 2 * i + 1) for i in range(rows // 2)]
        if rows % 2:
            level[0] = (level[0], rows - 1)
        while len(level) > 1:
            n = len(level)
            nxt: list[ColSumTree] = [(level[2 * i], level[2 * i + 1]) for i in range(n // 2)]
            if n % 2:
                nxt[0] = (nxt[0], level[n - 1])
            level = nxt
        return level[0]

    @staticmethod
    def evaluate(tree: ColSumTree, leaf: Callable[[int], T], add: Callable[[T, T], T]) -> T:
        """`tree` with rows as `leaf(i)` and sums as `add(a, b)`, without recursion (a
        sequential sum of many rows is a deep tree)."""
        stack: list[tuple[ColSumTree, bool]] = [(tree, False)]
        done: list[T] = []
        while stack:
            node, expanded = stack.pop()
            if isinstance(node, int):
                done.append(leaf(node))
            elif expanded:
                b = done.pop()
                a = done.pop()
                done.append(add(a, b))
            else:
                stack.append((node, True))
                stack.append((node[1], False))
                stack.append((node[0], False))
        return done[0]

    @staticmethod
    def sums(et: Attribute) -> bool:
        """Whether TCOLSUM takes tiles of element type `et` on a2a3."""
        return isinstance(et, (Float16Type, Float32Type)) or (
            isinstance(et, IntegerType) and et.width.data in (16, 32)
        )

    def verify_(self) -> None:
        super().verify_()
        et = _elem(self.input.type)
        if not self.sums(et):
            raise VerifyException(
                f"pto.col_sum sums f16, f32, i16 or i32 tiles (a2a3 TCOLSUM), not {et}"
            )


class _ExpandMulOp(IRDLOperation):
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)"

    BROADCAST_AXIS: ClassVar[int]

    def __init__(self, lhs: SSAValue | Operation, rhs: SSAValue | Operation):
        super().__init__(operands=[lhs, rhs], result_types=[SSAValue.get(lhs).type])

    def verify_(self) -> None:
        lt, rt, ot = self.lhs.type, self.rhs.type, self.result.type
        ls, rs = _shape(lt), _shape(rt)
        if len(ls) != 2 or len(rs) != 2:
            raise VerifyException(f"{self.name} works on 2-d tiles")
        want = (ls[0], 1) if self.BROADCAST_AXIS == 1 else (1, ls[1])
        if rs != want:
            raise VerifyException(self._shape_error(ls, want, rs))
        if ot != lt or _elem(rt) != _elem(lt):
            raise VerifyException("operand and result types must agree")

    def _shape_error(
        self, ls: tuple[int, ...], want: tuple[int, ...], rs: tuple[int, ...]
    ) -> str:
        return f"{self.name} scales a {list(ls)} tile by a {list(want)} tile, not {list(rs)}"


@irdl_op_definition
class RowExpandMulOp(_ExpandMulOp):
    """Multiply every row by its own scalar: `[R, C] * [R, 1] -> [R, C]`."""

    name = "pto.row_expand_mul"
    BROADCAST_AXIS: ClassVar[int] = 1


@irdl_op_definition
class ColExpandMulOp(_ExpandMulOp):
    """Multiply every column by its own scalar: `[R, C] * [1, C] -> [R, C]`."""

    name = "pto.col_expand_mul"
    BROADCAST_AXIS: ClassVar[int] = 0


def _verify_mm(
    op: Operation, a: SSAValue, b: SSAValue, out: Attribute, a_trans: bool = False,
    b_trans: bool = False,
) -> None:
    sa, sb, so = _shape(a.type), _shape(b.type), _shape(out)
    if len(sa) != 2 or len(sb) != 2 or len(so) != 2:
        raise VerifyException(f"{op.name} works on 2-d tiles")
    if a_trans:
        sa = (sa[1], sa[0])
    if b_trans:
        sb = (sb[1], sb[0])
    if sa[1] != sb[0]:
        raise VerifyException(f"inner dimensions differ: [{sa[0]}, {sa[1]}] x [{sb[0]}, {sb[1]}]")
    if so != (sa[0], sb[1]):
        raise VerifyException(
            f"{op.name} of [{sa[0]}, {sa[1]}] x [{sb[0]}, {sb[1]}] gives "
            f"[{sa[0]}, {sb[1]}], not {list(so)}"
        )
    if _elem(a.type) != _elem(b.type):
        raise VerifyException(f"{op.name}: the two inputs have different element types")
    ea = _elem(a.type)
    if isinstance(ea, IntegerType):
        if ea.width.data != 8 or not (
            isinstance(_elem(out), IntegerType) and _elem(out).width.data == 32  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
        ):
            raise VerifyException(
                f"{op.name} multiplies integers as int8 x int8 -> int32; got {ea} inputs and "
                f"a {_elem(out)} result"
            )
    elif not isinstance(_elem(out), Float32Type):
        raise VerifyException(f"{op.name} accumulates in f32; its result must be f32")


@irdl_op_definition
class MatmulOp(IRDLOperation):
    """Matrix product on the cube unit, accumulated in fp32 (int32 for int8 inputs).

    ```
    %c = pto.matmul %a, %b : tensor<64x512xbf16>, tensor<512x64xbf16> -> tensor<64x64xf32>
    %d = pto.matmul %a, %w b_trans : tensor<64x512xbf16>, tensor<64x512xbf16> -> tensor<64x64xf32>
    %q = pto.matmul %x, %y : tensor<16x64xi8>, tensor<64x32xi8> -> tensor<16x32xi32>
    ```

    `a_trans` / `b_trans` take an operand transposed (the cube unit reads it so from
    L1; PyPTO `a_trans=` / `b_trans=`): the product is `op(a) x op(b)`. int8 x int8
    accumulates exactly in int32, wrapping on overflow (quantised projections).
    """

    name = "pto.matmul"

    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    a_trans = opt_prop_def(UnitAttr)
    b_trans = opt_prop_def(UnitAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = (
        "$lhs `,` $rhs (`a_trans` $a_trans^)? (`b_trans` $b_trans^)? attr-dict `:` type($lhs) "
        "`,` type($rhs) `->` type($result)"
    )

    def __init__(
        self,
        lhs: SSAValue | Operation,
        rhs: SSAValue | Operation,
        result_type: Attribute,
        a_trans: bool = False,
        b_trans: bool = False,
    ):
        super().__init__(
            operands=[lhs, rhs],
            result_types=[result_type],
            properties={
                "a_trans": UnitAttr() if a_trans else None,
                "b_trans": UnitAttr() if b_trans else None,
            },
        )

    def verify_(self) -> None:
        _verify_mm(
            self, self.lhs, self.rhs, self.result.type,
            self.a_trans is not None, self.b_trans is not None,
        )


@irdl_op_definition
class MatmulAccOp(IRDLOperation):
    """`acc + lhs x rhs` on the cube unit.

    `%d = pto.matmul_acc %c, %a, %b : tensor<64x64xf32>, tensor<64x512xbf16>, tensor<512x64xbf16>`
    """

    name = "pto.matmul_acc"

    acc = operand_def(TensorType)
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    a_trans = opt_prop_def(UnitAttr)
    b_trans = opt_prop_def(UnitAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = (
        "$acc `,` $lhs `,` $rhs (`a_trans` $a_trans^)? (`b_trans` $b_trans^)? attr-dict `:` "
        "type($acc) `,` type($lhs) `,` type($rhs) `->` type($result)"
    )

    def __init__(
        self,
        acc: SSAValue | Operation,
        lhs: SSAValue | Operation,
        rhs: SSAValue | Operation,
        a_trans: bool = False,
        b_trans: bool = False,
    ):
        super().__init__(
            operands=[acc, lhs, rhs],
            result_types=[SSAValue.get(acc).type],
            properties={
                "a_trans": UnitAttr() if a_trans else None,
                "b_trans": UnitAttr() if b_trans else None,
            },
        )

    def verify_(self) -> None:
        _verify_mm(
            self, self.lhs, self.rhs, self.result.type,
            self.a_trans is not None, self.b_trans is not None,
        )
        if self.acc.type != self.result.type:
            raise VerifyException("accumulator and result types differ")


@irdl_op_definition
class GatherOp(IRDLOperation):
    """Gather along the last axis: `out[..., j] = src[..., idx[..., j]]`.

    `%g = pto.gather %src, %idx : tensor<1x64xf32>, tensor<1x64xi32> -> tensor<1x64xf32>`
    """

    name = "pto.gather"

    source = operand_def(TensorType)
    index = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    assembly_format = (
        "$source `,` $index attr-dict `:` type($source) `,` type($index) `->` type($result)"
    )

    def __init__(self, source: SSAValue | Operation, index: SSAValue | Operation):
        st = SSAValue.get(source).type
        it = SSAValue.get(index).type
        super().__init__(operands=[source, index], result_types=[TensorType(_elem(st), _shape(it))])

    def verify_(self) -> None:
        ss, si, so = _shape(self.source.type), _shape(self.index.type), _shape(self.result.type)
        if not isinstance(_elem(self.index.type), IntegerType):
            raise VerifyException("indices must be an integer tile")
        if so != si:
            raise VerifyException(f"result shape {list(so)} must equal the index shape {list(si)}")
        if len(ss) != len(si) or ss[:-1] != si[:-1]:
            raise VerifyException(
                f"source {list(ss)} and indices {list(si)} must agree on all but the last axis"
            )
        if _elem(self.result.type) != _elem(self.source.type):
            raise VerifyException("result and source element types differ")


@irdl_op_definition
class ArangeOp(IRDLOperation):
    """`start, start + step, ...` along the last axis, the same in every row.

    `%i = pto.arange start 0 step 1 : tensor<1x64xi32>`
    """

    name = "pto.arange"

    # i64 IntegerAttrs, not IntAttr: the generic form must parse in upstream MLIR
    start_attr = prop_def(IntegerAttr, prop_name="start")
    step_attr = prop_def(IntegerAttr, prop_name="step")
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(self, start: int, step: int, result_type: Attribute):
        super().__init__(
            properties={"start": IntegerAttr(start, 64), "step": IntegerAttr(step, 64)},
            result_types=[result_type],
        )

    @property
    def start(self) -> IntAttr:
        return self.start_attr.value

    @property
    def step(self) -> IntAttr:
        return self.step_attr.value

    def verify_(self) -> None:
        if not isinstance(_elem(self.result.type), IntegerType):
            raise VerifyException("pto.arange makes an integer tile; cast it for floats")
        _check_tile_fits(self, self.result.type, "result tile")

    def print(self, printer: Printer) -> None:
        printer.print_string(f" start {self.start.data} step {self.step.data}")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> ArangeOp:
        parser.parse_keyword("start")
        start = parser.parse_integer(allow_boolean=False)
        parser.parse_keyword("step")
        step = parser.parse_integer(allow_boolean=False)
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        op = cls(start, step, parser.parse_type())
        op.attributes |= attrs
        return op


@irdl_op_definition
class CastOp(IRDLOperation):
    """Convert a tile's element type, with an explicit rounding mode.

    `%h = pto.cast %x round "rint" : tensor<1x512xf32> -> tensor<1x512xbf16>`

    `rint` is round-to-nearest-even; `trunc`, `floor`, `ceil`, `round` (half away from
    zero) as in CANN. Without a mode: exact (or nearest-even) conversion.
    """

    name = "pto.cast"

    input = operand_def(TensorType)
    round = opt_prop_def(RoundingModeAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure())

    def __init__(
        self,
        input: SSAValue | Operation,
        result_type: Attribute,
        round: str | RoundingMode | None = None,
    ):
        super().__init__(
            operands=[input],
            result_types=[result_type],
            properties={
                "round": (
                    RoundingModeAttr(to_enum(RoundingMode, round, "pto.cast rounding"))  # pyright: ignore[reportArgumentType]
                    if round is not None else None
                )
            },
        )

    @property
    def mode(self) -> str | None:
        """The rounding mode's name, or None."""
        return None if self.round is None else self.round.data.value

    def verify_(self) -> None:
        if _shape(self.input.type) != _shape(self.result.type):
            raise VerifyException(
                f"pto.cast changes the element type only: {self.input.type} -> {self.result.type}"
            )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_ssa_value(self.input)
        if self.round is not None:
            printer.print_string(" round ")
            printer.print_string_literal(self.round.data.value)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.input.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> CastOp:
        x = parser.parse_unresolved_operand()
        mode = None
        if parser.parse_optional_keyword("round"):
            mode = _parse_enum(parser, RoundingMode, "pto.cast rounding", quoted=True)
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        it = parser.parse_type()
        parser.parse_punctuation("->")
        rt = parser.parse_type()
        op = cls(parser.resolve_operand(x, it), rt, mode)
        op.attributes |= attrs
        return op


# --------------------------------------------------------------------------- mixed tasks


def _enclosing_spmd(op: Operation) -> SpmdOp | None:
    p = op.parent_op()
    while p is not None and not isinstance(p, SpmdOp):
        p = p.parent_op()
    return p


def _section_of(v: SSAValue) -> SectionOp | None:
    """The section that defines `v` (as a result, or inside its body), if any."""
    owner = v.owner
    return _section_around(owner if isinstance(owner, Operation) else owner.parent_op())


def _section_around(op: Operation | None) -> SectionOp | None:
    """`op` itself if it is a section, else the innermost section around it, if any."""
    while op is not None:
        if isinstance(op, SectionOp):
            return op
        op = op.parent_op()
    return None


@irdl_op_definition
class SectionOp(IRDLOperation):
    """One side of a mixed task: the ops its cube core (`cube`) or its vector cores
    (`vector`) run.

    ```
    pto.spmd %t = 0 to 24 core mix {
      %c = pto.section cube -> (tensor<64x64xf32>) { ... pto.yield %mm : tensor<64x64xf32> }
      %v = pto.handoff %c from cube to vector : tensor<64x64xf32>
      pto.section vector { ... uses %v ... }
    }
    ```

    PyPTO writes the two sides of a mixed kernel as one function whose cube part and
    vector part (`pl.split_aiv`) the compiler separates; no upstream op names the unit an
    op runs on, hence a pto op. A section runs once per task, in program order; its
    results are visible after it, but a tile made on one side reaches the other only
    through `pto.handoff` (the verifier checks this), so that the transfer and its cost
    are explicit. Scalar index math may stay outside sections (every side has a scalar
    unit and computes it).
    """

    name = "pto.section"

    side = prop_def(SideAttr)
    res = var_result_def()
    body = region_def("single_block")

    traits = traits_def(SingleBlockImplicitTerminator(YieldOp), RecursiveMemoryEffect())

    def __init__(
        self,
        side: str | Side,
        body: Region | Block,
        result_types: Sequence[Attribute] = (),
    ):
        if isinstance(body, Block):
            body = Region(body)
        super().__init__(
            result_types=[list(result_types)],
            properties={"side": SideAttr(to_enum(Side, side, "pto.section side"))},  # pyright: ignore[reportArgumentType]
            regions=[body],
        )

    @property
    def side_name(self) -> str:
        return self.side.data.value

    def verify_(self) -> None:
        spmd = _enclosing_spmd(self)
        if spmd is None or spmd.core is None or spmd.core.data != CoreKind.MIX:
            raise VerifyException(
                "pto.section belongs in a mixed task: a pto.spmd with `core mix`"
            )
        p = self.parent_op()
        while p is not spmd and p is not None:
            if isinstance(p, SectionOp):
                raise VerifyException("pto.section cannot be nested in another pto.section")
            p = p.parent_op()
        block = self.body.block
        if block.args:
            raise VerifyException("the body of pto.section takes no arguments")
        term = block.last_op
        vals = list(term.values) if isinstance(term, YieldOp) else []
        if [v.type for v in vals] != [r.type for r in self.res]:
            raise VerifyException(
                f"pto.section has results ({', '.join(str(r.type) for r in self.res)}) but "
                f"its pto.yield gives ({', '.join(str(v.type) for v in vals)})"
            )
        mine = self.side.data
        for op in self.body.walk():
            for i, v in enumerate(op.operands):
                if not isinstance(v.type, TensorType):
                    continue
                owner = v.owner
                if isinstance(owner, HandoffOp) and owner.dest.data != mine:
                    raise VerifyException(
                        f"operand #{i} of {op.name} was handed to the {owner.dest.data.value} "
                        f"side, not to this {mine.value} section"
                    )
                other = _section_of(v)
                if other is not None and other is not self and other.side.data != mine:
                    raise VerifyException(
                        f"operand #{i} of {op.name} is a tile made on the {other.side_name} "
                        f"side; the {mine.value} side gets it only through pto.handoff"
                    )

    def print(self, printer: Printer) -> None:
        printer.print_string(f" {self.side_name}")
        if self.res:
            printer.print_string(" -> (")
            printer.print_list((r.type for r in self.res), printer.print_attribute)
            printer.print_string(")")
        _print_body(printer, self.body, bool(self.res))
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> SectionOp:
        side = _parse_enum(parser, Side, "pto.section side")
        types: list[Attribute] = []
        if parser.parse_optional_punctuation("->"):
            types = parser.parse_comma_separated_list(
                Parser.Delimiter.PAREN, parser.parse_attribute
            )
        body = parser.parse_region(())
        op = cls(side, body, types)
        _finish_parse(op, parser)
        return op


@irdl_op_definition
class HandoffOp(IRDLOperation):
    """Hand a tile from one side of a mixed task to the other.

    `%v = pto.handoff %c from cube to vector : tensor<64x64xf32>`

    On a2a3 the cube core's results reach its vector cores through global memory or
    the cluster's shared buffers, with a synchronisation between the two sides: a
    dependence with a cost, which no upstream op expresses. The result is a copy of the
    operand on the receiving side; the operand must be a tile made on the `from` side
    (a result of a `from` section, or a value defined in one).
    """

    name = "pto.handoff"

    _T: ClassVar = VarConstraint("_T", base(TensorType))
    input = operand_def(_T)
    source = prop_def(SideAttr, prop_name="from")
    dest = prop_def(SideAttr, prop_name="to")
    result = result_def(_T)

    assembly_format = "$input `from` $from `to` $to attr-dict `:` type($input)"

    def __init__(self, input: SSAValue | Operation, source: str | Side, dest: str | Side):
        super().__init__(
            operands=[input],
            result_types=[SSAValue.get(input).type],
            properties={
                "from": SideAttr(to_enum(Side, source, "pto.handoff side")),  # pyright: ignore[reportArgumentType]
                "to": SideAttr(to_enum(Side, dest, "pto.handoff side")),  # pyright: ignore[reportArgumentType]
            },
        )

    def verify_(self) -> None:
        if self.source.data == self.dest.data:
            raise VerifyException(
                f"pto.handoff hands a tile from one side to the other, not from "
                f"{self.source.data.value} to {self.dest.data.value}"
            )
        if self.result.type != self.input.type:
            raise VerifyException("pto.handoff result and operand types differ")
        spmd = _enclosing_spmd(self)
        if spmd is None or spmd.core is None or spmd.core.data != CoreKind.MIX:
            raise VerifyException("pto.handoff belongs in a mixed task: a pto.spmd with `core mix`")
        if _section_around(self.parent_op()) is not None:
            raise VerifyException(
                "pto.handoff sits between sections, not inside a pto.section"
            )
        made = _section_of(self.input)
        if made is None or made.side.data != self.source.data:
            where = "outside every section" if made is None else f"on the {made.side_name} side"
            raise VerifyException(
                f"pto.handoff from {self.source.data.value} needs a tile made on that side, "
                f"but its operand is made {where}"
            )
        _check_tile_fits(self, self.input.type, "handed-off tile")


CORE_OPS: tuple[type[IRDLOperation], ...] = (
    SpmdOp,
    UnrollOp,
    RangeOp,
    YieldOp,
    LoadOp,
    StoreOp,
    ReadOp,
    RowSumOp,
    RowMaxOp,
    ColMaxOp,
    RowMinOp,
    ColMinOp,
    ColSumOp,
    RowExpandMulOp,
    ColExpandMulOp,
    MatmulOp,
    MatmulAccOp,
    GatherOp,
    ArangeOp,
    CastOp,
    SectionOp,
    HandoffOp,
)
"""The ops of this module; `ptoc.dialects.PTO` adds those of `ptoc.dialects.pto_tiles`."""

CORE_ATTRS = (CoreKindAttr, RoundingModeAttr, SideAttr, AtomicKindAttr)

__all__ = [
    "CORE_ATTRS",
    "CORE_OPS",
    "ArangeOp",
    "AtomicKind",
    "AtomicKindAttr",
    "CastOp",
    "ColExpandMulOp",
    "ColMaxOp",
    "ColMinOp",
    "ColSumOp",
    "CoreKind",
    "CoreKindAttr",
    "GatherOp",
    "HandoffOp",
    "LoadOp",
    "MatmulAccOp",
    "MatmulOp",
    "RangeOp",
    "ReadOp",
    "RoundingMode",
    "RoundingModeAttr",
    "RowExpandMulOp",
    "RowMaxOp",
    "RowMinOp",
    "RowSumOp",
    "SectionOp",
    "Side",
    "SideAttr",
    "SpmdOp",
    "StoreOp",
    "UnrollOp",
    "YieldOp",
    "element_bytes",
    "tile_bytes",
]
