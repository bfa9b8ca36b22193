"""Owned background tasks and bounded channels.

Every task is named, referenced until it ends, logged when it fails and cancelled with a timeout, so nothing
runs orphaned and no failure is silent. Every queue is bounded and says what it dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskOwner:
    """Holds strong references to background tasks and tears them down together."""

    def __init__(self, owner: str, log_failures: bool = True) -> None:
        self._owner = owner
        self._log_failures = log_failures  # off when the owner re-raises failures itself
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, name: str, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.get_running_loop().create_task(coro, name=f"{self._owner}:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and self._log_failures:
            log.error("task %s failed", task.get_name(), exc_info=exc)

    @property
    def running(self) -> list[str]:
        return sorted(t.get_name() for t in self._tasks if not t.done())

    async def cancel_all(self, timeout: float = 2.0) -> None:
        tasks = [t for t in self._tasks if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            for t in pending:
                log.warning("task %s did not stop within %.1fs", t.get_name(), timeout)


class Channel(Generic[T]):
    """A bounded single-consumer queue that drops the oldest item when full.

    Realtime data is worth less the older it gets: when the consumer stalls we keep the newest items and count
    what was dropped instead of growing without bound or blocking the producer.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        self._items: deque[T] = deque(maxlen=maxsize)
        self._ready = asyncio.Event()
        self._closed = False
        self.dropped = 0

    def put_nowait(self, item: T) -> None:
        if self._closed:
            return
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append(item)
        self._ready.set()

    async def get(self) -> T:
        """The oldest item; raises ChannelClosed once closed and drained."""
        while not self._items:
            if self._closed:
                raise ChannelClosed
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class ChannelClosed(Exception):
    """The channel was closed and holds nothing more."""
