"""A fork server for the lit tests: the tools' imports are paid once per lit run.

Each lit RUN line starts `pto-opt`, `pto-run`, ... and `filecheck` as new processes, and
most of a tool's time is Python importing xDSL, numpy and ptoc (about 0.4 s each, about
450 RUN lines). This server imports the tools' modules once; every tool run is then a
fork of it that behaves as a fresh process of the real console script would:

- a run whose start-up environment (PYTHONPATH, the BLAS thread counts, the locale, ...)
  differs from the server's, or whose standard descriptors are not all open, runs the
  real executable instead;
- the client (a small stdlib-only script put first on lit's PATH under the tool's name)
  sends its argv, environment, working directory, umask, resource limits and its three
  standard file descriptors (SCM_RIGHTS);
- the server forks a handler, which forks the tool process: that process takes the
  client's descriptors as 0/1/2, its directory, environment, umask and limits, fresh
  random seeds and standard streams, sets `sys.argv`, and calls the console script's
  entry point (`sys.exit(main())`, as the script does), then runs the exit handlers;
- the handler waits for the tool process and sends back its exit status; the client
  exits with the same code, or kills itself with the same signal. If the client dies
  (a lit timeout), the handler kills the tool process.

Start-up itself is what this skips, so `PTOC_LIT_TOOL_SERVER=0` makes lit run the
installed executables instead (CI can run both ways). What a tool does at import time is
not re-run per test: a tool whose behaviour depends on the environment at import time
would differ; none of ptoc's does (their module level defines, it does not read).

Usage (from lit.cfg): `python toolserver.py serve SOCKET NAME=module:function ...` prints
"ready ENV" on stdout once listening (ENV: its start-up environment, as JSON); `python toolserver.py client SOCKET` is what the PATH
shims run (`client SOCKET NAME REAL-EXECUTABLE ARGS...`). The server exits when its parent (lit) exits or after `IDLE_S` idle seconds.
"""

from __future__ import annotations

import array
import os
import signal
import socket
import struct
import sys

IDLE_S = 600.0
_LIMITS = ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_STACK", "RLIMIT_DATA")
_MAX_MSG = 1 << 22


