"""An executor of ptoc kernels built from upstream MLIR: the interpreter's cross-check.

`compile_kernel(module)` lowers a kernel with `pto-to-upstream` (after
`pto-unroll-expand`), prints it in generic form and builds it with the upstream CPU
pipeline:

1. `mlir-opt` (LLVM 19): elementwise ops to linalg, one-shot bufferization, buffer
   deallocation, linalg to loops, and the conversions to the LLVM dialect;
2. `mlir-translate --mlir-to-llvmir`;
3. LLVM itself, called through its C API (`libLLVM-19.so`, ctypes): the `default<O2>`
   optimization pipeline and an object file for the host CPU. No floating-point
   contraction or reassociation is enabled, so every fp op rounds as written. LLVM IR
   of more than `LLVM_O2_MAX_IR_BYTES` (kernels of dozens of launches or long unrolls)
   is built at `default<O0>` with fast instruction selection instead: O2's time grows
   faster than the IR (a 3 MB module: 12 s against 2.4 s at O0), and without fast-math
   every level computes the same bits;
4. the C compiler driver (`cc -shared`) links a shared object against MLIR's
   `libmlir_c_runner_utils` (for `memrefCopy`).

The shared object is cached by a hash of the lowered IR, the tool versions and the host
CPU (`$PTOC_CACHE_DIR`, default `~/.cache/ptoc/mlir`), so tests that repeat a kernel
compile it once. `MlirKernel.run` calls the function's C interface
(`_mlir_ciface_<name>`) with memref descriptors that point at copies of the numpy input
buffers: inputs are never embedded in the IR, and the caller's arrays are not written.

Tool discovery: `mlir-opt-19` / `mlir-translate-19` on PATH, else `/usr/lib/llvm-19/bin`
(Debian's `mlir-19-tools`); `$PTOC_LLVM_DIR` overrides the LLVM prefix. `tools_status()`
says what is missing, so tests can skip with a reason.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from xdsl.context import Context
from xdsl.dialects import func
from xdsl.dialects.builtin import (
    IndexType,
    MemRefType,
    ModuleOp,
    StringAttr,
    UnitAttr,
)
from xdsl.ir import Attribute
from xdsl.printer import Printer

from ptoc.backend import numerics as nm
from ptoc.diagnostics import PtoDiagnostic
from ptoc.dialects.pto import UnrollOp
from ptoc.passes.to_upstream import ToUpstreamPass
from ptoc.passes.unroll_expand import UnrollExpandPass

LLVM_VERSION = 19

MLIR_OPT_PIPELINE: tuple[str, ...] = (
    "--convert-elementwise-to-linalg",
    "--one-shot-bufferize=bufferize-function-boundaries=1 allow-return-allocs-from-loops=1",
    "--buffer-deallocation-pipeline",
    "--convert-bufferization-to-memref",
    "--convert-linalg-to-loops",
    "--expand-strided-metadata",
    "--lower-affine",
    "--arith-expand",
    "--convert-scf-to-cf",
    "--finalize-memref-to-llvm",
    "--convert-math-to-llvm",
    "--convert-arith-to-llvm",
    "--convert-index-to-llvm",
    "--convert-func-to-llvm",
    "--convert-cf-to-llvm",
    "--reconcile-unrealized-casts",
)
"""The upstream passes from the output of `pto-to-upstream` to the LLVM dialect."""

LLVM_OPT_PIPELINE = "default<O2>"
LLVM_O2_MAX_IR_BYTES = 1 << 20
"""LLVM IR longer than this is built at `default<O0>` (CodeGenOptLevel None)."""

TOOL_TIMEOUT_S = 600.0
MAX_IR_BYTES = 64 << 20


class MlirEngineError(PtoDiagnostic):
    """The MLIR engine could not build or run a kernel (a located diagnostic)."""


# --------------------------------------------------------------------------- tools


@dataclass(frozen=True)
class Tools:
    mlir_opt: str
    mlir_translate: str
    libllvm: str
    runner_utils: str
    cc: str


def _llvm_prefix() -> Path:
    return Path(os.environ.get("PTOC_LLVM_DIR", f"/usr/lib/llvm-{LLVM_VERSION}"))


def _which(names: Sequence[str], extra: Path) -> str | None:
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    for n in names:
        p = extra / n
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
    return None


def _lib(names: Sequence[str], dirs: Sequence[Path]) -> str | None:
    for d in dirs:
        for n in names:
            p = d / n
            if p.is_file():
                return str(p)
    return None


def tools_status() -> tuple[Tools | None, str]:
    """The tools the engine needs, or None and what is missing."""
    prefix = _llvm_prefix()
    bin_dir = prefix / "bin"
    lib_dirs = [prefix / "lib", Path("/usr/lib/x86_64-linux-gnu"), Path("/usr/lib/aarch64-linux-gnu")]
    v = LLVM_VERSION
    found = {
        "mlir-opt": _which([f"mlir-opt-{v}"], bin_dir) or _which(["mlir-opt"], bin_dir),
        "mlir-translate": _which([f"mlir-translate-{v}"], bin_dir) or _which(["mlir-translate"], bin_dir),
        f"libLLVM-{v}.so": _lib([f"libLLVM-{v}.so", f"libLLVM.so.{v}.1", f"libLLVM.so.{v}"], lib_dirs),
        "libmlir_c_runner_utils.so": _lib(
            ["libmlir_c_runner_utils.so", f"libmlir_c_runner_utils.so.{v}.1"], lib_dirs
        ),
        "cc": _which(["cc", "gcc", "clang"], Path("/usr/bin")),
    }
    missing = [k for k, p in found.items() if p is None]
    if missing:
        return None, (
            f"the MLIR engine needs {', '.join(missing)} (Debian: apt-get install "
            f"mlir-{v}-tools libmlir-{v} gcc)"
        )
    return Tools(*(str(found[k]) for k in found)), ""  # pyright: ignore[reportArgumentType]


def require_tools() -> Tools:
    tools, why = tools_status()
    if tools is None:
        raise MlirEngineError(None, why)
    return tools


# --------------------------------------------------------------------------- LLVM C API


class _Llvm:
    """The few LLVM C API calls that turn LLVM IR text into an optimized object file."""

    def __init__(self, path: str):
        L = ctypes.CDLL(path)
        vp, cp, ci = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        sig: dict[str, tuple[Any, list[Any]]] = {
            "LLVMContextCreate": (vp, []),
            "LLVMContextDispose": (None, [vp]),
            "LLVMCreateMemoryBufferWithMemoryRangeCopy": (vp, [cp, ctypes.c_size_t, cp]),
            "LLVMParseIRInContext": (ci, [vp, vp, ctypes.POINTER(vp), ctypes.POINTER(vp)]),
            "LLVMGetDefaultTargetTriple": (vp, []),
            "LLVMGetHostCPUName": (vp, []),
            "LLVMGetHostCPUFeatures": (vp, []),
            "LLVMGetTargetFromTriple": (ci, [vp, ctypes.POINTER(vp), ctypes.POINTER(vp)]),
            "LLVMCreateTargetMachine": (vp, [vp, vp, vp, vp, ci, ci, ci]),
            "LLVMDisposeTargetMachine": (None, [vp]),
            "LLVMCreateTargetDataLayout": (vp, [vp]),
            "LLVMSetModuleDataLayout": (None, [vp, vp]),
            "LLVMDisposeTargetData": (None, [vp]),
            "LLVMSetTarget": (None, [vp, vp]),
            "LLVMCreatePassBuilderOptions": (vp, []),
            "LLVMDisposePassBuilderOptions": (None, [vp]),
            "LLVMRunPasses": (vp, [vp, cp, vp, vp]),
            "LLVMGetErrorMessage": (vp, [vp]),
            "LLVMDisposeErrorMessage": (None, [vp]),
            "LLVMTargetMachineEmitToFile": (ci, [vp, vp, cp, ci, ctypes.POINTER(vp)]),
            "LLVMDisposeModule": (None, [vp]),
            "LLVMDisposeMessage": (None, [vp]),
        }
        for name, (res, args) in sig.items():
            fn = getattr(L, name)
            fn.restype = res
            fn.argtypes = args
        arch = os.uname().machine
        target = {"x86_64": "X86", "aarch64": "AArch64", "arm64": "AArch64"}.get(arch)
        if target is None:
            raise MlirEngineError(None, f"the MLIR engine does not know the LLVM target of {arch}")
        for part in ("TargetInfo", "Target", "TargetMC", "AsmPrinter"):
            getattr(L, f"LLVMInitialize{target}{part}")()
        self.L = L
        self.triple = self._take(L.LLVMGetDefaultTargetTriple())
        self.cpu = self._take(L.LLVMGetHostCPUName())
        self.features = self._take(L.LLVMGetHostCPUFeatures())

    def _take(self, p: int | None) -> str:
        if not p:
            return ""
        s = ctypes.string_at(p).decode()
        self.L.LLVMDisposeMessage(p)
        return s

    def emit_object(self, llvm_ir: bytes, out: str) -> None:
        L = self.L
        pipeline, codegen_level = llvm_levels(len(llvm_ir))
        ctx = L.LLVMContextCreate()
        try:
            buf = L.LLVMCreateMemoryBufferWithMemoryRangeCopy(llvm_ir, len(llvm_ir), b"kernel")
            mod = ctypes.c_void_p()
            msg = ctypes.c_void_p()
            if L.LLVMParseIRInContext(ctx, buf, ctypes.byref(mod), ctypes.byref(msg)):
                raise MlirEngineError(None, f"LLVM cannot parse the translated IR: {self._take(msg.value)}")
            target = ctypes.c_void_p()
            triple = self.triple.encode()
            if L.LLVMGetTargetFromTriple(triple, ctypes.byref(target), ctypes.byref(msg)):
                raise MlirEngineError(None, f"no LLVM target for {self.triple}: {self._take(msg.value)}")
            # CodeGenOptLevel None (0) / Default (2), RelocPIC (2), CodeModelDefault (0)
            tm = L.LLVMCreateTargetMachine(
                target, triple, self.cpu.encode(), self.features.encode(), codegen_level, 2, 0
            )
            try:
                L.LLVMSetTarget(mod, triple)
                td = L.LLVMCreateTargetDataLayout(tm)
                L.LLVMSetModuleDataLayout(mod, td)
                L.LLVMDisposeTargetData(td)
                opts = L.LLVMCreatePassBuilderOptions()
                err = L.LLVMRunPasses(mod, pipeline.encode(), tm, opts)
                L.LLVMDisposePassBuilderOptions(opts)
                if err:
                    m = L.LLVMGetErrorMessage(err)
                    text = ctypes.string_at(m).decode()
                    L.LLVMDisposeErrorMessage(m)
                    raise MlirEngineError(None, f"LLVM optimization failed: {text}")
                if L.LLVMTargetMachineEmitToFile(tm, mod, out.encode(), 1, ctypes.byref(msg)):
                    raise MlirEngineError(None, f"LLVM code generation failed: {self._take(msg.value)}")
            finally:
                L.LLVMDisposeModule(mod)
                L.LLVMDisposeTargetMachine(tm)
        finally:
            L.LLVMContextDispose(ctx)


_llvm_cache: dict[str, _Llvm] = {}


def llvm_levels(ir_bytes: int) -> tuple[str, int]:
    """The LLVM pass pipeline and code-generation level for LLVM IR of `ir_bytes`."""
    if ir_bytes > LLVM_O2_MAX_IR_BYTES:
        return "default<O0>", 0
    return LLVM_OPT_PIPELINE, 2


def _llvm(tools: Tools) -> _Llvm:
    got = _llvm_cache.get(tools.libllvm)
    if got is None:
        got = _llvm_cache[tools.libllvm] = _Llvm(tools.libllvm)
    return got


# --------------------------------------------------------------------------- lowering


def _arg_names(fn: func.FuncOp) -> list[str]:
    names: list[str] = []
    attrs = fn.arg_attrs.data if fn.arg_attrs is not None else ()
    for i, a in enumerate(fn.body.block.args):
        n = None
        if i < len(attrs):
            v = attrs[i].data.get("pto.name")
            if isinstance(v, StringAttr):
                n = v.data
        names.append(n or a.name_hint or f"arg{i}")
    return names


def _pick(module: ModuleOp, name: str | None) -> func.FuncOp:
    fns = [o for o in module.body.block.ops if isinstance(o, func.FuncOp) and o.body.blocks]
    if name is not None:
        fns = [f for f in fns if f.sym_name.data == name]
        if not fns:
            raise MlirEngineError(None, f"no function @{name} in the module")
    if len(fns) != 1:
        raise MlirEngineError(
            None, "the module has several functions: choose one" if fns else "no function to run"
        )
    return fns[0]


def lower_to_upstream(module: ModuleOp, ctx: Context | None = None) -> ModuleOp:
    """A copy of `module` with every `pto.unroll` expanded and every pto op lowered."""
    ctx = ctx or Context()
    m = module.clone()
    if any(isinstance(o, UnrollOp) for o in m.walk()):
        UnrollExpandPass().apply(ctx, m)
    ToUpstreamPass().apply(ctx, m)
    return m


def generic_text(module: ModuleOp) -> str:
    """The module in MLIR's generic form (what upstream tools parse)."""
    out = io.StringIO()
    Printer(stream=out, print_generic_format=True).print_op(module)
    return out.getvalue() + "\n"


