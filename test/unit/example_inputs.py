"""Which inputs script an example kernel runs on, for the tests that run every example.

An example's inputs are the `inputs.py` next to it (what `pto-run` imports), except for
a variant of a calibration or holdout case whose `case.toml` names another inputs file
for it (a case whose variants take different arguments, e.g. holdout 1436179c).
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def inputs_script(kernel: Path) -> Path | None:
    """The inputs script of `kernel`, or None (no script: random inputs)."""
    case = kernel.parent / "case.toml"
    if case.is_file():
        with case.open("rb") as f:
            doc = tomllib.load(f)
        for v in doc.get("variants", []):
            if v.get("kernel") == kernel.name and v.get("inputs") and "inputs_function" not in v:
                return kernel.parent / v["inputs"]
    script = kernel.parent / "inputs.py"
    return script if script.is_file() else None