def _send_msg(sock: socket.socket, data: bytes, fds: list[int] | None = None) -> None:
    head = struct.pack("!I", len(data))
    if fds:
        sock.sendmsg([head], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        sock.sendall(head)
    sock.sendall(data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed the connection")
        buf += chunk
    return bytes(buf)


def _recv_msg(sock: socket.socket) -> tuple[bytes, list[int]]:
    fds = array.array("i")
    head, anc, _flags, _addr = sock.recvmsg(4, socket.CMSG_LEN(3 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    if len(head) < 4:
        head += _recv_exact(sock, 4 - len(head))
    (size,) = struct.unpack("!I", head)
    if size > _MAX_MSG:
        raise ValueError("request too large")
    return _recv_exact(sock, size), list(fds)


# --- the client ------------------------------------------------------------------------


# Environment variables that a new process reads while it starts (the interpreter's own,
# the BLAS thread counts numpy reads at import, the dynamic linker, the locale): when a
# run's values differ from the server's, it runs the real executable.
STARTUP_ENV = ("PYTHON", "OPENBLAS", "OMP_", "MKL_", "LD_", "LC_", "LANG")


def startup_env(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(STARTUP_ENV)}


def client(
    sock_path: str, name: str, real: str, argv: list[str], server_env: dict[str, str]
) -> None:
    """Run `name` through the server, or exec the real executable when it cannot."""
    import json
    import resource

    if startup_env(dict(os.environ)) != server_env:
        os.execv(real, [real, *argv])
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(sock_path)
    except OSError:  # a closed standard descriptor, or no server: the real thing
        os.execv(real, [real, *argv])

    limits = {k: resource.getrlimit(getattr(resource, k)) for k in _LIMITS}
    umask = os.umask(0)
    os.umask(umask)
    request = {
        "name": name, "argv": [name, *argv], "env": dict(os.environ), "cwd": os.getcwd(),
        "umask": umask, "limits": limits,
    }
    _send_msg(sock, json.dumps(request).encode(), [0, 1, 2])
    try:
        reply, _ = _recv_msg(sock)
    except (OSError, EOFError, ValueError):
        sys.stderr.write(f"{name}: the lit tool server lost this run\n")
        os._exit(1)
    kind, value = reply.decode().split()
    if kind == "signal":
        sig = int(value)
        sys.stdout.flush()
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(int(value))


# --- the server ------------------------------------------------------------------------


def _run_tool(request: dict, fds: list[int], entry: object) -> None:
    """In the forked tool process: become the requested run, then exit."""
    import atexit
    import io
    import random
    import resource

    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    for key, (soft, hard) in request["limits"].items():
        kind = getattr(resource, key)
        cur_soft, cur_hard = resource.getrlimit(kind)
        try:
            resource.setrlimit(kind, (soft, hard))
        except (ValueError, OSError):
            resource.setrlimit(kind, (min(soft, cur_hard) if soft >= 0 else cur_soft, cur_hard))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Standard streams as a new interpreter makes them for these descriptors.
    enc = os.environ.get("PYTHONIOENCODING") or None
    sys.stdin = io.TextIOWrapper(io.open(0, "rb", closefd=False), encoding=enc)
    out_tty = os.isatty(1)
    sys.stdout = io.TextIOWrapper(
        io.open(1, "wb", closefd=False), encoding=enc, line_buffering=out_tty, write_through=False
    )
    sys.stderr = io.TextIOWrapper(
        io.open(2, "wb", closefd=False), encoding=enc, errors="backslashreplace",
        line_buffering=True,
    )
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    sys.argv = list(request["argv"])
    code = 0
    try:
        code = entry()  # type: ignore[operator]
        raise SystemExit(code)
    except SystemExit as exc:
        code = exc.code
    except BaseException:  # what an uncaught exception does in a real interpreter
        import traceback

        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = 120
    os._exit(code & 0xFF)


def _handle(conn: socket.socket, entries: dict[str, object]) -> None:
    """In the forked handler: run one request and report its exit status."""
    import json
    import select

    data, fds = _recv_msg(conn)
    request = json.loads(data)
    entry = entries[request["name"]]
    pid = os.fork()
    if pid == 0:
        conn.close()
        _run_tool(request, fds, entry)
    for fd in fds:
        os.close(fd)
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:  # a kernel without pidfds: no watching the client, just wait
        pidfd = None
    while pidfd is not None:
        ready, _, _ = select.select([pidfd, conn], [], [])
        if pidfd in ready:
            break
        if conn in ready and not conn.recv(1, socket.MSG_PEEK):
            os.kill(pid, signal.SIGKILL)  # the client is gone (a lit timeout)
            break
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        reply = f"signal {os.WTERMSIG(status)}"
    else:
        reply = f"exit {os.waitstatus_to_exitcode(status)}"
    try:
        _send_msg(conn, reply.encode())
    except OSError:
        pass


def serve(sock_path: str, specs: list[str]) -> None:
    import importlib

    entries: dict[str, object] = {}
    for spec in specs:
        name, target = spec.split("=", 1)
        module, func = target.split(":", 1)
        entries[name] = getattr(importlib.import_module(module), func)
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(64)
    listener.settimeout(5.0)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    import json

    # The server's start-up environment as this interpreter sees it (after, for example,
    # its locale coercion, which a client interpreter does the same way).
    print("ready", json.dumps(startup_env(dict(os.environ))), flush=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    idle = 0.0
    while True:
        try:
            while True:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
        except ChildProcessError:
            pass
        if os.getppid() != parent or idle >= IDLE_S:
            break
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            idle += 5.0
            continue
        except InterruptedError:
            continue
        idle = 0.0
        conn.settimeout(None)
        if os.fork() == 0:
            listener.close()
            code = 0
            try:
                _handle(conn, entries)
            except BaseException:
                code = 1
            os._exit(code)
        conn.close()
    listener.close()
    os.unlink(sock_path)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "client":
        client(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:], {})
