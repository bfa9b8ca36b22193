"""The daemon soak's driver (daemon_soak.py), compressed into 90 s so it cannot rot: `livepair serve` over stdio
with questions, editor traffic, failing runs, every kind of fault and the connection cap; the full hour is
`make soak`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live.daemon_soak import MAX_RSS_GROWTH, Plan, soak
from tests.live.soak_service import FAULTS

pytestmark = pytest.mark.slow

SECONDS = 90.0


@pytest.mark.timeout(SECONDS + 240)
async def test_the_daemon_driven_like_an_editor_answers_every_question_once_and_stays_flat(tmp_path: Path) -> None:
    report = await soak(Plan.short(SECONDS), tmp_path / "daemon.log")
    print(report.summary())
    assert report.failures() == [], report.summary()
    assert len(report.questions) >= 10 and report.once == len(report.questions), "every question answered once"
    assert set(report.faults) == set(FAULTS), f"every kind of fault fired: {report.faults}"
    assert report.capped >= 1, "a connection reached the service's cap (goAway first)"
    assert report.connections > len(report.faults), "each fault and the cap cost a connection, and it came back"
    assert report.runs >= 3 and report.updates >= SECONDS / 2
    assert report.marked_cut >= 1, "a reply a fault cut off mid-way is shown as cut off"
    assert report.closed_with == 1000, "the session's last socket closed cleanly on shutdown"
    start, end = report.warm(), report.samples[-1]
    assert end.rss_kb <= start.rss_kb * (1 + MAX_RSS_GROWTH)
    assert end.tasks <= start.tasks and end.fds <= start.fds, (
        f"tasks {start.tasks}->{end.tasks}, fds {start.fds}->{end.fds}"
    )
