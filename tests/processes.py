"""Waiting on a process's end as an event (a pidfd turns readable), never on a clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

import pytest


async def wait_exited(pid: int, timeout: float = 10.0) -> None:
    """Return once the process has ended (at once if it is gone); fail the test if it still runs after `timeout`."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    ended = asyncio.Event()
    loop.add_reader(fd, ended.set)
    try:
        await asyncio.wait_for(ended.wait(), timeout)
    except TimeoutError:
        pytest.fail(f"process {pid} still runs")
    finally:
        loop.remove_reader(fd)
        os.close(fd)


async def wait_until(check: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """For states only the file system or /proc shows (a process started): re-check every 20 ms up to the timeout."""
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")
