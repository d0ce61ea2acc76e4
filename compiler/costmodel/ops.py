"""Per-op costs: which pipe an executed op uses, and for how many cycles.

Every number comes from the `Machine`. An op costs `occupancy` cycles of its pipe (the
pipe takes its next instruction after that) and its result is ready `latency` cycles
after it starts (latency >= occupancy: a GM->UB copy holds MTE2 only for its issue and
transfer, its global-memory read latency overlaps with the next copy).

Pipes (CANN Ascend C guide, compute units): MTE2 (GM -> UB / L1), V (vector), MTE3
(UB -> GM), S (scalar), M (cube: L1 -> L0 moves and MMAD), FIXPIPE (L0C -> GM drain).

Mechanisms priced here (each number is a `Machine` field, see compiler/machines/a2a3.toml):

- vector ops: fixed latency + cycles per 256 B repeat, over the tile as UB holds it (every
  row padded to whole 32 B blocks), split at 255 repeats; the bytes, not the element
  count, set the repeats (a repeat is 64 fp32 or 128 bf16 elements);
- an insert into a tile (`tensor.insert_slice`, PyPTO's assemble): a move of the window;
- compare / select / cast: their own latency class; gather: per 32 B block of its result;
  sort: one pass (sort32 or one merge) per event, per `sort_repeat_elements` pairs;
- DMA: a copy of `rows` bursts (one per GM row of a strided tile) pays `dma_burst_cycles`
  per extra burst and moves whole 32 B blocks per burst;
- scalar GM reads: a hit or a miss of the scalar data cache (task.py decides which);
- handoff: a tile passed between the cube and vector sides of a mixed task.
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
    "arith.cmpf": "compare",
    "arith.cmpi": "compare",
    "arith.select": "select",
    "pto.cast": "cast",
    "pto.gather": "gather",
    "pto.row_min": "row_max",
    "pto.col_min": "row_max",
    "pto.col_sum": "row_sum",
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
    """The latency class a vector op is charged as ('other' when no source lists one)."""
    cls = _VECTOR_CLASS.get(op)
    if cls is not None:
        return cls
    for key, c in _CLASS_BY_NAME:
        if key in op:
            return c
    return "other"


_CLASS_BY_NAME: tuple[tuple[str, str], ...] = (
    ("gather", "gather"),
    ("sort", "sort"),
    ("cmp", "compare"),
    ("compare", "compare"),
    ("select", "select"),
    ("cast", "cast"),
    ("ext", "cast"),
    ("trunc", "cast"),
    ("tofp", "cast"),
    ("toi", "cast"),
    ("row_min", "row_max"),
    ("col_sum", "row_sum"),
    ("col_max", "row_max"),
    ("expand", "mul"),
)


def padded_bytes(shape: Sequence[int], dtype: str, m: Machine) -> int:
    """Bytes a tile occupies in UB: every row (last dimension) in whole 32 B blocks."""
    if not shape:
        return dtype_bytes(dtype)
    rows = 1
    for d in shape[:-1]:
        rows *= d
    row = shape[-1] * dtype_bytes(dtype)
    blk = m.ub_block_bytes
    return rows * (-(-row // blk) * blk)


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
    cls = vector_class(op)
    repeats = max(1, math.ceil(nbytes / m.vector_repeat_bytes))
    instructions = math.ceil(repeats / m.vector_max_repeats)
    per_repeat: float = m.vector_cycles_per_repeat
    work: float = per_repeat * repeats
    if cls == "gather":
        work = m.gather_block_cycles * max(1, math.ceil(nbytes / m.ub_block_bytes))
    cycles = instructions * m.latency(cls) + work
    return OpCost("V", cycles, cycles, instructions)


def sort_cost(nbytes: int, m: Machine) -> OpCost:
    """One sort pass (`pto.sort32` over groups of 32, or one `pto.mrgsort` merge) over a
    result of `nbytes` bytes of (value, index) pairs: the sort latency plus
    `sort_cycles_per_repeat` per `sort_repeat_elements` pairs (PyPTO composes a full sort
    from such passes, so each event is one pass)."""
    pairs = max(1, nbytes // 8)
    repeats = max(1, math.ceil(pairs / max(1, m.sort_repeat_elements)))
    cycles = m.latency("sort") + m.sort_cycles_per_repeat * repeats
    return OpCost("V", cycles, cycles, 1)


def _bursts(e: OpEvent, m: Machine) -> tuple[int, float]:
    """(bursts, bytes moved) of a DMA: each burst is a whole number of 32 B blocks."""
    rows = e.rows if e.rows > 0 else 1
    row_bytes = e.row_bytes if e.row_bytes > 0 else max(1, e.nbytes // rows)
    blk = m.dma_block_bytes
    return rows, float(rows * (-(-row_bytes // blk) * blk))


def load_cost(nbytes: int, m: Machine, bursts: int = 1) -> OpCost:
    """GM -> UB (or L1) copy on MTE2: issue + bytes / bandwidth + per-burst cost hold the
    pipe; the global memory read latency only delays the data."""
    transfer = nbytes / m.gm_read_bytes_per_cycle
    busy = m.gm_to_ub_issue_cycles + transfer + (bursts - 1) * m.dma_burst_cycles
    return OpCost("MTE2", busy, busy + m.gm_read_latency_cycles)


def store_cost(nbytes: int, m: Machine, bursts: int = 1) -> OpCost:
    """UB -> GM copy on MTE3: fixed cost + bytes / bandwidth + per-burst cost."""
    cycles = (
        m.ub_to_gm_fixed_cycles
        + nbytes / m.ub_to_gm_bytes_per_cycle
        + (bursts - 1) * m.dma_burst_cycles
    )
    return OpCost("MTE3", cycles, cycles)


def atomic_add_cost(plain: OpCost, nbytes: int, m: Machine) -> OpCost:
    """An atomic-add store: the plain copy to GM (`plain`, MTE3 or FIXPIPE) plus
    `atomic_add_cycles_per_block` per 32 B block for the read-modify-write at the memory
    side, holding the pipe (the copy completes when the sums are written)."""
    extra = m.atomic_add_cycles_per_block * max(1, math.ceil(nbytes / m.dma_block_bytes))
    return OpCost(plain.pipe, plain.occupancy + extra, plain.latency + extra, plain.instructions)


def fixpipe_cost(nbytes: int, rows: int, m: Machine) -> OpCost:
    """L0C -> GM drain of a cube result on FIXPIPE: fixed + max(bytes / rate, per-row floor)."""
    cycles = m.fixpipe_fixed_cycles + max(
        nbytes / m.fixpipe_bytes_per_cycle, rows * m.fixpipe_row_cycles
    )
    return OpCost("FIXPIPE", cycles, cycles)


def handoff_cost(nbytes: int, m: Machine) -> OpCost:
    """A tile handed between the cube and vector sides of a cluster: written out at the
    UB -> GM rate, visible to the other side `handoff_cycles` later."""
    transfer = nbytes / m.ub_to_gm_bytes_per_cycle
    return OpCost("MTE3", transfer, transfer + m.handoff_cycles)


def matmul_cost(
    mdim: int, ndim: int, kdim: int, in_bytes: int, out_dtype: str, m: Machine
) -> OpCost:
    """One cube op [M, K] x [K, N]: L1 -> L0A and L1 -> L0B moves at their rates, then the
    MMAD over 16x16x16 fractals plus the mad head per K fractal (32 B of K); fp32
    accumulation takes `fp32_mmad_passes` passes (a heavier reading of PyPTO's L0 model,
    which fits the calibration cases better: compiler/costmodel/MODEL.md)."""
    f = m.cube_fractal
    # A fractal is 16 rows x 32 B (machine file, cube_fractal_row_bytes): 16 fp16/bf16
    # elements of K, 32 int8 ones, so 1-byte inputs take half the K blocks.
    kf = f if in_bytes >= 2 else max(f, m.cube_fractal_row_bytes // max(1, in_bytes))
    kb = max(1, math.ceil(kdim / kf))
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
    cache_hit: bool = False,
    valid_fraction: float = 1.0,
) -> OpCost:
    """The cost of one executed op.

    `operand_bytes` / `operand_dtypes` describe the tiles it reads (the task schedule
    knows them from the events that wrote those buffers; bytes as UB holds them);
    `from_cube` says that a store's tile is a cube result in L0C (it then drains through
    FIXPIPE, not MTE3); `cache_hit` says that a scalar read hits the data cache;
    `valid_fraction` is the part of a vector op's result tile that is valid (a tile loaded
    with `pto.load_valid`: the vector unit works on the valid rows only).
    """
    kind = e.kind
    if kind == "scalar":
        return OpCost("S", m.scalar_arith_cycles, m.scalar_arith_cycles)
    if kind == "read":
        c = m.scalar_hit_cycles if cache_hit else m.scalar_read_cycles
        return OpCost("S", c, c)
    if kind == "write":
        return OpCost("S", m.scalar_hit_cycles, m.scalar_hit_cycles)
    if kind == "load":
        bursts, moved = _bursts(e, m)
        return load_cost(int(moved), m, bursts)
    if kind == "store":
        if from_cube:
            rows = e.shape[0] if len(e.shape) >= 2 else 1
            c = fixpipe_cost(e.nbytes, rows, m)
        else:
            bursts, moved = _bursts(e, m)
            c = store_cost(int(moved), m, bursts)
        if e.atomic:
            c = atomic_add_cost(c, e.nbytes, m)
        return c
    if kind == "vector":
        own = int(padded_bytes(e.shape, e.dtype, m) * valid_fraction)
        if e.op == "tensor.insert_slice" and operand_bytes and operand_bytes[0] > 0:
            # An insert into a tile is PyPTO's tile.assemble, which its code generator
            # lowers to a pto.subview of the target and one pto.tmov of the source into
            # it (pypto src/backend/common/pto_ops_datamove.cpp,
            # MakeTileAssembleCodegenPTO): the move is the window (the source, the first
            # operand), not the whole tile.
            return vector_cost(e.op, operand_bytes[0], m)
        return vector_cost(e.op, max([own, *operand_bytes]), m)
    if kind == "sort":
        return sort_cost(e.nbytes, m)
    if kind == "handoff":
        return handoff_cost(e.nbytes, m)
    if kind == "matmul":
        mdim = e.shape[0] if len(e.shape) >= 1 else 1
        ndim = e.shape[1] if len(e.shape) >= 2 else 1
        # the inputs' element size (a matmul_acc's fp32 accumulator is not an input)
        in_bytes = min((dtype_bytes(d, 2) for d in operand_dtypes), default=2)
        return matmul_cost(mdim, ndim, max(e.k, 1), in_bytes, e.dtype, m)
    raise ValueError(f"execution record: unknown event kind '{kind}' (op {e.op})")
