"""The a2a3 cost model: execution record + machine description -> schedule and metrics.

```python
from ptoc.costmodel import load_machine, simulate
rep = simulate(result.record, load_machine("a2a3"))
print(rep.to_table())
```

Layers: `machine` (the TOML machine file), `ops` (per-op pipe and cycles), `task` (per-task
pipe schedule), `scheduler` (AICPU threads dispatching tasks to cores; scopes in order),
`report` (swimlane metrics, table / JSON / Chrome trace events).
"""

from ptoc.costmodel.machine import Machine, MachineError, load_machine
from ptoc.costmodel.report import KernelReport, ScopeReport, TaskSlot
from ptoc.costmodel.scheduler import simulate, simulate_times
from ptoc.costmodel.task import TaskSchedule, schedule_task

__all__ = [
    "KernelReport",
    "Machine",
    "MachineError",
    "ScopeReport",
    "TaskSchedule",
    "TaskSlot",
    "load_machine",
    "schedule_task",
    "simulate",
    "simulate_times",
]
