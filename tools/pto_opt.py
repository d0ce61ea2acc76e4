"""`pto-opt`: xdsl-opt for ptoc, with the `pto` dialect and every ptoc pass.

Every error is a one-line diagnostic (with `file:line:col` where the input gives it)
and a non-zero exit. `--verify-diagnostics` checks the diagnostics against the input's
`// expected-error@+1 {{...}}` annotations, as mlir-opt does (see
`ptoc.tools.verify_diagnostics`): a missing, extra or wrong diagnostic is exit 1. The output file (`-o`) is written only once everything
succeeded, and never before the input has been read.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable, Mapping, Sequence
from io import StringIO
from types import FrameType
from typing import IO, Any, NoReturn

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.printer import Printer
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

import ptoc.tuning  # noqa: F401  # registers the tuning layer's passes (a light import)
from ptoc import xdsl_compat
from ptoc.api import context, parse
from ptoc.diagnostics import (
    Diagnostic,
    PtoDiagnostic,
    Severity,
    SourceLocation,
    describe_pipeline_error,
    diagnostic_sink,
    format_parse_error,
    verify,
)
from ptoc.passes import available_passes
from ptoc.frontend import is_kernel_file, load_for_tool
from ptoc.tools import verify_diagnostics

PARSE_TIMEOUT_S = 120


class ToolError(Exception):
    """An error about the command line or the files, reported as `pto-opt: error: ...`."""


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise _Timeout()


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder.

    A failure leaves an existing file as it was. A symlink is written through (its
    target is replaced), and a device or pipe (`-o /dev/null`, `-o /dev/stdout`) is
    written directly: replacing it would put a regular file in its place. A replaced
    file keeps its permissions; a new one gets the umask's.
    """
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "wb") as f:
            f.write(data)
        return
    target = os.path.realpath(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=".pto-", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomically(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path` as `write_bytes_atomically` does."""
    write_bytes_atomically(path, text.encode("utf-8"))


MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest input file a tool reads (a kernel is kilobytes; this is a safety limit)."""


def require_regular_file(path: str, what: str = "") -> None:
    """A ToolError unless `path` is a regular file (a FIFO would block the tool forever,
    a device could be endless) of at most MAX_INPUT_BYTES."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise ToolError(f"cannot read {what}'{path}': {e.strerror or e}") from e
    if stat.S_ISDIR(st.st_mode):
        raise ToolError(f"cannot read {what}'{path}': Is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise ToolError(
            f"cannot read {what}'{path}': not a regular file (a FIFO, socket or device)"
        )
    if st.st_size > MAX_INPUT_BYTES:
        raise ToolError(
            f"{what}'{path}' is {st.st_size} bytes, more than the limit of "
            f"{MAX_INPUT_BYTES} bytes"
        )


def check_outputs(outputs: Mapping[str, str | None], inputs: Sequence[str | None]) -> None:
    """A ToolError if an output file is one of the inputs (by resolved path, or by device
    and inode for hard links), or if two outputs name the same file."""

    def identity(path: str) -> tuple[object, ...]:
        try:
            st = os.stat(path)
            return ("inode", st.st_dev, st.st_ino)
        except OSError:
            return ("path", os.path.realpath(path))

    ins = {identity(p): p for p in inputs if p is not None and p != "-"}
    seen: dict[tuple[object, ...], str] = {}
    for opt, path in outputs.items():
        if path is None or path in ("-", os.devnull):
            continue
        key = identity(path)
        if key in ins:
            raise ToolError(
                f"{opt} '{path}' is the input file '{ins[key]}': refusing to overwrite an input"
            )
        if key in seen:
            raise ToolError(f"{opt} '{path}' is the same file as {seen[key]}")
        seen[key] = f"{opt} '{path}'"


def read_input(path: str | None) -> tuple[str, str]:
    """(text, name) of the input file or stdin; raises ToolError if unreadable."""
    if path is None or path == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name = "<stdin>"
        if len(data) > MAX_INPUT_BYTES:
            raise ToolError(f"the input on stdin is more than {MAX_INPUT_BYTES} bytes")
    else:
        require_regular_file(path)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ToolError(f"cannot read '{path}': {e.strerror or e}") from e
        name = path
    if b"\x00" in data:
        raise PtoDiagnostic(None, "input is binary (contains NUL bytes), not an MLIR file", name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PtoDiagnostic(
            None, f"input is not UTF-8 text (byte {e.start}): is it an MLIR file?", name
        ) from e
    return text, name


def parse_with_timeout(text: str, name: str, seconds: int, **kwargs: Any) -> ModuleOp:
    """`ptoc.parse`, giving up with a ToolError after `seconds` (0: no limit)."""
    use_alarm = seconds > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        old: Callable[..., object] | int | None = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(seconds)
    try:
        return parse(text, name, **kwargs)
    except _Timeout:
        raise ToolError(
            f"{name}: parsing did not finish within {seconds} s; "
            "the input is malformed or too large (see --parse-timeout)"
        ) from None
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)  # pyright: ignore[reportPossiblyUnboundVariable, reportArgumentType]


def load_module(path: str, func: str | None, sets: Sequence[str] | None,
                parse_timeout: int) -> tuple[ModuleOp, str]:
    """A tool's FILE as a module, and the name its diagnostics use: a `.py` PyPTO kernel
    through the frontend (`--func`, `--set NAME=VALUE`), else MLIR text (a path or '-'),
    parsed within `parse_timeout` seconds."""
    if is_kernel_file(path):
        return load_for_tool(path, func, list(sets or [])), path
    if sets:
        raise ToolError("--set applies to .py kernels only")
    text, name = read_input(path)
    return parse_with_timeout(text, name, parse_timeout), name


def add_parse_timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--parse-timeout",
        type=_parse_timeout,
        default=PARSE_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up on an input whose parsing takes longer (default {PARSE_TIMEOUT_S}; 0: no limit)",
    )


def split_chunks(text: str, split: bool) -> list[tuple[str, int]]:
    if not split:
        return [(text, 0)]
    chunks: list[tuple[str, int]] = []
    offset = 0
    for chunk in text.split("// -----"):
        chunks.append((chunk, offset))
        offset += chunk.count("\n")
    return chunks


def _usage_error(message: str) -> NoReturn:
    raise ToolError(f"{message} (see pto-opt --help)")


def _parse_timeout(text: str) -> int:
    """Seconds for --parse-timeout: 0 (no limit) up to a million."""
    try:
        seconds = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got '{text}'") from None
    if not 0 <= seconds <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{seconds} is not between 0 (no limit) and 1000000")
    return seconds


class PtoOptMain(xDSLOptMain):
    """The `pto-opt` driver."""

    version_format = "pto-opt (ptoc) built on xdsl {xdsl_version}"

    def __init__(self, args: Sequence[str] | None = None):
        self.setup_error: Exception | None = None
        super().__init__(description="ptoc modular optimizer driver", args=args)

    def register_all_dialects(self) -> None:
        self.ctx = context()

    def register_all_passes(self) -> None:
        for name, factory in available_passes().items():
            self.register_pass(name, factory)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        # A usage error is a one-line `pto-opt: error: ...` and exit 1, as in pto-run and
        # pto-tune (argparse would print the usage and exit 2, the internal-error code).
        arg_parser.prog = "pto-opt"
        arg_parser.error = _usage_error  # pyright: ignore[reportAttributeAccessIssue]
        super().register_all_arguments(arg_parser)
        add_parse_timeout(arg_parser)
        arg_parser.add_argument(
            "--func", metavar="NAME", help="a .py kernel: the @pl.jit entry to import"
        )
        arg_parser.add_argument(
            "--set", metavar="NAME=VALUE", action="append", default=[],
            help="a .py kernel: replace a module constant before importing, or give a scalar parameter of the entry its value (PyPTO specializes those) (repeatable)",
        )

    def setup_pipeline(self) -> None:
        try:
            super().setup_pipeline()
        except DiagnosticException as e:
            self.setup_error = e
        except (Exception, ArgSpecParseError) as e:  # xdsl signals bad pipelines in several ways
            self.setup_error = ToolError(describe_pipeline_error(self.args.passes, e))

    # ------------------------------------------------------------------ running

    def _parse(self, text: str, name: str, offset: int) -> ModuleOp:
        return parse_with_timeout(
            text, name, self.args.parse_timeout, ctx=self.ctx, line_offset=offset,
            verify_module=not self.args.disable_verify,
        )

    def _apply(self, module: ModuleOp) -> None:
        for p in self.pipeline.passes:
            p.apply(self.ctx, module)
            if not self.args.disable_verify:
                verify(module)
            if self.args.print_between_passes:
                print(f"IR after {p.name}:")
                Printer(stream=sys.stdout).print_op(module)
                print("\n\n")

    def _emit(self, module: ModuleOp) -> str:
        try:
            return self.output_resulting_program(module)
        except _PRINT_CRASHES as e:
            # IR that verifies (or was not verified) but that an op's printer cannot
            # print, e.g. an out-of-range predicate under --disable-verify
            raise PtoDiagnostic(
                _unprintable_op(module), f"cannot be printed ({type(e).__name__}: {e})"
            ) from e

    def run(self) -> None:
        sys.exit(self.run_and_exit_code())

    def run_and_exit_code(self) -> int:
        if self.setup_error is not None:
            if not self.args.verify_diagnostics:
                raise self.setup_error
        check_outputs({"-o": self.args.output_file}, [self.args.input_file])
        if is_kernel_file(self.args.input_file):
            return self._run_kernel_file()
        text, name = read_input(self.args.input_file)
        chunks = split_chunks(text, self.args.split_input_file)
        if self.args.verify_diagnostics:
            return self._verify_diagnostics(chunks, name)
        out = StringIO()
        failed = False
        for i, (chunk, offset) in enumerate(chunks):
            if i > 0:
                out.write("// -----\n")
            try:
                module = self._parse(chunk, name, offset)
                self._apply(module)
                out.write(self._emit(module))
            except ParseError as e:
                e.span = dataclasses.replace(e.span, line_offset=offset)
                if self.args.parsing_diagnostics:
                    out.write(f"{format_parse_error(e)}\n")
                else:
                    print(format_parse_error(e), file=sys.stderr)
                    failed = True
            except DiagnosticException as e:
                print(_diagnostic_text(e), file=sys.stderr)
                failed = True
        if failed:
            # as mlir-opt: every chunk is processed, those that compiled are printed,
            # and the exit is 1 (an output file is written only when all succeeded)
            if len(chunks) > 1 and not self.args.output_file:
                sys.stdout.write(out.getvalue())
                sys.stdout.flush()
            return 1
        self._write_output(out.getvalue())
        return 0

    def _verify_diagnostics(self, chunks: list[tuple[str, int]], name: str) -> int:
        """Match each chunk's diagnostics against its `expected-*` annotations (see
        `ptoc.tools.verify_diagnostics`): exit 1, naming each mismatch, if any differ."""
        out = StringIO()
        problems: list[str] = []
        for i, (chunk, offset) in enumerate(chunks):
            if i > 0:
                out.write("// -----\n")
            expectations = verify_diagnostics.parse_expectations(chunk, offset)
            if isinstance(expectations, str):
                problems.append(f"{name}: error: {expectations}")
                continue
            with diagnostic_sink() as sink:
                try:
                    if self.setup_error is not None:
                        raise self.setup_error
                    module = self._parse(chunk, name, offset)
                    self._apply(module)
                    out.write(self._emit(module))
                except ParseError as e:
                    loc = dataclasses.replace(e.span, line_offset=offset).get_location()
                    sink.emit(Diagnostic(
                        Severity.ERROR, e.msg, location=SourceLocation(loc.file, loc.line, loc.col)
                    ))
                except ToolError as e:
                    sink.emit(Diagnostic(Severity.ERROR, str(e)))
                except DiagnosticException as e:
                    sink.emit(_diagnostic_of(e))
            problems.extend(verify_diagnostics.check(sink.diagnostics, expectations, name))
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            return 1
        self._write_output(out.getvalue())
        return 0

    def _write_output(self, result: str) -> None:
        if self.args.output_file:
            try:
                write_atomically(self.args.output_file, result)
            except OSError as e:
                raise ToolError(f"cannot write '{self.args.output_file}': {e.strerror or e}") from e
        else:
            sys.stdout.write(result)
            sys.stdout.flush()

    def _run_kernel_file(self) -> int:
        """A PyPTO kernel (`.py`): import it with ptoc.frontend, then as for `.mlir`."""
        if self.args.verify_diagnostics:
            raise ToolError("--verify-diagnostics checks the expected-* annotations of an .mlir "
                            "input; a .py kernel has none")
        module = load_for_tool(self.args.input_file, self.args.func, self.args.set)
        self._apply(module)
        self._write_output(self._emit(module))
        return 0

    def prepare_output(self) -> IO[str]:  # never opened early: see run()
        return sys.stdout


_PRINT_CRASHES = xdsl_compat.PRINTER_CRASHES


def _unprintable_op(module: ModuleOp) -> Operation:
    """The innermost op that its printer fails on (children are tried first)."""
    for op in module.walk(region_first=True):
        try:
            Printer(stream=StringIO()).print_op(op)
        except _PRINT_CRASHES:
            return op
    return module


def _diagnostic_of(e: DiagnosticException) -> Diagnostic:
    if isinstance(e, PtoDiagnostic):
        return e.diagnostic
    msg = str(e.args[0]) if e.args else str(e)
    return Diagnostic(Severity.ERROR, (msg.strip().splitlines() or [type(e).__name__])[0])


def _diagnostic_text(e: DiagnosticException) -> str:
    if isinstance(e, PtoDiagnostic):
        return str(e)
    # xdsl diagnostics carry the whole module as a note; the first line is the message
    msg = str(e.args[0]) if e.args else str(e)
    return "error: " + (msg.strip().splitlines() or [type(e).__name__])[0]


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass


def print_internal_error(tool: str, e: BaseException) -> None:
    """The one-line report of an internal error; its traceback too under PTOC_DEBUG=1."""
    if os.environ.get("PTOC_DEBUG"):
        traceback.print_exception(e, file=sys.stderr)
    first = (str(e).strip().splitlines() or [""])[0]
    print(
        f"{tool}: internal error: {type(e).__name__}: {first} "
        "(please report this; set PTOC_DEBUG=1 for a traceback)",
        file=sys.stderr,
    )


def report_and_exit(tool: str, run: Callable[[], int]) -> NoReturn:
    """Run a tool body, turning every exception into a one-line diagnostic."""
    try:
        code = run()
    except ToolError as e:
        print(f"{tool}: error: {e}", file=sys.stderr)
        code = 1
    except ParseError as e:
        print(format_parse_error(e), file=sys.stderr)
        code = 1
    except DiagnosticException as e:
        print(_diagnostic_text(e), file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        print(f"{tool}: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:  # `tool ... | head`: the reader left; not an error of ours
        _silence_stdout()
        code = 141
    except RecursionError:
        print(f"{tool}: error: the input nests too deeply to process", file=sys.stderr)
        code = 1
    except MemoryError as e:  # e.g. a kernel argument or tile of 10**12 elements
        detail = f": {e}" if str(e) else ""
        print(f"{tool}: error: out of memory{detail}", file=sys.stderr)
        code = 1
    except SystemExit:
        raise
    except BaseException as e:  # anything else is a bug in ptoc or xdsl
        print_internal_error(tool, e)
        code = 2
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    def body() -> int:
        return PtoOptMain(args=argv).run_and_exit_code()

    report_and_exit("pto-opt", body)


if __name__ == "__main__":
    main()