# --------------------------------------------------------------------------- building


def cache_dir() -> Path:
    d = os.environ.get("PTOC_CACHE_DIR")
    return Path(d) if d else Path.home() / ".cache" / "ptoc" / "mlir"


def _run(cmd: Sequence[str], stdin: bytes, what: str) -> bytes:
    try:
        p = subprocess.run(
            list(cmd), input=stdin, capture_output=True, timeout=TOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise MlirEngineError(None, f"{what} took more than {TOOL_TIMEOUT_S:.0f} s") from e
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip().splitlines()
        head = "\n".join(err[:20])
        raise MlirEngineError(None, f"{what} failed (exit {p.returncode}):\n{head}")
    return p.stdout


def verify_upstream(text: str, tools: Tools | None = None) -> None:
    """Run `mlir-opt` (no unregistered dialects) on `text`; raise if it does not verify."""
    tools = tools or require_tools()
    _run([tools.mlir_opt, "-", "-o", os.devnull], text.encode(), "mlir-opt (verify)")


def build_shared_object(text: str, tools: Tools | None = None) -> Path:
    """The cached shared object of an upstream-MLIR module (generic text)."""
    tools = tools or require_tools()
    if len(text) > MAX_IR_BYTES:
        raise MlirEngineError(None, f"the lowered kernel is {len(text)} bytes (limit {MAX_IR_BYTES})")
    llvm = _llvm(tools)
    key = hashlib.sha256(
        "\0".join([text, *MLIR_OPT_PIPELINE, LLVM_OPT_PIPELINE, str(LLVM_O2_MAX_IR_BYTES),
                   tools.mlir_opt, llvm.cpu, llvm.features]).encode()
    ).hexdigest()[:24]
    d = cache_dir()
    so = d / f"{key}.so"
    if so.is_file():
        return so
    d.mkdir(parents=True, exist_ok=True)
    llvm_dialect = _run([tools.mlir_opt, "-", *MLIR_OPT_PIPELINE], text.encode(), "mlir-opt")
    llvm_ir = _run([tools.mlir_translate, "--mlir-to-llvmir", "-"], llvm_dialect, "mlir-translate")
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        obj = os.path.join(tmp, "kernel.o")
        llvm.emit_object(llvm_ir, obj)
        lib_dir = os.path.dirname(tools.runner_utils)
        tmp_so = os.path.join(tmp, "kernel.so")
        _run(
            [tools.cc, "-shared", "-o", tmp_so, obj, tools.runner_utils, f"-Wl,-rpath,{lib_dir}",
             "-lm"],
            b"", "cc -shared",
        )
        os.replace(tmp_so, so)
    return so


# --------------------------------------------------------------------------- running


def _descriptor_type(rank: int) -> type[ctypes.Structure]:
    fields: list[tuple[str, Any]] = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
    ]
    if rank:
        fields += [("sizes", ctypes.c_int64 * rank), ("strides", ctypes.c_int64 * rank)]
    return type(f"MemRef{rank}D", (ctypes.Structure,), {"_fields_": fields})


