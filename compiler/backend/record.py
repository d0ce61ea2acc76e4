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

Global memory: a GM tensor is named by an integer `tensor` id: the index of the kernel
argument it is (or is a view of), or, for a scratch tensor made inside the kernel
(`memref.alloc`), `number of arguments + k` for the k-th allocation in program order;
-1 when the interpreter cannot tell (never for the ops it implements).

* `load` / `store` move a tile as `rows` contiguous bursts of `row_bytes` bytes each, the
  starts of consecutive bursts `stride_bytes` apart in GM (trailing dimensions the tile
  covers whole merge into one burst: a `[4, 64]` tile of a `memref<8x64xf32>` is one burst
  of 1024 B). A tile of more than two partial dimensions steps along its innermost
  partial dimension (`stride_bytes` is that dimension's GM stride); for one burst,
  `stride_bytes == row_bytes`. `pto.load_valid`/`pto.store_valid` move only the valid
  part: `rows`, `row_bytes` and `nbytes` count it, while `shape` is the full tile.
* `read` / `write` (one scalar from / to GM) carry `tensor` and `offset` (the flat,
  row-major element index in the root tensor), so that a scalar data cache can be modelled.
* `side` is "" except inside a `pto.section` of a mixed (`core mix`) task, where it is
  "cube" or "vector": the side of the cluster that runs the op. A `handoff` event (data
  handed from one side to the other, `pto.handoff`) has the producing side as `side`;
  `nbytes` is the size of the tile handed over.

Fields added after the first version all have defaults, so older producers still work.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from collections.abc import Sequence
from typing import Literal

EventKind = Literal[
    "load",  # GM -> UB tile copy (MTE2)
    "store",  # UB -> GM tile copy (MTE3)
    "read",  # scalar read from GM (S pipe, cache-missing load)
    "write",  # scalar write to GM (S pipe)
    "scalar",  # scalar/index arithmetic (S pipe)
    "vector",  # elementwise / reduction / broadcast / cast / gather / arange tile op (V pipe)
    "matmul",  # cube op (M pipe; its operands come through L1/L0)
    "handoff",  # a tile handed between the cube and vector sides of a mixed task
    "sort",  # sort / merge-sort of a tile along its last axis (V pipe)
]

Side = Literal["", "cube", "vector"]

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
    rows: int = 0
    """load/store: number of contiguous GM bursts; 0 for other kinds."""
    row_bytes: int = 0
    """load/store: bytes per burst; 0 for other kinds."""
    stride_bytes: int = 0
    """load/store: GM distance in bytes between the starts of consecutive bursts."""
    tensor: int = -1
    """load/store/read/write: id of the GM tensor accessed (see the module docstring)."""
    offset: int = -1
    """read/write: flat element index in that tensor; -1 for other kinds."""
    side: Side = ""
    """"cube" or "vector" inside a section of a mixed task; "" otherwise."""
    atomic: bool = False
    """store: an atomic-add store (`pto.store ... atomic add`): GM += tile."""
    _hash: int = field(default=-1, init=False, repr=False, compare=False)
    """The hash, computed once (an event is a key of the cost model's memos, hashed
    for every task it is in); not part of the event's value."""

    def __hash__(self) -> int:
        h = self._hash
        if h == -1:  # never a hash value: Python maps -1 to -2
            h = hash((self.kind, self.op, self.shape, self.dtype, self.nbytes, self.reads,
                      self.writes, self.k, self.rows, self.row_bytes, self.stride_bytes,
                      self.tensor, self.offset, self.side, self.atomic))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> tuple[object, ...]:
        # pickled without the hash: string hashes differ between processes
        return tuple(getattr(self, f) for f in _EVENT_FIELDS)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for f, v in zip(_EVENT_FIELDS, state, strict=True):
            object.__setattr__(self, f, v)
        object.__setattr__(self, "_hash", -1)


_EVENT_FIELDS = tuple(f.name for f in fields(OpEvent) if f.name != "_hash")


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
    after: tuple[int, ...] = ()
    """Indices (in the record) of earlier launches this one waits for by an explicit
    dependence (`pto.after`, PyPTO's `deps=`), besides those of its GM tensors."""


@dataclass(slots=True)
class ExecutionRecord:
    """Every scope of one kernel run, in program order."""

    scopes: list[ScopeRecord] = field(default_factory=list["ScopeRecord"])


def gm_bursts(tile: Sequence[int], mshape: Sequence[int], itemsize: int) -> tuple[int, int, int]:
    """(rows, row_bytes, stride_bytes) of moving a `tile` window of a row-major GM tensor.

    The trailing dimensions that the tile covers whole, and the first partial one before
    them, make one contiguous burst; the other dimensions count the bursts. Consecutive
    bursts step along the innermost of those with extent > 1.
    """
    n = len(tile)
    burst = 1
    d = n - 1
    while d >= 0:
        burst *= tile[d]
        if tile[d] != mshape[d]:
            break
        d -= 1
    rows = 1
    for t in tile[: max(d, 0)]:
        rows *= t
    row_bytes = burst * itemsize
    stride = row_bytes
    if rows > 1:
        e = d - 1
        while e >= 0 and tile[e] == 1:
            e -= 1
        inner = 1
        for x in mshape[e + 1:]:
            inner *= x
        stride = inner * itemsize
    return rows, row_bytes, stride
