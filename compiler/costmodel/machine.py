"""The machine description: one TOML file per target, loaded into a frozen `Machine`.

The cost model has no hardware number of its own: every latency, rate, core count and
overhead is a field of `Machine`, and every field comes from the file (a missing or
unknown key is an error naming it). The shipped files live in `ptoc/machines/*.toml`;
`load_machine("a2a3")` finds one by name, `load_machine("/path/x.toml")` reads any file.

A file may start with `extends = "<machine name or path>"`: it then gives only the keys it
changes (e.g. `a2a3_2x_vector.toml` doubles the vector cores of `a2a3`).
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

MACHINES_DIR = Path(__file__).resolve().parent.parent / "machines"

# the TOML sections, and the keys each holds (a key is also the Machine field name)
_SECTIONS: dict[str, tuple[str, ...]] = {
    "": ("name",),
    "clock": ("freq_mhz",),
    "cores": ("vector_cores", "cube_cores", "clusters", "scheduler_threads"),
    "memory": ("ub_bytes", "l1_bytes"),
    "vector": (
        "vector_repeat_bytes",
        "vector_max_repeats",
        "vector_cycles_per_repeat",
        "vector_latency",
        "instr_issue_cycles",
        "in_order_pipes",
        "ub_block_bytes",
        "gather_block_cycles",
        "sort_cycles_per_repeat",
        "sort_repeat_elements",
    ),
    "mte": (
        "gm_to_ub_issue_cycles",
        "gm_read_latency_cycles",
        "gm_read_bytes_per_cycle",
        "ub_to_gm_fixed_cycles",
        "ub_to_gm_bytes_per_cycle",
        "dma_block_bytes",
        "dma_burst_cycles",
        "chip_gm_bytes_per_cycle",
        "atomic_add_cycles_per_block",
    ),
    "scalar": (
        "scalar_read_cycles",
        "scalar_hit_cycles",
        "scalar_arith_cycles",
        "dcache_line_bytes",
        "dcache_bytes",
        "arg_array_reads",
        "arg_reads_per_tensor",
    ),
    "cube": (
        "cube_fractal",
        "cube_fractal_row_bytes",
        "l1_to_l0a_bytes_per_cycle",
        "l1_to_l0b_bytes_per_cycle",
        "mad_head_cycles_per_k_block",
        "fp32_mmad_passes",
        "fixpipe_bytes_per_cycle",
        "fixpipe_fixed_cycles",
        "fixpipe_row_cycles",
        "handoff_cycles",
    ),
    "dispatch": (
        "mmio_dispatch_us",
        "poll_sweep_us",
        "poll_sweep_cores",
        "poll_all_cores",
        "batched_publish",
        "pickup_warm_us",
        "pickup_cold_us",
        "scheduler_start_us",
        "aicpu_submit_us",
        "aicpu_dispatch_us",
        "aicpu_completion_us",
        "scope_submit_us",
    ),
}

# vector latency classes every machine must give (see ops.py for which op uses which)
VECTOR_CLASSES = (
    "add",
    "mul",
    "div",
    "exp",
    "sqrt",
    "reciprocal",
    "row_sum",
    "row_max",
    "maximum",
    "compare",
    "select",
    "cast",
    "gather",
    "sort",
    "other",
)


class MachineError(ValueError):
    """A machine file that cannot be used (missing/unknown key, bad value)."""


@dataclass(frozen=True)
class Machine:
    """One target, as the cost model sees it. Cycle counts are core cycles at `freq_mhz`."""

    name: str
    # clock
    freq_mhz: float
    # cores
    vector_cores: int
    cube_cores: int
    clusters: int
    scheduler_threads: int
    # memory (also read by the dialect's verifier, ptoc.dialects.target)
    ub_bytes: int
    l1_bytes: int
    # vector unit
    vector_repeat_bytes: int
    vector_max_repeats: int
    vector_cycles_per_repeat: int
    vector_latency: tuple[tuple[str, int], ...]
    instr_issue_cycles: float
    in_order_pipes: int
    ub_block_bytes: int
    gather_block_cycles: float
    sort_cycles_per_repeat: float
    sort_repeat_elements: int
    # memory transfer engines
    gm_to_ub_issue_cycles: int
    gm_read_latency_cycles: float
    gm_read_bytes_per_cycle: float
    ub_to_gm_fixed_cycles: int
    ub_to_gm_bytes_per_cycle: float
    dma_block_bytes: int
    dma_burst_cycles: float
    chip_gm_bytes_per_cycle: float
    atomic_add_cycles_per_block: float
    # scalar unit
    scalar_read_cycles: float
    scalar_hit_cycles: float
    scalar_arith_cycles: int
    dcache_line_bytes: int
    dcache_bytes: int
    arg_array_reads: int
    arg_reads_per_tensor: int
    # cube unit
    cube_fractal: int
    cube_fractal_row_bytes: int
    l1_to_l0a_bytes_per_cycle: float
    l1_to_l0b_bytes_per_cycle: float
    mad_head_cycles_per_k_block: int
    fp32_mmad_passes: int
    fixpipe_bytes_per_cycle: float
    fixpipe_fixed_cycles: int
    fixpipe_row_cycles: float
    handoff_cycles: float
    # AICPU scheduler and dispatch
    mmio_dispatch_us: float
    poll_sweep_us: float
    poll_sweep_cores: int
    poll_all_cores: int
    batched_publish: int
    pickup_warm_us: float
    pickup_cold_us: float
    scheduler_start_us: float
    aicpu_submit_us: float
    aicpu_dispatch_us: float
    aicpu_completion_us: float
    scope_submit_us: float

    def latency(self, cls: str) -> int:
        """Fixed latency, in cycles, of the vector instruction class `cls`."""
        for key, value in self.vector_latency:
            if key == cls:
                return value
        raise MachineError(f"machine '{self.name}' has no vector latency for '{cls}'")

    def us(self, cycles: float) -> float:
        """`cycles` core cycles in microseconds."""
        return cycles / self.freq_mhz

    @property
    def poll_us_per_core(self) -> float:
        """What reading one core's completion register costs a scheduler thread."""
        return self.poll_sweep_us / self.poll_sweep_cores

    def cores_of(self, kind: str) -> int:
        """How many units a scope of core kind `kind` can run on at once."""
        if kind == "vector":
            return self.vector_cores
        if kind == "cube":
            return self.cube_cores
        if kind == "mix":
            return self.clusters
        raise MachineError(f"unknown core kind '{kind}' (expected vector, cube or mix)")

    def with_overrides(self, **kw: Any) -> Machine:
        """A copy with some fields changed; values are checked like the file's."""
        for key in kw:
            if key not in _FIELD_TYPES:
                raise MachineError(f"Machine has no field '{key}'")
        lat: Any = kw.get("vector_latency")
        if isinstance(lat, Mapping):
            table = cast(Mapping[str, Any], lat)
            kw["vector_latency"] = tuple(sorted(table.items()))
        new = dataclasses.replace(self, **kw)
        _check(new, "<overrides>")
        return new

    def to_toml_values(self) -> dict[str, Any]:
        """Field name -> value, as the file states it."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = dict(value) if f.name == "vector_latency" else value
        return out


_FIELD_TYPES: dict[str, str] = {f.name: str(f.type) for f in dataclasses.fields(Machine)}


def _resolve(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or "/" in str(name_or_path):
        if not p.is_file():
            raise MachineError(f"machine file not found: {p}")
        return p
    candidate = MACHINES_DIR / f"{name_or_path}.toml"
    if not candidate.is_file():
        known = sorted(q.stem for q in MACHINES_DIR.glob("*.toml"))
        raise MachineError(
            f"unknown machine '{name_or_path}' (known: {', '.join(known)}; or give a .toml path)"
        )
    return candidate


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The file's flattened values (field name -> value), following `extends`."""
    if path in seen:
        raise MachineError(f"machine file {path}: 'extends' forms a cycle")
    try:
        with path.open("rb") as f:
            doc = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise MachineError(f"machine file {path}: not valid TOML: {e}") from e
    base: dict[str, Any] = {}
    partial = "extends" in doc
    if partial:
        parent = doc.pop("extends")
        if not isinstance(parent, str):
            raise MachineError(f"machine file {path}: 'extends' must be a string")
        rel = path.parent / parent
        parent_path = _resolve(rel if parent.endswith(".toml") else parent).resolve()
        base = _read(parent_path, (*seen, path))
    values = dict(base)
    for section, keys in _SECTIONS.items():
        raw: Any = doc if section == "" else doc.get(section, {})
        if not isinstance(raw, dict):
            raise MachineError(f"machine file {path}: '{section}' must be a table")
        table = cast(dict[str, Any], raw)
        for key in keys:
            where = f"{section}.{key}" if section else key
            if key in table:
                value: Any = table[key]
                if key == "vector_latency":
                    if not isinstance(value, dict):
                        raise MachineError(f"machine file {path}: '{where}' must be a table")
                    merged: dict[str, Any] = dict(base.get(key, {}))
                    merged.update(cast(dict[str, Any], value))
                    value = merged
                values[key] = value
            elif not partial:
                raise MachineError(f"machine file {path}: missing key '{where}'")
        allowed: set[str] = set(keys)
        if section == "":
            allowed |= set(_SECTIONS) - {""}
        extra = sorted(k for k in table if k not in allowed)
        if extra:
            where = f"[{section}]" if section else "top level"
            raise MachineError(f"machine file {path}: unknown key '{extra[0]}' in {where}")
    return values


