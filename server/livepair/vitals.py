"""The daemon's vitals on stderr, for soaks and leak hunts: with `LIVEPAIR_VITALS_S=N` set, one line every N seconds

    vitals: pid=1234 rss_kb=98304 fds=14 tasks=11 threads=3

(`tasks`: the event loop's unfinished asyncio tasks, which nothing outside the process can count). Off by default.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger("livepair.vitals")
VITALS_ENV = "LIVEPAIR_VITALS_S"
MIN_INTERVAL_S = 0.1


def interval() -> float | None:
    """Seconds between lines, or None when off (unset, not a number, not positive)."""
    raw = os.environ.get(VITALS_ENV, "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        log.warning("%s=%r is not a number of seconds: no vitals", VITALS_ENV, raw[:40])
        return None
    return max(MIN_INTERVAL_S, seconds) if seconds > 0 else None


def line() -> str:
    rss_kb = 0
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            rss_kb = int(row.split()[1])
    tasks = sum(1 for t in asyncio.all_tasks() if not t.done())
    fds = len(os.listdir("/proc/self/fd"))
    return f"vitals: pid={os.getpid()} rss_kb={rss_kb} fds={fds} tasks={tasks} threads={threading.active_count()}"


async def report(every: float) -> None:
    """Log a vitals line now and then every `every` seconds, until cancelled."""
    while True:
        try:
            log.info("%s", line())
        except OSError as exc:  # no /proc (not Linux): say so once and stop
            log.warning("vitals unavailable here (%s)", exc.strerror or exc)
            return
        await asyncio.sleep(every)
