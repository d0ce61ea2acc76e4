"""`pto-auto-coarsen`: coarsen each SPMD scope by the factor the cost model predicts fastest.

For every named `pto.spmd` (or only the one named by `scope`), the pass sweeps the
candidate `factors` exactly as `pto-tune` does (`ptoc.tuning.sweep`): each factor is
applied to a clone of the module, checked with `pto-check-carried` and
`pto-check-races`, run with the interpreter and simulated with the cost model of
`machine`. It then applies the fastest legal factor to the module itself
(`pto-spmd-coarsen{scope=S factor=G inner=unroll}`; the `pto.unroll` stays in place:
expanding it is `pto-unroll-expand`'s job) and records the choice as a discardable
attribute of the resulting `pto.spmd`:

```
pto.spmd %t = 0 to 32 name "softmax_pool" core vector { ... } {pto.auto_coarsen = {
    factor = 2 : i64, factors = array<i64: 1, 2, 4>,
    predicted_us = array<f64: 3.273e+02, 2.612e+02, 3.247e+02>, machine = "a2a3"}}
```

`factors` lists the factors that were timed and legal, `predicted_us` their predicted
total kernel time; `rejected` (when present) lists factors whose variant failed a
legality check or did not build. Factors larger than the task count or not dividing it
are not tried. Scopes are tuned one after another, in program order, each against the
module as the previous choices left it. A scope that already carries the attribute is
left alone, so the pass is idempotent.

Limitation: the prediction needs a run of the kernel (trip counts and branches depend
on the data). The pass uses the arrays of the .npz file `inputs` if given, else
`random_inputs(seed)` from the argument types. It never runs Python found next to the
kernel (to tune with an example's `inputs.py`, use `pto-tune --inputs inputs.py`).
Random data may take other branches than production data do, so the choice is only as
representative as these inputs.

The pass lives in the tuning layer (it drives the sweep, the interpreter and the cost
model) and is registered with the pass registry by `ptoc.tuning`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    f64,
    i64,
)
from xdsl.ir import Attribute
from xdsl.passes import ModulePass

from ptoc.backend.interpreter import compile_module, random_inputs
from ptoc.diagnostics import emit, op_error, warn
from ptoc.dialects.pto import SpmdOp
from ptoc.passes.spmd_coarsen import SpmdCoarsenPass
from ptoc.tuning import factor_sweep as tuning

ATTR = "pto.auto_coarsen"


@dataclass(frozen=True)
class AutoCoarsenPass(ModulePass):
    """Coarsen every named `pto.spmd` (or `scope`) by its fastest legal factor.

    Options: `scope` (default: every named scope), `factors` (candidates, default
    1,2,4,8,16), `machine` (cost-model machine name or .toml path), `seed` (for the
    inputs of the predicting run), `inputs` (an .npz of the kernel's arguments).
    """

    name = "pto-auto-coarsen"

    scope: str | None = None
    factors: tuple[int, ...] = (1, 2, 4, 8, 16)
    machine: str = "a2a3"
    seed: int = 0
    inputs: str | None = None

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if not self.factors:
            raise op_error(None, "pto-auto-coarsen needs at least one factor")
        for f in self.factors:
            if f <= 0:
                raise op_error(None, f"pto-auto-coarsen factor {f} must be >= 1")
        if self.seed < 0:
            raise op_error(None, f"pto-auto-coarsen seed must be >= 0, got {self.seed}")

        targets: list[str] = []
        if self.scope is not None:
            try:
                spmd = tuning.find_scope(op, self.scope)
            except tuning.TuneError as e:
                raise op_error(None, f"pto-auto-coarsen: {e}") from e
            if spmd.static_count is None:
                raise op_error(spmd, "has a dynamic task count: pto-auto-coarsen cannot tune it")
            if ATTR not in spmd.attributes:
                targets.append(self.scope)
        else:
            seen: set[str] = set()
            for spmd in [o for o in op.walk() if isinstance(o, SpmdOp)]:
                name = spmd.scope_name
                if name is None:
                    warn(spmd, "has no name; pto-auto-coarsen tunes named scopes only")
                elif spmd.static_count is None:
                    warn(spmd, "has a dynamic task count; pto-auto-coarsen leaves it unchanged")
                elif name in seen:
                    raise op_error(
                        spmd, f"scope name '{name}' is used twice; pto-auto-coarsen needs unique names"
                    )
                elif ATTR not in spmd.attributes:
                    targets.append(name)
                seen.add(name or "")

        inputs_of: dict[str | None, dict[str, np.ndarray]] = {}
        for scope in targets:
            self._tune(ctx, op, scope, inputs_of)

    def _inputs(
        self, op: ModuleOp, spmd: SpmdOp, func: str | None, cache: dict[str | None, dict[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        if func in cache:
            return cache[func]
        try:
            if self.inputs is not None:
                if not self.inputs.endswith(".npz"):
                    raise tuning.TuneError(
                        f"inputs must be an .npz file, not '{self.inputs}' (a pass never "
                        "runs Python; pto-tune --inputs takes an inputs script)"
                    )
                made = tuning.load_npz_inputs(self.inputs)
            else:
                made = random_inputs(compile_module(op, func=func), self.seed)
        except tuning.TuneError as e:
            raise op_error(spmd, f"pto-auto-coarsen: {e}") from e
        cache[func] = made
        return made

    def _tune(
        self,
        ctx: Context,
        op: ModuleOp,
        scope: str,
        cache: dict[str | None, dict[str, np.ndarray]],
    ) -> None:
        spmd = tuning.find_scope(op, scope)
        count = spmd.static_count
        assert count is not None
        func = tuning.function_of(spmd)
        candidates = [f for f in dict.fromkeys(self.factors) if f <= count and count % f == 0]
        if not candidates:
            raise op_error(
                spmd,
                f"none of the factors {', '.join(map(str, self.factors))} divides its "
                f"{count} tasks",
            )
        inputs = self._inputs(op, spmd, func, cache)
        try:
            points = tuning.sweep(
                op, scope, candidates, inputs=inputs, machine=self.machine, func=func, ctx=ctx
            )
        except tuning.TuneError as e:
            raise op_error(spmd, f"pto-auto-coarsen: {e}") from e
        for d in tuning.unique_diagnostics(points):
            emit(d)
        broken = [p for p in points if p.internal_error]
        if broken:
            # a crash of ptoc on one variant: not the kernel's fault, and no factor can
            # be trusted as the fastest
            raise RuntimeError(
                f"pto-auto-coarsen on scope '{scope}': factor {broken[0].factor}: "
                f"{broken[0].reasons[0]}"
            )
        chosen = tuning.best(points)
        if chosen is None:
            why = "; ".join(f"factor {p.factor}: {p.reasons[0]}" for p in points if p.reasons)
            raise op_error(
                spmd,
                f"no factor among {', '.join(map(str, candidates))} passes the legality "
                f"checks ({why})",
            )
        if chosen.factor != 1:
            SpmdCoarsenPass(factor=chosen.factor, inner="unroll", scope=scope).apply(ctx, op)
            spmd = tuning.find_scope(op, scope)
        timed = [p for p in points if p.legal and p.total_us is not None]
        rejected = [p.factor for p in points if not p.legal]
        entries: dict[str, Attribute] = {
            "factor": IntegerAttr(chosen.factor, i64),
            "factors": DenseArrayBase.from_list(i64, [p.factor for p in timed]),
            "predicted_us": DenseArrayBase.from_list(
                f64, [round(float(p.total_us or 0.0), 3) for p in timed]
            ),
            "machine": StringAttr(self.machine),
        }
        if rejected:
            entries["rejected"] = DenseArrayBase.from_list(i64, rejected)
        spmd.attributes[ATTR] = DictionaryAttr(entries)
