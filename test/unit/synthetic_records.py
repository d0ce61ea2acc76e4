"""Hand-built execution records with the seed kernel's shapes: a test fixture.

These follow the seed kernel (examples/dsv4_compressor_ratio4) op by op, with the
buffer rules of ptoc.backend.record: a `pto.range` body reuses its buffers every iteration (a `pipeline
= K` loop rotates over K copies), each unrolled batch owns its own buffers. They stand in
for interpreter records where those are not available, and make the cost model's tests
independent of the interpreter.
"""

from __future__ import annotations

import functools

from collections.abc import Sequence

from ptoc.backend.record import (
    CoreKind,
    EventKind,
    ExecutionRecord,
    OpEvent,
    ScopeRecord,
    TaskRecord,
)

F32 = "float32"
BF16 = "bfloat16"
I32 = "int32"
_BYTES = {F32: 4, BF16: 2, I32: 4}


class TaskBuilder:
    """Appends events to one task, handing out buffer ids."""

    def __init__(self, task_id: int):
        self.task = TaskRecord(task_id)
        self._next = 0

    def buf(self) -> int:
        self._next += 1
        return self._next - 1

    def _ev(
        self,
        kind: EventKind,
        op: str,
        shape: tuple[int, ...],
        dtype: str,
        reads: Sequence[int] = (),
        writes: int | None = None,
        k: int = 0,
        nbytes: int | None = None,
    ) -> int | None:
        n = 1
        for d in shape:
            n *= d
        size = n * _BYTES.get(dtype, 4) if nbytes is None else nbytes
        self.task.events.append(OpEvent(kind, op, shape, dtype, size, tuple(reads), writes, k))
        return writes

    def scalar(self, count: int = 1, op: str = "arith.addi") -> None:
        for _ in range(count):
            self._ev("scalar", op, (), "index", nbytes=0)

    def read(self, op: str = "pto.read") -> None:
        self._ev("read", op, (), I32, nbytes=4)

    def load(self, shape: tuple[int, ...], dtype: str = F32, into: int | None = None) -> int:
        b = self.buf() if into is None else into
        self._ev("load", "pto.load", shape, dtype, (), b)
        return b

    def store(self, src: int, shape: tuple[int, ...], dtype: str = F32) -> None:
        self._ev("store", "pto.store", shape, dtype, (src,), None)

    def vec(
        self,
        op: str,
        reads: Sequence[int],
        shape: tuple[int, ...],
        dtype: str = F32,
        into: int | None = None,
    ) -> int:
        b = self.buf() if into is None else into
        self._ev("vector", op, shape, dtype, reads, b)
        return b

    def matmul(
        self, op: str, reads: Sequence[int], shape: tuple[int, ...], k: int, into: int | None = None
    ) -> int:
        b = self.buf() if into is None else into
        self._ev("matmul", op, shape, F32, reads, b, k)
        return b


