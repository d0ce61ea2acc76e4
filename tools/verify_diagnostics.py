"""`pto-opt --verify-diagnostics`: MLIR's expected-diagnostic annotations.

```
// expected-error@+1 {{'pto.unroll' op pto.unroll count must be >= 1}}
pto.unroll %j = 0 to 0 {
```

An annotation `expected-<severity>[@<where>] {{text}}` in a `//` comment expects one
diagnostic of that severity (error, warning, note) whose text (after `severity: `, so it
includes `'op' op`) contains `text`, on the line given by `where`:

* nothing: the annotation's own line;
* `@+N` / `@-N`: N lines below / above it;
* `@below` / `@above`: the next / previous line that holds no annotation;
* `@unknown` (ptoc's addition): a diagnostic without a source location, such as a bad
  pass option.

Every diagnostic of the input must be expected, and every expectation met, as with
`mlir-opt --verify-diagnostics`: otherwise each mismatch is reported on stderr
(`unexpected error: ...`, `expected error "..." was not produced`) and the exit is 1.
With `--split-input-file` each chunk is checked on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ptoc.diagnostics import Diagnostic, Severity

_ANNOTATION = re.compile(
    r"//.*?expected-(error|warning|note)(?:@(above|below|unknown|[+-]\d+))?\s*\{\{(.*?)\}\}"
)
_ANY_ANNOTATION = re.compile(r"expected-(?:error|warning|note)\b")


@dataclass
class Expectation:
    severity: Severity
    line: int | None  # None: a diagnostic without a location
    text: str
    written_at: int  # the annotation's own line
    matched: bool = False


def parse_expectations(chunk: str, line_offset: int) -> list[Expectation] | str:
    """The annotations of `chunk` (whose first line is `line_offset + 1` of the file),
    or an error message about a malformed one."""
    lines = chunk.split("\n")
    annotated = [bool(_ANY_ANNOTATION.search(ln)) for ln in lines]
    found: list[Expectation] = []
    for i, line in enumerate(lines):
        if not annotated[i]:
            continue
        matches = list(_ANNOTATION.finditer(line))
        if not matches:
            return f"line {i + 1 + line_offset}: malformed expected-* annotation (expected {{{{text}}}})"
        for m in matches:
            severity, where, text = Severity(m.group(1)), m.group(2), m.group(3)
            target: int | None
            if where is None:
                target = i
            elif where == "unknown":
                target = None
            elif where == "below":
                target = next((j for j in range(i + 1, len(lines)) if not annotated[j]), None)
                if target is None:
                    return f"line {i + 1 + line_offset}: no line below the annotation"
            elif where == "above":
                target = next((j for j in range(i - 1, -1, -1) if not annotated[j]), None)
                if target is None:
                    return f"line {i + 1 + line_offset}: no line above the annotation"
            else:
                target = i + int(where)
            found.append(
                Expectation(
                    severity,
                    None if target is None else target + 1 + line_offset,
                    text,
                    i + 1 + line_offset,
                )
            )
    return found


def _text(d: Diagnostic) -> str:
    what = f"'{d.op_name}' op " if d.op_name is not None else ""
    return what + d.message


def check(
    diagnostics: list[Diagnostic], expectations: list[Expectation], file: str
) -> list[str]:
    """The mismatches between what was emitted and what was expected (empty: all good)."""
    problems: list[str] = []
    for d in diagnostics:
        line = d.location.line if d.location is not None else None
        text = _text(d)
        hit = next(
            (
                e
                for e in expectations
                if not e.matched and e.severity == d.severity and e.line == line and e.text in text
            ),
            None,
        )
        if hit is not None:
            hit.matched = True
            continue
        where = f"{d.location}: " if d.location is not None else (f"{d.where}: " if d.where else "")
        problems.append(f"{where}error: unexpected {d.severity}: {text}")
    for e in expectations:
        if not e.matched:
            at = f"{file}:{e.written_at}: " if file else ""
            target = "without a location" if e.line is None else f"on line {e.line}"
            problems.append(
                f'{at}error: expected {e.severity} "{e.text}" was not produced {target}'
            )
    return problems
