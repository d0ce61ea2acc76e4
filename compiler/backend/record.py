"""The execution record: the seam between the interpreter and the cost model.

The interpreter appends one `OpEvent` per op that actually ran (after data-dependent
branches, with real trip counts) to the `TaskRecord` of the task that ran it. The cost
model reads only this record and a machine description; it never walks the IR, and the
interpreter knows nothing about cycles.

Buffers: every tile value lives in a buffer, named by an integer id that is unique
within its task. A value defined inside a `pto.range` body is one buffer reused by every
iteration (the same id each iteration), except that a `pipeline = K` loop rotates over K
copies (id depends on iteration % K). Each iteration of a `pto.unroll`, and each copy
made by `pto-unroll-expand`, is its own buffer. Scalars (index math, `pto.read` results)
live in scalar registers: their events have `writes = None`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EventKind = Literal[
    "load",  # GM -> UB tile copy (MTE2)
    "store",  # UB -> GM tile copy (MTE3)
    "read",  # scalar read from GM (S pipe, cache-missing load)
    "scalar",  # scalar/index arithmetic (S pipe)
    "vector",  # elementwise / reduction / broadcast / cast / gather / arange tile op (V pipe)
    "matmul",  # cube op (M pipe; its operands come through L1/L0)
]

CoreKind = Literal["vector", "cube", "mix"]


@dataclass(frozen=True, slots=True)
class OpEvent:
    kind: EventKind
    op: str
    """The op's name, e.g. `arith.addf`, `pto.load`, `pto.row_sum`."""
    shape: tuple[int, ...]
    """Shape of the tile produced (load, vector, matmul) or moved (store); () for scalars."""
    dtype: str
    """Element type of that tile, as numpy names it: float32, bfloat16, int32, ..."""
    nbytes: int
    """Bytes produced (load, vector, matmul), moved (store) or read (read)."""
    reads: tuple[int, ...] = ()
    """Buffer ids of the tile operands."""
    writes: int | None = None
    """Buffer id of the tile result; None for stores and scalars."""
    k: int = 0
    """Inner (reduction) dimension of a matmul; 0 otherwise."""


@dataclass(slots=True)
class TaskRecord:
    task_id: int
    events: list[OpEvent] = field(default_factory=list["OpEvent"])


@dataclass(slots=True)
class ScopeRecord:
    """One `pto.spmd` launch: its tasks in task-id order."""

    name: str
    core: CoreKind
    tasks: list[TaskRecord] = field(default_factory=list["TaskRecord"])


@dataclass(slots=True)
class ExecutionRecord:
    """Every scope of one kernel run, in program order."""

    scopes: list[ScopeRecord] = field(default_factory=list["ScopeRecord"])