def softmax_pool_batch(t: TaskBuilder, active: bool = True, prev_valid: int = 4) -> None:
    """One batch of softmax_pool (examples/softmax_pool.mlir), as the interpreter would
    record it: `active` is the data-dependent gate, `prev_valid` how many of the previous
    window's 4 positions are >= 0. All buffers are this batch's own."""
    row = (1, 64)
    t.read()  # start_pos[b]
    t.scalar(6)  # index_cast, remsi, subi, subi, addi, cmpi
    if not active:
        return
    t.scalar(2)
    t.read()  # block_table[b, last // 4]
    t.scalar(4)
    # the hb range body's buffers: one set, reused by all 8 iterations
    mi0, zero, li0, oi0 = t.buf(), t.buf(), t.buf(), t.buf()
    loops: list[dict[str, int]] = []
    for _ in range(2):
        loops.append(
            {
                name: t.buf()
                for name in (
                    "sc",
                    "kv",
                    "m2",
                    "da",
                    "a",
                    "de",
                    "e",
                    "ali",
                    "li",
                    "oia",
                    "kve",
                    "oi",
                )
            }
        )
    out = t.buf()
    for _hb in range(8):
        t.scalar(4)
        t.load(row, into=mi0)
        t.vec("arith.subf", (mi0, mi0), row, into=zero)
        t.vec("math.exp", (zero,), row, into=li0)
        t.load(row, into=oi0)
        mi, li, oi = mi0, li0, oi0
        for steps, valid, bufs in ((4, prev_valid, loops[0]), (3, 3, loops[1])):
            for s in range(steps):
                t.scalar(2)  # p = base + s; (cmpi)
                if s >= steps - valid:
                    t.scalar(1)
                    t.read()  # block_table[b, p // 4]
                    t.scalar(4)
                    sc = t.load(row, into=bufs["sc"])
                    kv = t.load(row, into=bufs["kv"])
                    m2 = t.vec("arith.maximumf", (mi, sc), row, into=bufs["m2"])
                    da = t.vec("arith.subf", (mi, m2), row, into=bufs["da"])
                    a = t.vec("math.exp", (da,), row, into=bufs["a"])
                    de = t.vec("arith.subf", (sc, m2), row, into=bufs["de"])
                    e = t.vec("math.exp", (de,), row, into=bufs["e"])
                    ali = t.vec("arith.mulf", (a, li), row, into=bufs["ali"])
                    li = t.vec("arith.addf", (ali, e), row, into=bufs["li"])
                    oia = t.vec("arith.mulf", (oi, a), row, into=bufs["oia"])
                    kve = t.vec("arith.mulf", (kv, e), row, into=bufs["kve"])
                    oi = t.vec("arith.addf", (oia, kve), row, into=bufs["oi"])
                    mi = m2
        t.vec("arith.divf", (oi, li), row, into=out)
        t.store(out, row)


