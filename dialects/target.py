"""The target machine as the dialect's verifier sees it: the unified-buffer size.

A module names its target with the attribute `pto.target = "a2a3"` on its
`builtin.module`; without it the target is `a2a3`. The size comes from the target's
machine file (`ptoc/machines/<target>.toml`, key `ub_bytes` of its `[memory]` table, with
`extends` followed as the cost model does), so that a chip with a different buffer needs
a different file, not a different dialect. This module reads the TOML itself: the
dialect layer does not import the cost model.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.utils.exceptions import VerifyException

import ptoc.machines  # package data only: the shipped machine files

DEFAULT_TARGET = "a2a3"
TARGET_ATTR = "pto.target"

MACHINE_DIRS: list[Path] = [Path(p) for p in ptoc.machines.__path__]
"""Where machine files are looked up by name, first match wins (tests may prepend; call
`ub_bytes.cache_clear()` after changing it)."""


def _find(name: str) -> Path:
    if name.endswith(".toml"):
        return Path(name)
    for d in MACHINE_DIRS:
        p = d / f"{name}.toml"
        if p.is_file():
            return p
    raise VerifyException(f"unknown target '{name}': no machine file {name}.toml")


def _read_ub(path: Path, seen: tuple[Path, ...] = ()) -> int:
    if path in seen:
        raise VerifyException(f"machine file {path.name}: 'extends' forms a cycle")
    try:
        with path.open("rb") as f:
            doc: dict[str, Any] = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise VerifyException(f"machine file {path.name} cannot be read: {e}") from e
    mem = doc.get("memory", {})
    if isinstance(mem, dict) and "ub_bytes" in mem:
        v = mem["ub_bytes"]  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise VerifyException(f"machine file {path.name}: memory.ub_bytes must be > 0")
        return v
    parent = doc.get("extends")
    if isinstance(parent, str):
        base = path.parent / parent if parent.endswith(".toml") else _find(parent)
        return _read_ub(base, (*seen, path))
    raise VerifyException(f"machine file {path.name} has no memory.ub_bytes")


@cache
def ub_bytes(target: str) -> int:
    """Unified-buffer bytes of one vector core of `target` (a machine name or .toml path)."""
    return _read_ub(_find(target))


def target_of(op: Operation) -> str:
    """The target named by the outermost `builtin.module` around `op` (or `a2a3`)."""
    name = DEFAULT_TARGET
    p: Operation | None = op
    while p is not None:
        if isinstance(p, ModuleOp):
            attr = p.attributes.get(TARGET_ATTR)
            if isinstance(attr, StringAttr):
                name = attr.data
        p = p.parent_op()
    return name


def ub_bytes_for(op: Operation) -> tuple[int, str]:
    """(unified-buffer bytes, target name) for the module that holds `op`."""
    t = target_of(op)
    return ub_bytes(t), t
