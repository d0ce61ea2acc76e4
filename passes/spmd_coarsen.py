"""`pto-spmd-coarsen`: group the tasks of a `pto.spmd` scope, G tasks per new task.

```
pto.spmd %t = 0 to N { body(%t) }
```
becomes (`factor=G`, `inner=unroll`)
```
pto.spmd %g = 0 to ceil(N/G) {
  %group_size = arith.constant G : index
  %group_base = arith.muli %g, %group_size : index
  pto.unroll %j = 0 to G {
    %t = arith.addi %group_base, %j : index
    body(%t)
  }
}
```
This is the seed change (`POOL_GROUP`): fewer, bigger tasks, each running a trace-time
unrolled loop over its G original tasks. With `inner=range` the inner loop is a runtime
`pto.range %j = %c0 to %cG step %c1` instead. Either loop is marked `{pto.batch}`: its
iterations stand for distinct tasks, so `pto-check-carried` rejects anything one
iteration carries into the next (in values or in memory).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, scf
from xdsl.dialects.builtin import IndexType, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.arg_spec import ArgSpec

from ptoc.diagnostics import op_error
from ptoc.dialects.pto import RangeOp, SpmdOp, UnrollOp, YieldOp
from ptoc.passes.carried_analysis import mark_batch_loop
from ptoc.passes.index_builders import binary, cmp_index, const_index, located

INNER_KINDS = ("unroll", "range")
REMAINDER_KINDS = ("error", "guard")
MAX_FACTOR = 2**31 - 1
"""Largest group size: keeps `N + G - 1` and `%g * G` far from index overflow."""


@dataclass(frozen=True)
class SpmdCoarsenPass(ModulePass):
    """Group `factor` consecutive tasks of each selected `pto.spmd` into one task.

    Options:

    * `factor=G` (int, default 1): tasks per new task. `G = 1` leaves the IR unchanged;
      `G <= 0` is an error, and so is `G` larger than a static task count (or than
      2**31 - 1).
    * `inner=unroll|range` (default `unroll`): the inner loop over the G grouped tasks,
      a trace-time `pto.unroll` (every task keeps its own buffers) or a runtime
      `pto.range` (one body, buffers reused from one task to the next).
    * `remainder=error|guard` (default `error`): when G does not divide the task count N
      (or N is only known at run time), `error` rejects the scope; `guard` rounds the
      new task count up to `ceil(N/G)` and wraps the body in
      `scf.if (%g * G + %j < N)`. For a dynamic N the new count
      `(N + G - 1) floordiv G` is computed with `arith` ops before the `pto.spmd`.
    * `scope=NAME` (default: every scope): only the `pto.spmd` ops whose `name` is NAME.
      A NAME that matches no `pto.spmd` of the module is an **error** (the message lists
      the scope names the module has): a misspelt scope should not silently leave a
      kernel unchanged.

    The new ops take the location of the `pto.spmd` they replace; the scope name, the
    core kind and any extra attributes are kept. All selected scopes are checked before
    any is rewritten, so an error leaves the module untouched.
    """

    name = "pto-spmd-coarsen"

    factor: int = 1
    inner: str = "unroll"
    remainder: str = "error"
    scope: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.factor, bool) or not isinstance(self.factor, int):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"{self.name}: factor must be an integer, got {self.factor!r}")
        if self.factor < 1:
            raise ValueError(
                f"{self.name}: factor must be a positive number of tasks per group, "
                f"got {self.factor}"
            )
        if self.factor > MAX_FACTOR:
            raise ValueError(
                f"{self.name}: factor {self.factor} is too large (at most {MAX_FACTOR})"
            )
        if self.inner not in INNER_KINDS:
            raise ValueError(
                f"{self.name}: inner must be one of {', '.join(INNER_KINDS)}, "
                f"got '{self.inner}'"
            )
        if self.remainder not in REMAINDER_KINDS:
            raise ValueError(
                f"{self.name}: remainder must be one of {', '.join(REMAINDER_KINDS)}, "
                f"got '{self.remainder}'"
            )

    @classmethod
    def from_spec(cls, spec: ArgSpec) -> SpmdCoarsenPass:
        """Build the pass from `pto-opt -p` options, with a clear message for bad ones."""
        params = spec.normalize_parameter_names().parameters
        for opt, kind in (("factor", int), ("inner", str), ("remainder", str), ("scope", str)):
            if opt not in params:
                continue
            given = params[opt]
            if opt == "scope" and not given:
                continue  # a bare `scope` is the default: every scope
            if len(given) != 1 or isinstance(given[0], bool) or not isinstance(given[0], kind):
                shown = ",".join(str(v) for v in given) or "nothing"
                what = "an integer" if kind is int else f'a name (quote it: {opt}="{shown}")'
                raise ValueError(f"{cls.name}: option {opt} must be {what}, got '{shown}'")
        return super().from_spec(spec)

    # ------------------------------------------------------------------ driver

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        all_scopes = [s for s in op.walk() if isinstance(s, SpmdOp)]
        targets = [s for s in all_scopes if self.scope is None or s.scope_name == self.scope]
        if self.scope is not None and not targets:
            names = sorted({s.scope_name for s in all_scopes if s.scope_name is not None})
            have = (
                "the module's scopes are " + ", ".join(f"'{n}'" for n in names)
                if names
                else "the module has no named pto.spmd scope"
            )
            raise op_error(op, f"{self.name}: no pto.spmd scope is named '{self.scope}'; {have}")
        if self.factor == 1:
            return
        for spmd in targets:
            self._check(spmd)
        for spmd in targets:
            self._coarsen(spmd)

    def _check(self, spmd: SpmdOp) -> None:
        g = self.factor
        n = spmd.static_count
        if n is None:
            if self.remainder != "guard":
                raise op_error(
                    spmd,
                    f"the task count is only known at run time, so grouping by {g} may "
                    "leave a partial group; use remainder=guard",
                )
            return
        tasks = f"{n} task" if n == 1 else f"{n} tasks"
        if g > n:
            hint = "" if self.scope is not None else "; choose the scope to coarsen with scope=NAME"
            raise op_error(
                spmd,
                f"{tasks} cannot be grouped by {g}: the factor exceeds the task count{hint}",
            )
        if n % g != 0 and self.remainder != "guard":
            raise op_error(
                spmd,
                f"{tasks} cannot be grouped by {g}: {g} does not divide {n}; "
                "use remainder=guard",
            )

    # ------------------------------------------------------------------ rewrite

    def _coarsen(self, spmd: SpmdOp) -> None:
        loc = spmd.location
        g = self.factor
        n_static = spmd.static_count
        guard = n_static is None or n_static % g != 0

        # The new task count, computed before the spmd when it is dynamic.
        before: list[Operation] = []
        new_count: int | SSAValue
        n_value: SSAValue | None = None
        if n_static is not None:
            new_count = -(-n_static // g)
        else:
            assert spmd.dyn_count is not None
            n_value = spmd.dyn_count
            g_minus_1 = const_index(g - 1, loc, "group_size_m1")
            g_const = const_index(g, loc, "group_size")
            padded = binary(arith.AddiOp, n_value, g_minus_1, loc, "padded_tasks")
            count_op = binary(arith.FloorDivSIOp, padded, g_const, loc, "num_groups")
            before = [g_minus_1, g_const, padded, count_op]
            new_count = count_op.results[0]

        old_block = spmd.body.block
        task_name = old_block.args[0].name_hint

        # Outer body: %g, G, %g * G, then the inner loop.
        outer = Block(arg_types=[IndexType()])
        group = outer.args[0]
        group.name_hint = "g"
        size = const_index(g, loc, "group_size")
        base = binary(arith.MuliOp, group, size, loc, "group_base")
        outer.add_ops([size, base])

        # Inner body: %t = %g * G + %j, then (guarded) the original body.
        inner = Block(arg_types=[IndexType()])
        j = inner.args[0]
        j.name_hint = "j"
        task = binary(arith.AddiOp, base, j, loc, task_name)
        inner.add_op(task)
        body_dest = inner
        if guard:
            if n_value is None:
                assert n_static is not None
                n_const = const_index(n_static, loc, "num_tasks")
                inner.add_op(n_const)
                n_value = n_const.result
            in_range = cmp_index("slt", task, n_value, loc, "in_range")
            then = Block()
            if_op = scf.IfOp(in_range, [], Region(then))
            if_op.location = loc
            inner.add_ops([in_range, if_op])
            body_dest = then

        old_term = old_block.last_op
        if isinstance(old_term, YieldOp):
            Rewriter.erase_op(old_term)
        Rewriter.inline_block(old_block, InsertPoint.at_end(body_dest), [task.results[0]])
        if guard:
            body_dest.add_op(located(scf.YieldOp(), loc))
        inner.add_op(located(YieldOp(), loc))

        loop: Operation
        if self.inner == "unroll":
            loop = UnrollOp(g, [], inner)
        else:
            lb = const_index(0, loc, "j_lb")
            step = const_index(1, loc, "j_step")
            outer.add_ops([lb, step])
            loop = RangeOp(lb, size, step, [], inner)
        loop.location = loc
        mark_batch_loop(loop)  # its iterations stand for the G tasks of the group
        outer.add_ops([loop, located(YieldOp(), loc)])

        new_spmd = SpmdOp(new_count, outer, spmd.scope_name, None if spmd.core is None else spmd.core.data)
        new_spmd.location = loc
        new_spmd.attributes.update(spmd.attributes)
        Rewriter.replace_op(spmd, [*before, new_spmd], [])