def _scalar_ctype(t: Attribute) -> Any:
    dt = nm.np_dtype(t)
    table: dict[str, Any] = {
        "int8": ctypes.c_int8, "int16": ctypes.c_int16, "int32": ctypes.c_int32,
        "int64": ctypes.c_int64, "uint8": ctypes.c_uint8, "uint16": ctypes.c_uint16,
        "uint32": ctypes.c_uint32, "uint64": ctypes.c_uint64, "float32": ctypes.c_float,
        "float64": ctypes.c_double, "bool": ctypes.c_bool,
    }
    if isinstance(t, IndexType):
        return ctypes.c_int64
    got = table.get(dt.name)
    if got is None:
        raise MlirEngineError(None, f"the MLIR engine cannot pass a scalar {t} argument")
    return got


class MlirKernel:
    """A kernel function compiled by the upstream MLIR pipeline; `run` it on inputs."""

    def __init__(self, fn: func.FuncOp, so: Path):
        self.name = fn.sym_name.data
        self.arg_names = _arg_names(fn)
        self.arg_types: list[Attribute] = list(fn.function_type.inputs.data)
        self.path = so
        self._lib = ctypes.CDLL(str(so))
        self._fn = getattr(self._lib, f"_mlir_ciface_{self.name}")
        argtypes: list[Any] = []
        self._descs: list[type[ctypes.Structure] | None] = []
        for t in self.arg_types:
            if isinstance(t, MemRefType):
                d = _descriptor_type(len(t.get_shape()))
                self._descs.append(d)
                argtypes.append(ctypes.POINTER(d))
            else:
                self._descs.append(None)
                argtypes.append(_scalar_ctype(t))
        self._fn.argtypes = argtypes
        self._fn.restype = None

    def bind(self, inputs: Mapping[str, Any] | Sequence[Any]) -> list[Any]:
        """Inputs in argument order: by name (a mapping) or by position (a sequence)."""
        if isinstance(inputs, Mapping):
            missing = [n for n in self.arg_names if n not in inputs]
            extra = sorted(set(inputs) - set(self.arg_names))
            if missing or extra:
                raise MlirEngineError(
                    None,
                    f"@{self.name} takes {', '.join(self.arg_names)}"
                    + (f"; missing {', '.join(missing)}" if missing else "")
                    + (f"; unexpected {', '.join(extra)}" if extra else ""),
                )
            return [inputs[n] for n in self.arg_names]
        if len(inputs) != len(self.arg_names):
            raise MlirEngineError(
                None, f"@{self.name} takes {len(self.arg_names)} inputs, got {len(inputs)}"
            )
        return list(inputs)

    def run(self, inputs: Mapping[str, Any] | Sequence[Any]) -> dict[str, np.ndarray[Any, Any]]:
        """Run on copies of `inputs`; every memref argument afterwards, by name."""
        values = self.bind(inputs)
        args: list[Any] = []
        keep: list[Any] = []
        outs: dict[str, np.ndarray[Any, Any]] = {}
        for name, t, v, d in zip(self.arg_names, self.arg_types, values, self._descs):
            if d is None:
                args.append(_scalar_ctype(t)(v.item() if isinstance(v, np.ndarray) else v))
                continue
            assert isinstance(t, MemRefType)
            dt = nm.np_dtype(t.get_element_type())
            a = np.array(v, dtype=dt, copy=True, order="C")
            shape = tuple(t.get_shape())
            if a.ndim != len(shape) or any(s >= 0 and s != n for s, n in zip(shape, a.shape)):
                raise MlirEngineError(None, f"input '{name}' has shape {list(a.shape)}, expected {t}")
            desc = d()
            ptr = a.ctypes.data
            desc.allocated = ptr
            desc.aligned = ptr
            desc.offset = 0
            if a.ndim:
                for i, (n, s) in enumerate(zip(a.shape, a.strides)):
                    desc.sizes[i] = n  # pyright: ignore[reportAttributeAccessIssue]
                    desc.strides[i] = s // a.itemsize  # pyright: ignore[reportAttributeAccessIssue]
            keep.append(desc)
            args.append(ctypes.byref(desc))
            outs[name] = a
        self._fn(*args)
        return outs


