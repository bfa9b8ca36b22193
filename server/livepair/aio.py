"""Owned background tasks and bounded channels, and the daemon's vitals.

Every task is named, referenced until it ends, logged when it fails and cancelled with a timeout, so nothing
runs orphaned and no failure is silent. Every queue is bounded and says what it dropped.

Vitals, for soaks and leak hunts: with `LIVEPAIR_VITALS_S=N` set, the daemon logs one line every N seconds,
`vitals: pid=1234 rss_kb=98304 fds=14 tasks=11 threads=3` (`tasks`: the event loop's unfinished asyncio tasks,
which nothing outside the process can count). Off by default.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import threading
from collections import deque
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
VITALS_ENV = "LIVEPAIR_VITALS_S"
MIN_VITALS_S = 0.1


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


def vitals_interval() -> float | None:
    """Seconds between vitals lines, or None when off (unset, not a number, not positive)."""
    raw = os.environ.get(VITALS_ENV, "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        log.warning("%s=%r is not a number of seconds: no vitals", VITALS_ENV, raw[:40])
        return None
    return max(MIN_VITALS_S, seconds) if seconds > 0 else None


def vitals_line() -> str:
    rss_kb = 0
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            rss_kb = int(row.split()[1])
    tasks = sum(1 for t in asyncio.all_tasks() if not t.done())
    fds = len(os.listdir("/proc/self/fd"))
    return f"vitals: pid={os.getpid()} rss_kb={rss_kb} fds={fds} tasks={tasks} threads={threading.active_count()}"


async def report_vitals(every: float) -> None:
    """Log a vitals line now and then every `every` seconds, until cancelled."""
    while True:
        try:
            log.info("%s", vitals_line())
        except OSError as exc:  # no /proc (not Linux): say so once and stop
            log.warning("vitals unavailable here (%s)", exc.strerror or exc)
            return
        await asyncio.sleep(every)


# Giving freed memory back (`give_back_freed`). A long session opens a new Live connection every ten minutes or so
# (the service's cap, goAways, faults); each allocates and frees megabytes in C (TLS, websockets' buffers, the SDK's
# clients) that glibc keeps in its heap, fragmented. The hour-long soak saw RSS climb ~0.25 MiB a minute while the
# Python heap stayed flat (tracemalloc; pymalloc's arenas constant): `malloc_trim` at each new connection returns
# the free pages.


@functools.cache
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None)  # the process's own symbols: libc's among them, found without running ldconfig
    return libc if hasattr(libc, "malloc_trim") else None  # glibc only (musl has none)


def give_back_freed() -> bool:
    """Return the C heap's free pages to the system; True when this libc can."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
