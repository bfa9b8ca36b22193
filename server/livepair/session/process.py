"""Run one child process with bounds: a timeout, a cap on the output kept, and a kill that reaches its children.

Shared by `run_command` (the daemon-run fallback) and `run_python` (the sandbox). The child gets its own process
group and session, so a timeout or a cancelled tool call (the model's `toolCallCancellation`) kills everything it
started, not just the shell. Output is read as it comes and only the first `max_output` bytes are kept: a runaway
loop cannot fill the daemon's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

READ_CHUNK = 64 * 1024
KILL_WAIT_S = 2.0  # after SIGKILL the group is gone at once; never hang on a zombie


@dataclass(frozen=True)
class ProcessResult:
    exit_code: int | None  # None: killed by us (timeout or cancellation)
    output: str
    timed_out: bool = False
    truncated: bool = False  # more output than `max_output` was produced (and dropped)
    duration_s: float = 0.0
    stopped: str | None = None  # killed by the guard, and why (e.g. the sandbox's total memory cap)


async def run_bounded(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float,
    max_output: int,
    pass_fds: Sequence[int] = (),
    guard: Callable[[int], Awaitable[str]] | None = None,
    kill_tree: Callable[[int], None] | None = None,
) -> ProcessResult:
    """Run argv, stdout and stderr together; cancellation of the awaiting task kills the process group.

    `guard(pid)` returns (with why) when the child must be stopped early; `kill_tree(pid)` also reaches the
    processes that left the group (a `setsid` child), before the group is killed."""
    began = time.monotonic()
    spawn = asyncio.ensure_future(
        asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,  # never inherit the LSP channel
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own group: the kill reaches grandchildren
            pass_fds=tuple(pass_fds),
        )
    )
    try:
        proc = await asyncio.shield(spawn)
    except asyncio.CancelledError:
        # Cancelled while the child was being set up: it may already run (the fork comes before the pipes are
        # connected), and nobody else holds it. Let the setup finish, then kill what it started.
        with contextlib.suppress(Exception):
            await _kill_group(await asyncio.wait_for(spawn, KILL_WAIT_S), kill_tree)
        raise
    kept = bytearray()
    dropped = False

    async def drain() -> None:
        nonlocal dropped
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(READ_CHUNK):
            room = max_output - len(kept)
            if room > 0:
                kept.extend(chunk[:room])
            dropped |= len(chunk) > room

    async def finish() -> None:
        await asyncio.gather(drain(), proc.wait())

    timed_out = False
    stopped: str | None = None
    watcher = asyncio.ensure_future(guard(proc.pid)) if guard is not None else None
    finished = asyncio.ensure_future(finish())
    try:
        waiting = {finished} if watcher is None else {finished, watcher}
        done, _ = await asyncio.wait(waiting, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
        if watcher is not None and watcher in done and finished not in done:
            stopped = watcher.result()
        elif not done:
            timed_out = True
    finally:
        if watcher is not None:
            watcher.cancel()
        if proc.returncode is None or timed_out or stopped:
            await _kill_group(proc, kill_tree)
        finished.cancel()
    code = None if timed_out or stopped else proc.returncode
    text = kept.decode("utf-8", errors="replace")
    return ProcessResult(code, text, timed_out, dropped, time.monotonic() - began, stopped)


async def _kill_group(proc: asyncio.subprocess.Process, kill_tree: Callable[[int], None] | None) -> None:
    if kill_tree is not None and proc.returncode is None:
        kill_tree(proc.pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(proc.wait()), KILL_WAIT_S)