def compile_kernel(
    module: ModuleOp, func_name: str | None = None, *, lowered: bool = False
) -> MlirKernel:
    """Lower (unless `lowered`), verify, build (cached) and load a kernel function."""
    tools = require_tools()
    m = module if lowered else lower_to_upstream(module)
    fn = _pick(m, func_name)
    fn.attributes["llvm.emit_c_interface"] = UnitAttr()
    text = generic_text(m)
    so = build_shared_object(text, tools)
    return MlirKernel(fn, so)


# --------------------------------------------------------------------------- comparing

ORDER_RTOL = 2.0**-12
"""Normwise bound for outputs that depend on a matmul whose partial sums are inexact:
|mlir - interpreter| <= ORDER_RTOL * max|interpreter output| + 1 ulp of the element.
2**-12 ~ 2 * gamma_K (K * u / (1 - K * u), u = 2**-24) for K = 2048: two fp32 summation
orders of a K-term dot product differ by at most 2 * gamma_K * sum|a_k b_k|."""


@dataclass(frozen=True)
class OutputDiff:
    """How one output of the MLIR engine compares with the interpreter's."""

    name: str
    size: int
    differing: int
    max_ulp: int
    max_abs: float
    first: tuple[int, ...] | None
    ref_value: float | int | None
    got_value: float | int | None
    ok: bool

    @property
    def identical(self) -> bool:
        return self.differing == 0


