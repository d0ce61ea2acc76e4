"""What the cost model reports: per task slots, per scope swimlane metrics, the kernel total.

Metric definitions are the PyPTO runtime's swimlane ones (docs/a2a3-facts.md, the
runtime): Head OH = start - dispatch; Tail OH = finish - end (finish: when the scheduler
sees the completion); Latency = finish - dispatch; Exec% of a scope = sum(end - start) /
sum(latency); Total Test Time = max(finish) - min(dispatch) over the kernel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CORE_KIND_PID = {"vector": 1, "cube": 2, "mix": 3}
CORE_KIND_LABEL = {"vector": "AIV", "cube": "AIC", "mix": "Cluster"}


@dataclass(frozen=True, slots=True)
class TaskSlot:
    """One task (one block of an spmd launch) as the model places it. Times in us."""

    scope: str
    task_id: int
    core: str
    """E.g. `AIV7`, `AIC3`, `Cluster5`."""
    core_kind: str
    core_index: int
    thread: int
    """The AICPU scheduler thread that dispatched it and saw it finish."""
    dispatch_us: float
    start_us: float
    end_us: float
    finish_us: float
    cold: bool = False
    """Picked up cold (the core's previous task was of another scope, or none)."""

    @property
    def head_oh_us(self) -> float:
        return self.start_us - self.dispatch_us

    @property
    def tail_oh_us(self) -> float:
        return self.finish_us - self.end_us

    @property
    def exec_us(self) -> float:
        return self.end_us - self.start_us

    @property
    def latency_us(self) -> float:
        return self.finish_us - self.dispatch_us


@dataclass(frozen=True, slots=True)
class ScopeReport:
    name: str
    core_kind: str
    tasks: int
    cores_used: int
    waves: int
    """Most tasks any one core ran in this scope."""
    span_us: float
    """max(finish) - min(dispatch) over the scope's tasks."""
    exec_pct: float
    head_oh_us: float
    """Mean over the scope's tasks."""
    tail_oh_us: float
    """Mean over the scope's tasks."""
    exec_us: float
    """Mean execution time (end - start) of a task."""
    start_us: float
    end_us: float


def scope_report(name: str, kind: str, slots: list[TaskSlot], ready_us: float) -> ScopeReport:
    if not slots:
        return ScopeReport(name, kind, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, ready_us, ready_us)
    per_core: dict[str, int] = {}
    for s in slots:
        per_core[s.core] = per_core.get(s.core, 0) + 1
    n = len(slots)
    start = min(s.dispatch_us for s in slots)
    end = max(s.finish_us for s in slots)
    lat = sum(s.latency_us for s in slots)
    ex = sum(s.exec_us for s in slots)
    return ScopeReport(
        name=name,
        core_kind=kind,
        tasks=n,
        cores_used=len(per_core),
        waves=max(per_core.values()),
        span_us=end - start,
        exec_pct=100.0 * ex / lat if lat > 0 else 0.0,
        head_oh_us=sum(s.head_oh_us for s in slots) / n,
        tail_oh_us=sum(s.tail_oh_us for s in slots) / n,
        exec_us=ex / n,
        start_us=start,
        end_us=end,
    )


@dataclass(frozen=True)
class KernelReport:
    machine: str
    total_us: float
    """Total Test Time: max(finish) - min(dispatch) over every task of the kernel."""
    scopes: list[ScopeReport]
    tasks: list[TaskSlot] = field(default_factory=list[TaskSlot])

    def scope(self, name: str) -> ScopeReport:
        for s in self.scopes:
            if s.name == name:
                return s
        raise KeyError(f"no scope named '{name}' (have: {', '.join(s.name for s in self.scopes)})")

    def to_table(self) -> str:
        """A plain-text table: one row per scope, then the total."""
        head = (
            f"{'scope':<22}{'core':>7}{'tasks':>7}{'cores':>7}{'waves':>7}"
            f"{'span us':>10}{'exec us':>10}{'Exec%':>8}{'head OH':>9}{'tail OH':>9}"
        )
        lines = [f"machine {self.machine}", head, "-" * len(head)]
        for s in self.scopes:
            lines.append(
                f"{s.name:<22}{CORE_KIND_LABEL.get(s.core_kind, s.core_kind):>7}{s.tasks:>7}"
                f"{s.cores_used:>7}{s.waves:>7}{s.span_us:>10.2f}{s.exec_us:>10.2f}"
                f"{s.exec_pct:>8.1f}{s.head_oh_us:>9.2f}{s.tail_oh_us:>9.2f}"
            )
        lines.append("-" * len(head))
        lines.append(f"Total Test Time: {self.total_us:.2f} us")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "total_us": self.total_us,
            "scopes": [
                {
                    "name": s.name,
                    "core_kind": s.core_kind,
                    "tasks": s.tasks,
                    "cores_used": s.cores_used,
                    "waves": s.waves,
                    "span_us": s.span_us,
                    "exec_us": s.exec_us,
                    "exec_pct": s.exec_pct,
                    "head_oh_us": s.head_oh_us,
                    "tail_oh_us": s.tail_oh_us,
                    "start_us": s.start_us,
                    "end_us": s.end_us,
                }
                for s in self.scopes
            ],
            "tasks": [
                {
                    "scope": t.scope,
                    "task_id": t.task_id,
                    "core": t.core,
                    "thread": t.thread,
                    "dispatch_us": t.dispatch_us,
                    "start_us": t.start_us,
                    "end_us": t.end_us,
                    "finish_us": t.finish_us,
                    "cold": t.cold,
                }
                for t in self.tasks
            ],
        }

    def to_trace_events(self) -> dict[str, Any]:
        """Chrome trace-event JSON (chrome://tracing, Perfetto): one process per core kind,
        one thread (row) per core, one complete ("X") slice per task named
        `<scope>#<task_id>` over its execution (ts/dur in us); args carry dispatch, finish
        and the overheads."""
        events: list[dict[str, Any]] = []
        kinds = sorted({t.core_kind for t in self.tasks}, key=lambda k: CORE_KIND_PID.get(k, 9))
        for kind in kinds:
            pid = CORE_KIND_PID.get(kind, 9)
            events.append(
                {
                    "name": "process_name",
                    "ph": "M",
                    "pid": pid,
                    "tid": 0,
                    "args": {"name": f"{CORE_KIND_LABEL.get(kind, kind)} cores"},
                }
            )
            cores = sorted({(t.core_index, t.core) for t in self.tasks if t.core_kind == kind})
            for idx, core in cores:
                events.append(
                    {
                        "name": "thread_name",
                        "ph": "M",
                        "pid": pid,
                        "tid": idx,
                        "args": {"name": core},
                    }
                )
                events.append(
                    {
                        "name": "thread_sort_index",
                        "ph": "M",
                        "pid": pid,
                        "tid": idx,
                        "args": {"sort_index": idx},
                    }
                )
        for t in self.tasks:
            events.append(
                {
                    "name": f"{t.scope}#{t.task_id}",
                    "cat": t.scope,
                    "ph": "X",
                    "ts": round(t.start_us, 4),
                    "dur": round(max(t.exec_us, 0.0), 4),
                    "pid": CORE_KIND_PID.get(t.core_kind, 9),
                    "tid": t.core_index,
                    "args": {
                        "dispatch_us": round(t.dispatch_us, 4),
                        "finish_us": round(t.finish_us, 4),
                        "head_oh_us": round(t.head_oh_us, 4),
                        "tail_oh_us": round(t.tail_oh_us, 4),
                        "aicpu_thread": t.thread,
                        "cold": t.cold,
                    },
                }
            )
        return {
            "traceEvents": events,
            "displayTimeUnit": "ns",
            "otherData": {"machine": self.machine, "total_us": self.total_us},
        }

    def to_trace_json(self) -> str:
        return json.dumps(self.to_trace_events(), indent=1)