def _check(m: Machine, origin: str) -> None:
    for f in dataclasses.fields(m):
        value = getattr(m, f.name)
        if f.name == "name":
            if not isinstance(value, str) or not value:
                raise MachineError(f"{origin}: 'name' must be a non-empty string")
            continue
        if f.name == "vector_latency":
            names = {k for k, _ in value}
            for cls in VECTOR_CLASSES:
                if cls not in names:
                    raise MachineError(f"{origin}: missing key 'vector.vector_latency.{cls}'")
            for k, v in value:
                if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                    raise MachineError(
                        f"{origin}: 'vector.vector_latency.{k}' must be a non-negative integer"
                    )
            continue
        want_int = f.type == "int"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MachineError(f"{origin}: '{f.name}' must be a number, got {value!r}")
        if want_int and not isinstance(value, int):
            raise MachineError(f"{origin}: '{f.name}' must be an integer, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise MachineError(f"{origin}: '{f.name}' must be finite and >= 0, got {value!r}")
    for positive in (
        "freq_mhz",
        "vector_cores",
        "cube_cores",
        "clusters",
        "scheduler_threads",
        "vector_repeat_bytes",
        "vector_max_repeats",
        "gm_read_bytes_per_cycle",
        "ub_to_gm_bytes_per_cycle",
        "cube_fractal",
        "cube_fractal_row_bytes",
        "l1_to_l0a_bytes_per_cycle",
        "l1_to_l0b_bytes_per_cycle",
        "fp32_mmad_passes",
        "fixpipe_bytes_per_cycle",
        "poll_sweep_cores",
        "ub_block_bytes",
        "dma_block_bytes",
        "chip_gm_bytes_per_cycle",
        "dcache_line_bytes",
        "sort_repeat_elements",
    ):
        if getattr(m, positive) <= 0:
            raise MachineError(f"{origin}: '{positive}' must be > 0")


def load_machine(name_or_path: str | Path = "a2a3") -> Machine:
    """Load a machine by name (a file in ptoc/machines) or from a .toml path."""
    path = _resolve(name_or_path)
    values = _read(path.resolve())
    values["vector_latency"] = tuple(sorted(values["vector_latency"].items()))
    try:
        m = Machine(**values)
    except TypeError as e:  # pragma: no cover - _read checks every key
        raise MachineError(f"machine file {path}: {e}") from e
    _check(m, f"machine file {path}")
    return m
