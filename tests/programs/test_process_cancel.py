"""A tool call cancelled while its child is still being set up leaves no process behind.

The fork comes before asyncio has connected the child's pipes; a cancellation in that window (a busy machine widens
it) used to orphan the child: nobody held it, so nobody killed it. Here the window is made wide on purpose."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from livepair.session import process
from tests.processes import wait_exited, wait_until


async def test_a_call_cancelled_while_its_child_is_set_up_kills_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "pid"
    real = asyncio.create_subprocess_exec
    set_up, release = asyncio.Event(), asyncio.Event()

    async def slow_setup(*args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        proc = await real(*args, **kwargs)
        set_up.set()
        await release.wait()  # still "connecting pipes" when the cancellation lands
        return proc

    monkeypatch.setattr(process.asyncio, "create_subprocess_exec", slow_setup)
    argv = ["/bin/sh", "-c", f"echo $$ > {pid_file}; exec sleep 60"]
    task = asyncio.ensure_future(
        process.run_bounded(argv, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}, timeout_s=60, max_output=1024)
    )
    await set_up.wait()
    await wait_until(lambda: pid_file.exists() and pid_file.read_text().strip() != "", "the child to run")
    task.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    await wait_exited(int(pid_file.read_text()))
