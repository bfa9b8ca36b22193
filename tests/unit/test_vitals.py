"""The daemon's vitals line (livepair/aio.py): off unless asked for, and when on, numbers that move with what
the process really holds."""

from __future__ import annotations

import asyncio
import logging
import os
import re

import pytest

from livepair import aio

LINE = re.compile(r"vitals: pid=(\d+) rss_kb=(\d+) fds=(\d+) tasks=(\d+) threads=(\d+)")


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("0", None), ("-3", None), ("soon", None), ("2.5", 2.5)])
def test_the_interval_is_off_unless_a_positive_number_of_seconds(
    raw: str, expected: float | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(aio.VITALS_ENV, raw)
    assert aio.vitals_interval() == expected


async def test_the_line_counts_this_process_tasks_and_fds() -> None:
    before = LINE.fullmatch(aio.vitals_line())
    assert before is not None and int(before[1]) == os.getpid() and int(before[2]) > 0
    blocker = asyncio.Event()
    waiting = [asyncio.create_task(blocker.wait()) for _ in range(5)]
    r, w = os.pipe()
    try:
        after = LINE.fullmatch(aio.vitals_line())
        assert after is not None
        assert int(after[4]) == int(before[4]) + 5, "five more tasks"
        assert int(after[3]) == int(before[3]) + 2, "two more fds"
    finally:
        os.close(r)
        os.close(w)
        blocker.set()
        await asyncio.gather(*waiting)


class Lines(logging.Handler):
    def __init__(self, wanted: int) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.enough = asyncio.Event()
        self.wanted = wanted

    def emit(self, record: logging.LogRecord) -> None:
        if LINE.fullmatch(record.getMessage()):
            self.lines.append(record.getMessage())
            if len(self.lines) >= self.wanted:
                self.enough.set()


async def test_report_logs_a_line_each_interval() -> None:
    logger = logging.getLogger("livepair.aio")
    handler, level = Lines(3), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    task = asyncio.create_task(aio.report_vitals(0.05))
    try:
        async with asyncio.timeout(5):
            await handler.enough.wait()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        logger.removeHandler(handler)
        logger.setLevel(level)