def softmax_pool_scope(
    group: int = 1,
    gates: Sequence[bool] | None = None,
    batches: int = 64,
    name: str = "softmax_pool",
) -> ScopeRecord:
    """softmax_pool with `group` batches per task (unrolled, own buffers per batch)."""
    if batches % group:
        raise ValueError("batches must be a multiple of group")
    gates = [True] * batches if gates is None else list(gates)
    scope = ScopeRecord(name, "vector")
    for task_id in range(batches // group):
        t = TaskBuilder(task_id)
        t.scalar(2)
        for j in range(group):
            t.scalar(2)  # c = task * G + j
            softmax_pool_batch(t, gates[task_id * group + j])
        scope.tasks.append(t.task)
    return scope


def kv_score_proj_scope() -> ScopeRecord:
    """32 cube tasks: 8 K steps (pipeline 2) of [64,512]x[512,64] into two fp32 accumulators."""
    scope = ScopeRecord("kv_score_proj", "cube")
    for task_id in range(32):
        t = TaskBuilder(task_id)
        t.scalar(6)
        x = [t.buf(), t.buf()]
        wk = [t.buf(), t.buf()]
        wg = [t.buf(), t.buf()]
        acc_kv, acc_sc = t.buf(), t.buf()
        for k in range(8):
            t.scalar(3)
            s = k % 2
            t.load((64, 512), BF16, into=x[s])
            t.load((512, 64), BF16, into=wk[s])
            t.load((512, 64), BF16, into=wg[s])
            op = "pto.matmul" if k == 0 else "pto.matmul_acc"
            rk = (x[s], wk[s]) if k == 0 else (acc_kv, x[s], wk[s])
            rg = (x[s], wg[s]) if k == 0 else (acc_sc, x[s], wg[s])
            t.matmul(op, rk, (64, 64), 512, into=acc_kv)
            t.matmul(op, rg, (64, 64), 512, into=acc_sc)
        t.store(acc_kv, (64, 64))
        t.store(acc_sc, (64, 64))
        scope.tasks.append(t.task)
    return scope


def state_scatter_scope(batches: int = 64, tokens: int = 2) -> ScopeRecord:
    """One task: runtime loop over batches, 2-stage pipelined loop over tokens."""
    scope = ScopeRecord("state_scatter_paged", "vector")
    t = TaskBuilder(0)
    row = (1, 1024)
    kv = [t.buf(), t.buf()]
    sc = [t.buf(), t.buf()]
    ape = [t.buf(), t.buf()]
    sc2 = [t.buf(), t.buf()]
    for _b in range(batches):
        t.read()
        t.scalar(3)
        for s in range(tokens):
            t.scalar(4)
            t.read()  # block_table
            t.scalar(4)
            t.load(row, into=kv[s % 2])
            t.load(row, into=sc[s % 2])
            t.load(row, into=ape[s % 2])
            t.vec("arith.addf", (sc[s % 2], ape[s % 2]), row, into=sc2[s % 2])
            t.store(kv[s % 2], row)
            t.store(sc2[s % 2], row)
    scope.tasks.append(t.task)
    return scope


def rmsnorm_rope_scope(tasks: int = 4, rows: int = 16) -> ScopeRecord:
    """4 tasks of 16 rows: row sums of squares over 8 tiles, inv_rms, scale, rope."""
    scope = ScopeRecord("rmsnorm_rope", "vector")
    tile = (rows, 64)
    col = (rows, 1)
    for task_id in range(tasks):
        t = TaskBuilder(task_id)
        t.scalar(4)
        xs: list[int] = []
        acc = t.vec("arith.constant", (), col)
        for _j in range(8):
            x = t.load(tile)
            xs.append(x)
            sq = t.vec("arith.mulf", (x, x), tile)
            rs = t.vec("pto.row_sum", (sq,), col)
            acc = t.vec("arith.addf", (acc, rs), col)
        var = t.vec("arith.mulf", (acc,), col)
        var = t.vec("arith.addf", (var,), col)
        sd = t.vec("math.sqrt", (var,), col)
        inv = t.vec("arith.divf", (sd,), col)
        for j in range(8):
            w = t.load((1, 64))
            y = t.vec("pto.row_expand_mul", (xs[j], inv), tile)
            y = t.vec("pto.col_expand_mul", (y, w), tile)
            if j == 7:  # the rotary part
                idx = t.vec("pto.arange", (), (1, 64), I32)
                half = t.vec("arith.shrui", (idx,), (1, 64), I32)
                swp = t.vec("arith.xori", (idx,), (1, 64), I32)
                sign = t.vec("pto.cast", (idx,), (1, 64))
                cos = t.load((rows, 32))
                sin = t.load((rows, 32))
                c = t.vec("pto.gather", (cos, half), tile)
                s = t.vec("pto.gather", (sin, half), tile)
                yp = t.vec("pto.gather", (y, swp), tile)
                a = t.vec("arith.mulf", (y, c), tile)
                b = t.vec("arith.mulf", (yp, s), tile)
                b = t.vec("pto.col_expand_mul", (b, sign), tile)
                y = t.vec("arith.addf", (a, b), tile)
            t.store(y, tile)
        scope.tasks.append(t.task)
    return scope


def kv_cache_write_scope(
    gates: Sequence[bool] | None = None, tasks: int = 4, rows: int = 16
) -> ScopeRecord:
    """4 tasks, each a runtime loop over its 16 rows: gated copy + bf16 cache write."""
    gates = [True] * (tasks * rows) if gates is None else list(gates)
    scope = ScopeRecord("kv_and_cache_write", "vector")
    for task_id in range(tasks):
        t = TaskBuilder(task_id)
        row = t.buf()
        cast = t.buf()
        for r in range(rows):
            t.read()
            t.scalar(4)
            if gates[task_id * rows + r]:
                t.scalar(3)
                t.read()
                t.scalar(4)
                t.load((1, 512), into=row)
                t.store(row, (1, 512))
                t.vec("pto.cast", (row,), (1, 512), BF16, into=cast)
                t.store(cast, (1, 512), BF16)
        scope.tasks.append(t.task)
    return scope


def seed_record(group: int = 1, gates: Sequence[bool] | None = None) -> ExecutionRecord:
    """The seed kernel's five scopes, softmax_pool at POOL_GROUP = `group` (built once per
    group and gates: the cost model only reads records)."""
    return _seed_record(group, None if gates is None else tuple(bool(g) for g in gates))


@functools.cache
def _seed_record(group: int, gates: tuple[bool, ...] | None) -> ExecutionRecord:
    return ExecutionRecord(
        [
            kv_score_proj_scope(),
            state_scatter_scope(),
            softmax_pool_scope(group, gates),
            rmsnorm_rope_scope(),
            kv_cache_write_scope(gates),
        ]
    )


def scope_of(name: str, core: CoreKind, tasks: Sequence[TaskRecord]) -> ScopeRecord:
    return ScopeRecord(name, core, list(tasks))
