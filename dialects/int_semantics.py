"""The one meaning of scalar integer and `index` arithmetic in ptoc.

Every `arith` integer op on a scalar is two's complement arithmetic on the bits of its
type: `iN` has N bits, `index` has 64 (the index width of the a2a3 target and of
MLIR's default data layout). The interpreter runs these functions, and the folders of
ptoc's passes fold with them, so a kernel means the same before and after a rewrite.

Values are held as Python ints in the signed range of their type (`i1` as 0 / 1); the
`*ui` ops read their operands as unsigned bit patterns. Results that MLIR leaves
undefined by a trap (division by zero, the signed division overflow `INT_MIN / -1`)
raise `UndefinedArith`: the interpreter reports it as an error of the op, and a
folder leaves the op alone. A shift by at least the bit width (poison in MLIR) is
given one value: `shli` / `shrui` give 0, `shrsi` fills with the sign bit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from xdsl.dialects.builtin import IndexType, IntegerType
from xdsl.ir import Attribute

INDEX_WIDTH = 64
"""Bits of an `index` value."""


class UndefinedArith(ArithmeticError):
    """An integer op whose result MLIR leaves undefined (the message says why)."""


def width(t: Attribute) -> int | None:
    """Bits of a scalar integer or `index` type, None for any other type."""
    if isinstance(t, IndexType):
        return INDEX_WIDTH
    if isinstance(t, IntegerType):
        return t.width.data
    return None


def wrap(v: int, bits: int) -> int:
    """`v` modulo 2^bits, in the signed range of `bits` bits (0 / 1 for i1)."""
    if bits == 1:
        return v & 1
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def signed(v: int, bits: int) -> int:
    """The signed value of a held value (i1 true is -1)."""
    return -(v & 1) if bits == 1 else wrap(v, bits)


def unsigned(v: int, bits: int) -> int:
    """The unsigned value of a held value."""
    return v & ((1 << bits) - 1)


def in_range(v: int, bits: int) -> bool:
    """Whether `v` is already a held value of a `bits`-bit type."""
    return wrap(v, bits) == v


def _nonzero(b: int) -> int:
    if b == 0:
        raise UndefinedArith("division by zero")
    return b


def _tdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def _no_overflow(a: int, b: int, bits: int) -> None:
    if b == -1 and a == -(1 << (bits - 1)) and bits > 1:
        raise UndefinedArith(f"signed division overflow ({a} / -1 does not fit {bits} bits)")


def _shift(b: int, bits: int) -> int:
    """The shift amount, at most `bits` (every larger amount shifts all bits out)."""
    return min(unsigned(b, bits), bits)


def _signed_div(f: Callable[[int, int], int], bits: int) -> Callable[[int, int], int]:
    def op(a: int, b: int) -> int:
        x, y = signed(a, bits), signed(_nonzero(b), bits)
        _no_overflow(x, y, bits)
        return wrap(f(x, y), bits)

    return op


def _unsigned_div(f: Callable[[int, int], int], bits: int) -> Callable[[int, int], int]:
    def op(a: int, b: int) -> int:
        return wrap(f(unsigned(a, bits), unsigned(_nonzero(b), bits)), bits)

    return op


def _remsi(a: int, b: int) -> int:
    r = abs(a) % abs(b)
    return -r if a < 0 else r


@functools.lru_cache(maxsize=None)
def binary_op(name: str, bits: int) -> Callable[[int, int], int] | None:
    """The function of the `arith` binary op `name` (short, e.g. `"divui"`) on
    `bits`-bit values, or None when `name` is not an integer binary op."""
    s, u, w = (lambda v: signed(v, bits)), (lambda v: unsigned(v, bits)), (lambda v: wrap(v, bits))
    table: dict[str, Callable[[int, int], int]] = {
        "addi": lambda a, b: w(a + b),
        "subi": lambda a, b: w(a - b),
        "muli": lambda a, b: w(a * b),
        "divsi": _signed_div(_tdiv, bits),
        "floordivsi": _signed_div(lambda a, b: a // b, bits),
        "ceildivsi": _signed_div(lambda a, b: -((-a) // b), bits),
        "remsi": lambda a, b: w(_remsi(s(a), s(_nonzero(b)))),
        "divui": _unsigned_div(lambda a, b: a // b, bits),
        "ceildivui": _unsigned_div(lambda a, b: -((-a) // b), bits),
        "remui": _unsigned_div(lambda a, b: a % b, bits),
        "andi": lambda a, b: w(a & b),
        "ori": lambda a, b: w(a | b),
        "xori": lambda a, b: w(a ^ b),
        "shli": lambda a, b: w(u(a) << _shift(b, bits)),
        "shrui": lambda a, b: w(u(a) >> _shift(b, bits)),
        "shrsi": lambda a, b: w(s(a) >> _shift(b, bits)),
        "maxsi": lambda a, b: w(max(s(a), s(b))),
        "minsi": lambda a, b: w(min(s(a), s(b))),
        "maxui": lambda a, b: w(max(u(a), u(b))),
        "minui": lambda a, b: w(min(u(a), u(b))),
    }
    return table.get(name)


BINARY_OPS = (
    "addi", "subi", "muli", "divsi", "floordivsi", "ceildivsi", "remsi", "divui",
    "ceildivui", "remui", "andi", "ori", "xori", "shli", "shrui", "shrsi", "maxsi",
    "minsi", "maxui", "minui",
)  # fmt: skip


def fold_binary(name: str, a: int, b: int, bits: int) -> int | None:
    """The folded value of `arith.<name> a, b` on `bits` bits, or None when it is
    undefined (a folder then leaves the op) or `name` is not an integer binary op."""
    fn = binary_op(name, bits)
    if fn is None:
        return None
    try:
        return fn(wrap(a, bits), wrap(b, bits))
    except UndefinedArith:
        return None


__all__ = [
    "BINARY_OPS",
    "INDEX_WIDTH",
    "UndefinedArith",
    "binary_op",
    "fold_binary",
    "in_range",
    "signed",
    "unsigned",
    "width",
    "wrap",
]