def _ordered(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Float bit patterns as integers that count ulps (monotone in the value)."""
    bits = a.view(np.dtype(f"int{a.itemsize * 8}")).astype(np.int64)
    top = np.int64(1) << (a.itemsize * 8 - 1)
    return np.where(bits < 0, -(bits & (top - 1)), bits)


def compare_outputs(
    ref: Mapping[str, Any], got: Mapping[str, Any], *, contract: str = "exact"
) -> list[OutputDiff]:
    """Compare every output; `contract` is "exact" (bit-identical; NaN equals NaN) or
    "order" (within ORDER_RTOL normwise plus one ulp, for inexact matmul sums)."""
    if contract not in ("exact", "order"):
        raise ValueError(f"unknown contract '{contract}'")
    diffs: list[OutputDiff] = []
    for name, r in ref.items():
        a = np.asarray(r)
        b = np.asarray(got[name])
        if a.dtype == b.dtype and a.shape == b.shape and (
            a.tobytes() == b.tobytes()
        ):  # the same bits: identical, and cheap to tell (most outputs of most runs)
            diffs.append(OutputDiff(name, int(a.size), 0, 0, 0.0, None, None, None, True))
            continue
        is_float = nm.is_float_dtype(a.dtype)
        if is_float:
            ua, ub = _ordered(a), _ordered(b)
            both_nan = np.isnan(a.astype(np.float64)) & np.isnan(b.astype(np.float64))
            ulp = np.where(both_nan, 0, np.abs(ua - ub))
            bad = ulp != 0
        else:
            bad = a != b
            ulp = bad.astype(np.int64)
        n = int(bad.sum())
        first = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), a.shape)) if n else None
        a64 = a.astype(np.float64) if is_float or a.dtype.kind in "iub" else a
        b64 = b.astype(np.float64) if is_float or b.dtype.kind in "iub" else b
        absd = np.where(bad, np.abs(a64 - b64), 0.0) if n else np.zeros(1)
        ok = n == 0
        if not ok and contract == "order" and is_float:
            scale = float(np.nanmax(np.abs(a64))) if a.size else 0.0
            ok = bool(np.all((ulp <= 1) | (absd <= ORDER_RTOL * scale)))
        diffs.append(
            OutputDiff(
                name, int(a.size), n, int(ulp.max()) if ulp.size else 0,
                float(np.nanmax(absd)) if absd.size else 0.0, first,
                a[first].item() if first is not None else None,
                b[first].item() if first is not None else None, ok,
            )
        )
    return diffs


def has_matmul(module: ModuleOp) -> bool:
    return any(o.name in ("pto.matmul", "pto.matmul_acc") for o in module.walk())
