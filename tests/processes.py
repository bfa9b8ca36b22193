"""Waiting on a process's end as an event (a pidfd turns readable), never on a clock."""

from __future__ import annotations

import asyncio
import os

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
