"""The target machine as the dialect's verifier sees it: the on-chip buffer sizes.

A module names its target with the attribute `pto.target = "a2a3"` on its
`builtin.module`; without it the target is `a2a3`. The sizes come from the target's
machine file (`ptoc/machines/<target>.toml`, keys `ub_bytes` and `l1_bytes` of its
`[memory]` table, with `extends` followed as the cost model does), so that a chip with
different buffers needs a different file, not a different dialect. A tile of a cube task
(a `pto.spmd ... core cube`, or the cube `pto.section` of a mixed one) lives in the cube
core's L1; every other tile in a vector core's unified buffer (UB). This module reads
the TOML itself: the dialect layer does not import the cost model.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any
import importlib.util

from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.utils.exceptions import VerifyException


DEFAULT_TARGET = "a2a3"
TARGET_ATTR = "pto.target"

_SPEC = importlib.util.find_spec("ptoc.machines")  # package data: the shipped machine files
MACHINE_DIRS: list[Path] = [Path(p) for p in (_SPEC.submodule_search_locations or [])] if _SPEC else []
"""Where machine files are looked up by name, first match wins (tests may prepend; call
`ub_bytes.cache_clear()` and `l1_bytes.cache_clear()` after changing it)."""


def _find(name: str) -> Path:
    if name.endswith(".toml"):
        return Path(name)
    for d in MACHINE_DIRS:
        p = d / f"{name}.toml"
        if p.is_file():
            return p
    raise VerifyException(f"unknown target '{name}': no machine file {name}.toml")


def _read_memory(path: Path, key: str, seen: tuple[Path, ...] = ()) -> int:
    if path in seen:
        raise VerifyException(f"machine file {path.name}: 'extends' forms a cycle")
    try:
        with path.open("rb") as f:
            doc: dict[str, Any] = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise VerifyException(f"machine file {path.name} cannot be read: {e}") from e
    mem = doc.get("memory", {})
    if isinstance(mem, dict) and key in mem:
        v = mem[key]  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise VerifyException(f"machine file {path.name}: memory.{key} must be > 0")
        return v
    parent = doc.get("extends")
    if isinstance(parent, str):
        base = path.parent / parent if parent.endswith(".toml") else _find(parent)
        return _read_memory(base, key, (*seen, path))
    raise VerifyException(f"machine file {path.name} has no memory.{key}")


@cache
def ub_bytes(target: str) -> int:
    """Unified-buffer bytes of one vector core of `target` (a machine name or .toml path)."""
    return _read_memory(_find(target), "ub_bytes")


@cache
def l1_bytes(target: str) -> int:
    """L1-buffer bytes of one cube core of `target` (a machine name or .toml path)."""
    return _read_memory(_find(target), "l1_bytes")


def in_cube(op: Operation) -> bool:
    """Whether `op` runs on a cube core: inside the cube `pto.section` of a mixed task, or
    in a `pto.spmd ... core cube` (the nearest enclosing section or scope decides)."""
    p = op.parent_op()
    while p is not None:
        if p.name == "pto.section":
            side = p.properties.get("side")
            return getattr(side, "data", None) == "cube"
        if p.name == "pto.spmd":
            core = p.properties.get("core")
            return getattr(core, "data", None) == "cube"
        p = p.parent_op()
    return False


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


def tile_buffer_for(op: Operation) -> tuple[int, str, str]:
    """(bytes, target name, the buffer's name) of the buffer that holds `op`'s tiles:
    the cube core's L1 for an op of a cube task (`in_cube`), else a vector core's UB."""
    t = target_of(op)
    if in_cube(op):
        return l1_bytes(t), t, "L1 buffer of one cube core"
    return ub_bytes(t), t, "unified buffer of one vector core"
