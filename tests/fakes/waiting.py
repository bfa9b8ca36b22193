"""Condition waiting without fixed sleeps: every state change wakes all waiters, who re-check."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notifier:
    """Broadcast "something changed" to any number of waiters.

    Each :meth:`notify` sets the current event and swaps in a fresh one, so a waiter that re-checks its
    condition and then waits can never miss a change (single-threaded asyncio, no await in between).
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, check: Callable[[], T | None], timeout: float, describe: Callable[[], str]) -> T:
        """Return the first non-None ``check()`` result; raise ``TimeoutError(describe())`` after ``timeout``.

        ``check`` may raise to abort the wait (e.g. when the session it watches has closed).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(describe())
            event = self._event
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                pass
