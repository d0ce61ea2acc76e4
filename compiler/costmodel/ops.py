"""Per-op costs: which pipe an executed op uses, and for how many cycles.

Every number comes from the `Machine`. An op costs `occupancy` cycles of its pipe (the
pipe takes its next instruction after that) and its result is ready `latency` cycles
after it starts (latency >= occupancy: a GM->UB copy holds MTE2 only for its issue and
transfer, its global-memory read latency overlaps with the next copy).

Pipes (a2a3-machine.md, Vector unit): MTE2 (GM -> UB / L1), V (vector), MTE3 (UB -> GM),
S (scalar), M (cube: L1 -> L0 moves and MMAD), FIXPIPE (L0C -> GM drain).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ptoc.backend.record import OpEvent
from ptoc.costmodel.machine import Machine

Pipe = Literal["MTE2", "V", "MTE3", "S", "M", "FIXPIPE"]
PIPES: tuple[Pipe, ...] = ("S", "MTE2", "V", "M", "MTE3", "FIXPIPE")

# which fixed-latency class (a key of Machine.vector_latency) a vector op is charged as
_VECTOR_CLASS: dict[str, str] = {
    "arith.addf": "add",
    "arith.subf": "add",
    "arith.negf": "add",
    "arith.addi": "add",
    "arith.subi": "add",
    "arith.mulf": "mul",
    "arith.muli": "mul",
    "pto.row_expand_mul": "mul",
    "pto.col_expand_mul": "mul",
    "arith.divf": "div",
    "arith.divsi": "div",
    "arith.divui": "div",
    "math.exp": "exp",
    "math.exp2": "exp",
    "math.sqrt": "sqrt",
    "math.rsqrt": "sqrt",
    "pto.reciprocal": "reciprocal",
    "pto.row_sum": "row_sum",
    "pto.row_max": "row_max",
    "arith.maximumf": "maximum",
    "arith.minimumf": "maximum",
    "arith.maxnumf": "maximum",
    "arith.minnumf": "maximum",
    "arith.maxsi": "maximum",
    "arith.minsi": "maximum",
}

_DTYPE_BYTES = {
    "float32": 4,
    "float16": 2,
    "bfloat16": 2,
    "int32": 4,
    "int16": 2,
    "int8": 1,
    "uint8": 1,
    "int64": 8,
    "float64": 8,
    "bool": 1,
}


def dtype_bytes(dtype: str, default: int = 4) -> int:
    return _DTYPE_BYTES.get(dtype, default)


def vector_class(op: str) -> str:
    """The latency class a vector op is charged as ('other' when a2a3-machine.md lists none)."""
    return _VECTOR_CLASS.get(op, "other")


@dataclass(frozen=True, slots=True)
class OpCost:
    pipe: Pipe
    occupancy: float
    """Cycles the pipe is held."""
    latency: float
    """Cycles from start until the result (or the moved data) is complete."""
    instructions: int = 1


def vector_cost(op: str, nbytes: int, m: Machine) -> OpCost:
    """A vector op over `nbytes` bytes: fixed latency + cycles per 256 B repeat, split
    into instructions of at most `vector_max_repeats` repeats (each pays the latency)."""
    repeats = max(1, math.ceil(nbytes / m.vector_repeat_bytes))
    instructions = math.ceil(repeats / m.vector_max_repeats)
    cycles = instructions * m.latency(vector_class(op)) + m.vector_cycles_per_repeat * repeats
    return OpCost("V", cycles, cycles, instructions)


def load_cost(nbytes: int, m: Machine) -> OpCost:
    """GM -> UB (or L1) copy on MTE2: issue + bytes / bandwidth hold the pipe; the global
    memory read latency only delays the data."""
    transfer = nbytes / m.gm_read_bytes_per_cycle
    busy = m.gm_to_ub_issue_cycles + transfer
    return OpCost("MTE2", busy, busy + m.gm_read_latency_cycles)


def store_cost(nbytes: int, m: Machine) -> OpCost:
    """UB -> GM copy on MTE3: fixed cost + bytes / bandwidth."""
    cycles = m.ub_to_gm_fixed_cycles + nbytes / m.ub_to_gm_bytes_per_cycle
    return OpCost("MTE3", cycles, cycles)


def fixpipe_cost(nbytes: int, rows: int, m: Machine) -> OpCost:
    """L0C -> GM drain of a cube result on FIXPIPE: fixed + max(bytes / rate, per-row floor)."""
    cycles = m.fixpipe_fixed_cycles + max(
        nbytes / m.fixpipe_bytes_per_cycle, rows * m.fixpipe_row_cycles
    )
    return OpCost("FIXPIPE", cycles, cycles)


def matmul_cost(
    mdim: int, ndim: int, kdim: int, in_bytes: int, out_dtype: str, m: Machine
) -> OpCost:
    """One cube op [M, K] x [K, N]: L1 -> L0A and L1 -> L0B moves at their rates, then the
    MMAD over 16x16x16 fractals plus the mad head per K block; fp32 accumulation takes
    `fp32_mmad_passes` passes."""
    f = m.cube_fractal
    kb = max(1, math.ceil(kdim / f))
    l0a = mdim * kdim * in_bytes / m.l1_to_l0a_bytes_per_cycle
    l0b = kdim * ndim * in_bytes / m.l1_to_l0b_bytes_per_cycle
    passes = m.fp32_mmad_passes if out_dtype == "float32" else 1
    mad = (
        math.ceil(mdim / f) * math.ceil(ndim / f) * kb * passes + m.mad_head_cycles_per_k_block * kb
    )
    cycles = l0a + l0b + mad
    return OpCost("M", cycles, cycles)


def op_cost(
    e: OpEvent,
    m: Machine,
    operand_bytes: Sequence[int] = (),
    operand_dtypes: Sequence[str] = (),
    from_cube: bool = False,
) -> OpCost:
    """The cost of one executed op.

    `operand_bytes` / `operand_dtypes` describe the tiles it reads (the task schedule
    knows them from the events that wrote those buffers); `from_cube` says that a store's
    tile is a cube result in L0C (it then drains through FIXPIPE, not MTE3).
    """
    kind = e.kind
    if kind == "scalar":
        return OpCost("S", m.scalar_arith_cycles, m.scalar_arith_cycles)
    if kind == "read":
        return OpCost("S", m.scalar_read_cycles, m.scalar_read_cycles)
    if kind == "load":
        return load_cost(e.nbytes, m)
    if kind == "store":
        if from_cube:
            rows = e.shape[0] if len(e.shape) >= 2 else 1
            return fixpipe_cost(e.nbytes, rows, m)
        return store_cost(e.nbytes, m)
    if kind == "vector":
        work = max([e.nbytes, *operand_bytes])
        return vector_cost(e.op, work, m)
    if kind == "matmul":
        mdim = e.shape[0] if len(e.shape) >= 1 else 1
        ndim = e.shape[1] if len(e.shape) >= 2 else 1
        # the inputs' element size (a matmul_acc's fp32 accumulator is not an input)
        in_bytes = min((dtype_bytes(d, 2) for d in operand_dtypes), default=2)
        return matmul_cost(mdim, ndim, max(e.k, 1), in_bytes, e.dtype, m)
    raise ValueError(f"execution record: unknown event kind '{kind}' (op {e.op})")
