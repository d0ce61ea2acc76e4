"""`pto-name-args`: record every function argument's SSA name as `{pto.name = "..."}`.

Upstream `mlir-opt` renames block arguments (`%arg0`, ...), but keeps argument
attributes. Inputs, `.npz` keys and goldens bind by argument name; the interpreter and
the MLIR engine read `pto.name` first, so a kernel that went through `mlir-opt` after
this pass still runs with the same inputs. `pto-to-upstream` does the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from ptoc.passes.to_upstream import name_arguments


@dataclass(frozen=True)
class NameArgsPass(ModulePass):
    """Add `{pto.name = "<SSA name>"}` to every named function argument."""

    name = "pto-name-args"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for fn in op.walk():
            if isinstance(fn, func.FuncOp):
                name_arguments(fn)
