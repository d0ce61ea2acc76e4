"""One integer semantics (`ptoc.dialects.int_semantics`): 64-bit two's complement for
`index`, the same in the interpreter and in the folders of `pto-unroll-expand`.

Each op is checked on negative and overflowing values against numpy's 64-bit integer
arithmetic (an independent reference); then the interpreter and the folder are run on
the same values and must agree with it (issue 12, finding 4: `shli`, `divui`,
`ceildivui`, `shrui` on a negative index gave values of 2^64 or more in the
interpreter, and unroll-expand materialised the constant 2^64).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ptoc
from ptoc.backend.interpreter import InterpreterError, compile_module
from ptoc.dialects import int_semantics as isem
from ptoc.passes.unroll_expand import simplify_index_arith

MIN, MAX = -(2**63), 2**63 - 1
U = np.uint64
I = np.int64


def _u(x: int) -> np.uint64:
    return U(x & (2**64 - 1))


def _s(x: np.uint64 | np.int64) -> int:
    return int(np.asarray(x).astype(U).view(I))


def _tdiv(a: int, b: int) -> int:
    # numpy's int64 floor_divide, corrected toward zero
    q = int(np.floor_divide(I(a), I(b)))
    if q < 0 and q * b != a:
        q += 1
    return q


REF: dict[str, Callable[[int, int], int | None]] = {
    "addi": lambda a, b: _s(I(a) + I(b)),
    "subi": lambda a, b: _s(I(a) - I(b)),
    "muli": lambda a, b: _s(I(a) * I(b)),
    "divsi": lambda a, b: None if b == 0 or (a, b) == (MIN, -1) else _tdiv(a, b),
    "floordivsi": lambda a, b: None
    if b == 0 or (a, b) == (MIN, -1)
    else int(np.floor_divide(I(a), I(b))),
    "ceildivsi": lambda a, b: None
    if b == 0 or (a, b) == (MIN, -1)
    else -int(np.floor_divide(-I(a), I(b)))
    if a != MIN
    else _ceil_min(b),
    "remsi": lambda a, b: None if b == 0 else 0 if b == -1 else int(np.fmod(I(a), I(b))),
    "divui": lambda a, b: None if b == 0 else _s(_u(a) // _u(b)),
    "ceildivui": lambda a, b: None
    if b == 0
    else _s(_u(a) // _u(b) + (U(1) if _u(a) % _u(b) else U(0))),
    "remui": lambda a, b: None if b == 0 else _s(_u(a) % _u(b)),
    "andi": lambda a, b: _s(_u(a) & _u(b)),
    "ori": lambda a, b: _s(_u(a) | _u(b)),
    "xori": lambda a, b: _s(_u(a) ^ _u(b)),
    # a shift by >= 64 (poison in MLIR) shifts every bit out
    "shli": lambda a, b: 0 if not 0 <= b < 64 else _s(np.left_shift(_u(a), U(b))),
    "shrui": lambda a, b: 0 if not 0 <= b < 64 else _s(np.right_shift(_u(a), U(b))),
    "shrsi": lambda a, b: (-1 if a < 0 else 0)
    if not 0 <= b < 64
    else int(np.right_shift(I(a), I(b))),
    "maxsi": lambda a, b: int(np.maximum(I(a), I(b))),
    "minsi": lambda a, b: int(np.minimum(I(a), I(b))),
    "maxui": lambda a, b: _s(np.maximum(_u(a), _u(b))),
    "minui": lambda a, b: _s(np.minimum(_u(a), _u(b))),
}


def _ceil_min(b: int) -> int:
    # ceil(MIN / b) without negating MIN in 64 bits
    q = MIN // b
    return q + 1 if q * b != MIN else q


CASES = [
    (-1, 1), (-1, 3), (-8, 2), (-7, 2), (7, -2), (MIN, 1), (MIN, -1), (MIN, 2), (MAX, 2),
    (MAX, MAX), (MAX, 1), (-1, 63), (1, 63), (-5, 0), (5, 64), (-1, -1), (MIN, MIN),
    (3, -3), (-(2**40), 2**30), (2**62, 4),
]  # fmt: skip


def _expected(name: str, a: int, b: int) -> int | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return REF[name](a, b)


@pytest.mark.parametrize("name", isem.BINARY_OPS)
def test_each_op_on_negative_and_overflowing_index_values(name: str) -> None:
    fn = isem.binary_op(name, 64)
    assert fn is not None
    for a, b in CASES:
        want = _expected(name, a, b)
        if want is None:
            with pytest.raises(isem.UndefinedArith):
                fn(a, b)
            assert isem.fold_binary(name, a, b, 64) is None
        else:
            got = fn(a, b)
            assert got == want, (name, a, b)
            assert MIN <= got <= MAX
            assert isem.fold_binary(name, a, b, 64) == want


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(isem.BINARY_OPS),
    a=st.integers(MIN, MAX),
    b=st.one_of(st.integers(MIN, MAX), st.integers(-70, 70)),
)
def test_ops_match_numpy_int64(name: str, a: int, b: int) -> None:
    want = _expected(name, a, b)
    assert isem.fold_binary(name, a, b, 64) == want


def test_narrow_types_wrap_too() -> None:
    assert isem.fold_binary("addi", 127, 1, 8) == -128
    assert isem.fold_binary("divui", -1, 2, 8) == 127
    assert isem.fold_binary("shli", 1, 7, 8) == -128
    assert isem.fold_binary("shli", 1, 8, 8) == 0
    assert isem.fold_binary("shrsi", -128, 9, 8) == -1
    assert isem.fold_binary("ori", 1, 0, 1) == 1


# --------------------------------------------------------------------------- one meaning

KERNEL = """
func.func @k(%v: memref<2xi64>, %o: memref<1x1xi64>) {{
  pto.spmd %t = 0 to 1 {{
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    {operands}
    %r = arith.{name} %a, %b : index
    %ri = arith.index_cast %r : index to i64
    %s = tensor.splat %ri : tensor<1x1xi64>
    pto.store %s, %o[%c0, %c0] : tensor<1x1xi64>, memref<1x1xi64>
  }}
  func.return
}}
"""

FROM_MEMORY = """%ai = pto.read %v[%c0] : memref<2xi64> -> i64
    %bi = pto.read %v[%c1] : memref<2xi64> -> i64
    %a = arith.index_cast %ai : i64 to index
    %b = arith.index_cast %bi : i64 to index"""

CONSTANTS = """%a = arith.constant {a} : index
    %b = arith.constant {b} : index"""


def _run(text: str, a: int, b: int) -> int:
    prog = compile_module(ptoc.parse(text, "t.mlir"))
    out = prog.run({"v": np.array([a, b], dtype=np.int64), "o": np.zeros((1, 1), np.int64)})
    return int(np.asarray(out.outputs["o"]).reshape(-1)[0])


def _folded(name: str, a: int, b: int) -> str:
    text = KERNEL.format(name=name, operands=CONSTANTS.format(a=a, b=b))
    module = ptoc.parse(text, "t.mlir")
    spmd = next(op for op in module.walk() if op.name == "pto.spmd")
    simplify_index_arith(ptoc.context(), spmd.regions[0])
    module.verify()
    return str(module)


@pytest.mark.parametrize("name", isem.BINARY_OPS)
def test_interpreter_and_folder_agree_with_the_semantics(name: str) -> None:
    for a, b in CASES:
        want = _expected(name, a, b)
        text = KERNEL.format(name=name, operands=FROM_MEMORY)
        folded = _folded(name, a, b)
        if want is None:
            with pytest.raises(InterpreterError):
                _run(text, a, b)
            assert f"arith.{name}" in folded  # an undefined op is not folded away
            continue
        assert _run(text, a, b) == want, (name, a, b)
        assert f"arith.{name}" not in folded, (name, a, b)
        assert f"arith.constant {want} : index" in folded, (name, a, b, folded)
