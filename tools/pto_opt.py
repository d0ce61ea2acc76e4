"""`pto-opt`: xdsl-opt for ptoc, with the `pto` dialect and every ptoc pass.

Every error is a one-line diagnostic (with `file:line:col` where the input gives it)
and a non-zero exit; with `--verify-diagnostics` the diagnostic is printed to stdout and
the exit is 0, as in xdsl-opt. The output file (`-o`) is written only once everything
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
from collections.abc import Callable, Sequence
from io import StringIO
from types import FrameType
from typing import IO, NoReturn

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.printer import Printer
from xdsl.utils.exceptions import ArgSpecParseError, DiagnosticException, ParseError
from xdsl.xdsl_opt_main import xDSLOptMain

from ptoc.diagnostics import PtoDiagnostic, describe_pipeline_error, format_parse_error

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


def read_input(path: str | None) -> tuple[str, str]:
    """(text, name) of the input file or stdin; raises ToolError if unreadable."""
    if path is None or path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
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
        from ptoc.api import context

        self.ctx = context()

    def register_all_passes(self) -> None:
        from ptoc.passes import available_passes

        for name, factory in available_passes().items():
            self.register_pass(name, factory)

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        # A usage error is a one-line `pto-opt: error: ...` and exit 1, as in pto-run and
        # pto-tune (argparse would print the usage and exit 2, the internal-error code).
        arg_parser.prog = "pto-opt"
        arg_parser.error = _usage_error  # pyright: ignore[reportAttributeAccessIssue]
        super().register_all_arguments(arg_parser)
        arg_parser.add_argument(
            "--parse-timeout",
            type=_parse_timeout,
            default=PARSE_TIMEOUT_S,
            help="give up on an input whose parsing takes longer than this many seconds",
        )
        arg_parser.add_argument(
            "--func", metavar="NAME", help="a .py kernel: the @pl.jit entry to import"
        )
        arg_parser.add_argument(
            "--set", metavar="NAME=VALUE", action="append", default=[],
            help="a .py kernel: replace a module constant before importing (repeatable)",
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
        from ptoc.api import parse

        use_alarm = self.args.parse_timeout > 0 and hasattr(signal, "SIGALRM")
        if use_alarm:
            old: Callable[..., object] | int | None = signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(self.args.parse_timeout)
        try:
            return parse(
                text, name, self.ctx, line_offset=offset, verify_module=not self.args.disable_verify
            )
        except _Timeout:
            raise ToolError(
                f"{name}: parsing did not finish within {self.args.parse_timeout} s; "
                "the input is malformed or too large (see --parse-timeout)"
            ) from None
        finally:
            if use_alarm:
                signal.alarm(0)
                signal.signal(signal.SIGALRM, old)  # pyright: ignore[reportPossiblyUnboundVariable, reportArgumentType]

    def _apply(self, module: ModuleOp) -> None:
        from ptoc.diagnostics import verify

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
            raise self.setup_error
        from ptoc.frontend import is_kernel_file

        if is_kernel_file(self.args.input_file):
            return self._run_kernel_file()
        text, name = read_input(self.args.input_file)
        chunks = split_chunks(text, self.args.split_input_file)
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
                if self.args.verify_diagnostics or self.args.parsing_diagnostics:
                    out.write(f"{format_parse_error(e)}\n")
                else:
                    print(format_parse_error(e), file=sys.stderr)
                    failed = True
                    break
            except DiagnosticException as e:
                msg = _diagnostic_text(e)
                if self.args.verify_diagnostics:
                    out.write(f"{msg}\n")
                else:
                    print(msg, file=sys.stderr)
                    failed = True
                    break
        if failed:
            return 1
        result = out.getvalue()
        if self.args.output_file:
            try:
                write_atomically(self.args.output_file, result)
            except OSError as e:
                raise ToolError(f"cannot write '{self.args.output_file}': {e.strerror or e}") from e
        else:
            sys.stdout.write(result)
            sys.stdout.flush()
        return 0

    def _run_kernel_file(self) -> int:
        """A PyPTO kernel (`.py`): import it with ptoc.frontend, then as for `.mlir`."""
        from ptoc.frontend import load_for_tool

        try:
            module = load_for_tool(self.args.input_file, self.args.func, self.args.set)
            self._apply(module)
            result = self._emit(module)
        except DiagnosticException as e:
            if not self.args.verify_diagnostics:
                raise
            result = f"{_diagnostic_text(e)}\n"
        if self.args.output_file:
            try:
                write_atomically(self.args.output_file, result)
            except OSError as e:
                raise ToolError(f"cannot write '{self.args.output_file}': {e.strerror or e}") from e
        else:
            sys.stdout.write(result)
            sys.stdout.flush()
        return 0

    def prepare_output(self) -> IO[str]:  # never opened early: see run()
        return sys.stdout


_PRINT_CRASHES = (ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError)


def _unprintable_op(module: ModuleOp) -> Operation:
    """The innermost op that its printer fails on (children are tried first)."""
    for op in module.walk(region_first=True):
        try:
            Printer(stream=StringIO()).print_op(op)
        except _PRINT_CRASHES:
            return op
    return module


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
    except BaseException as e:  # xdsl raises some errors as BaseException subclasses
        if os.environ.get("PTOC_DEBUG"):
            raise
        print(
            f"{tool}: internal error: {type(e).__name__}: {e} "
            "(please report this; set PTOC_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        code = 2
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    def body() -> int:
        return PtoOptMain(args=argv).run_and_exit_code()

    report_and_exit("pto-opt", body)


if __name__ == "__main__":
    main()
