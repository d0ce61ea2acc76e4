"""The a2a3 cost model: execution record + machine description -> schedule and metrics.

```python
from ptoc.costmodel import load_machine, simulate
rep = simulate(result.record, load_machine("a2a3"))
print(rep.to_table())
```

Layers: `machine` (the TOML machine file), `ops` (per-op pipe and cycles), `task` (per-task
pipe schedule on one core, or on a cluster's two sides), `scheduler` (the AICPU runtime:
orchestrator, scheduler threads, scope dependences from GM tensors), `report` (swimlane
metrics, table / JSON / Chrome trace events). compiler/costmodel/MODEL.md says what the
model can and cannot predict.
"""

from ptoc.costmodel.machine import Machine, MachineError, load_machine
from ptoc.costmodel.report import KernelReport, ScopeReport, TaskSlot
from ptoc.costmodel.scheduler import ScopeTimes, schedule_scopes, simulate, simulate_times
from ptoc.costmodel.task import TaskSchedule, schedule_task

__all__ = [
    "KernelReport",
    "Machine",
    "MachineError",
    "ScopeReport",
    "ScopeTimes",
    "TaskSchedule",
    "TaskSlot",
    "load_machine",
    "schedule_scopes",
    "schedule_task",
    "simulate",
    "simulate_times",
]
