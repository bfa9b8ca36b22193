"""Daemons forked from a warm process, so `make check`'s daemon-over-stdio tests fit its minute.

A daemon spends about a second of CPU importing lsprotocol, google-genai, detect-secrets and numpy before it reads
its first message; two cores and fifty daemon tests make that most of the inner loop. With
``LIVEPAIR_TEST_PREFORK=1`` (set by `make check`), each pytest process starts one *zygote* that imports those
modules once and then forks a daemon per test. The test still spawns a process and talks LSP over its pipes: it runs
``prefork_launch.py``, which hands its stdin, stdout and stderr to the zygote; the forked child takes them as its own,
takes the launcher's environment and working directory, and runs ``livepair serve`` exactly as ``python -m livepair
serve`` would. The launcher exits with the daemon's exit code.

Only modules without import-time side effects are preloaded (no audio, no threads: the zygote refuses to fork if
one is running). `make test` starts every daemon the ordinary way, as the editor does.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ENV = "LIVEPAIR_TEST_PREFORK"
LAUNCHER = Path(__file__).with_name("prefork_launch.py")
PRELOAD = (
    "livepair.app",
    "livepair.backends.gemini",
    "livepair.session.voice",
    "livepair.context.redact",
    "google.genai",
    "numpy",
)
MAX_REQUEST = 1 << 20  # the launcher's environment and directory, as JSON

SHARED = "LIVEPAIR_TEST_ZYGOTE"  # "pid:socket" of the zygote pytest's main process shares with its workers

_zygote: tuple[subprocess.Popen[bytes], str] | None = None


def daemon_command() -> list[str]:
    """The command a test runs to get a daemon on its pipes: forked from the zygote under `make check`, else
    `python -m livepair serve`."""
    if not os.environ.get(ENV):
        # As the extension starts it, without `-E`: the voice tests hand the daemon a stub module on PYTHONPATH.
        return [sys.executable, "-P", "-s", "-u", "-m", "livepair", "serve"]
    return [sys.executable, "-S", "-I", str(LAUNCHER), _socket()]


def share_zygote() -> None:
    """Start the zygote in pytest's main process, before it spawns its workers: they inherit its address, so one
    zygote serves them all and is warm by the time they have collected their tests."""
    proc, path = _ensure_zygote()
    os.environ[SHARED] = f"{proc.pid}:{path}"


def zygote_pid() -> int | None:
    """The process id of the zygote this test process uses, if one runs."""
    if shared := os.environ.get(SHARED):
        return int(shared.split(":", 1)[0])
    return _zygote[0].pid if _zygote is not None and _zygote[0].poll() is None else None


def _socket() -> str:
    if shared := os.environ.get(SHARED):
        return shared.split(":", 1)[1]
    return _ensure_zygote()[1]


def _ensure_zygote() -> tuple[subprocess.Popen[bytes], str]:
    global _zygote
    if _zygote is not None and _zygote[0].poll() is None:
        return _zygote
    path = os.path.join(tempfile.mkdtemp(prefix="livepair-zygote-"), "sock")
    env = {k: v for k, v in os.environ.items() if k not in (ENV, SHARED)}
    env |= {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # numpy must start no thread in the zygote
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.prefork", path],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    # It says so once it listens, before its imports: a launcher's connection waits in the backlog meanwhile.
    if proc.stdout.readline().strip() != b"listening":
        proc.kill()
        raise RuntimeError("the prefork zygote did not start (see stderr)")
    atexit.register(proc.kill)
    _zygote = (proc, path)
    return _zygote


# -- the zygote ----------------------------------------------------------------------------------------------


def serve(path: str) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(128)
    sys.stdout.write("listening\n")
    sys.stdout.flush()
    for name in PRELOAD:
        importlib.import_module(name)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    children: dict[int, tuple[socket.socket, int]] = {}  # pid -> (the launcher's socket, pidfd)
    while True:
        for key, _ in selector.select():
            if key.data is None:
                conn, _ = listener.accept()
                pid = _fork_daemon(conn, listener, selector, children)
                if pid is None:
                    conn.close()
                    continue
                pidfd = os.pidfd_open(pid)
                children[pid] = (conn, pidfd)
                selector.register(pidfd, selectors.EVENT_READ, ("exited", pid))
                selector.register(conn, selectors.EVENT_READ, ("launcher", pid))
            else:
                what, pid = key.data
                if pid not in children:  # reaped earlier in this same batch of events
                    continue
                if what == "launcher":  # the launcher went away first (killed): so does its daemon
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    selector.unregister(children[pid][0])
                    continue
                _, status = os.waitpid(pid, 0)
                conn, pidfd = children.pop(pid)
                selector.unregister(pidfd)
                os.close(pidfd)
                with contextlib.suppress(KeyError):
                    selector.unregister(conn)
                with contextlib.suppress(OSError):
                    conn.sendall(b"%d\n" % os.waitstatus_to_exitcode(status))
                conn.close()


def _fork_daemon(
    conn: socket.socket,
    listener: socket.socket,
    selector: selectors.BaseSelector,
    children: dict[int, tuple[socket.socket, int]],
) -> int | None:
    _, fds, _, _ = socket.recv_fds(conn, 1, 3)
    request = b""
    while not request.endswith(b"\n") and len(request) < MAX_REQUEST:
        chunk = conn.recv(65536)
        if not chunk:
            break
        request += chunk
    if len(fds) != 3 or not request.endswith(b"\n"):
        for fd in fds:
            os.close(fd)
        return None
    if threading.active_count() != 1:  # forking beside a thread could copy a held lock into the daemon
        raise RuntimeError("a preloaded module started a thread; remove it from PRELOAD")
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        return pid
    try:  # the daemon
        selector.close()
        for sock in (listener, conn, *(c for c, _ in children.values())):
            sock.detach()  # forget, not close: closerange below closes every inherited descriptor once
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, 1 << 16)
        job = json.loads(request)
        os.environ.clear()
        os.environ.update(job["env"])
        os.chdir(job["cwd"])
        sys.path[0] = job["cwd"]  # as `python -m` would have it
        sys.argv = ["livepair", "serve"]
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from livepair.cli import main

        code = main(["serve"])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    serve(sys.argv[1])
