"""ptoc's float semantics that more than one layer implements.

`F64_ROUTE`: the `math` ops whose value the numerics contract defines as the op in double
precision, rounded once to f32 (then to a narrower input type). The interpreter
(`ptoc.backend.numerics`) computes them so, and `pto-to-upstream` lowers them so (`extf`,
the op on f64, `truncf`), which upstream lowers to the C library's function of the same
name (`convert-math-to-llvm`): the two engines compute the same f64 value and agree bit
for bit. numpy's own float32 loops differ from the C library's f32 ones by an ulp or two,
so without a common definition the engines would not agree (docs/numerics.md).
"""

from __future__ import annotations

F64_ROUTE: frozenset[str] = frozenset(
    {"math.exp", "math.exp2", "math.log", "math.log2", "math.log10"}
)
