"""Two minutes of a Live session, time compressed (tests/live/soak.py; the full hour is `make soak`)."""

from __future__ import annotations

import pytest

from tests.live.soak import FORCED_DROPS, Report, soak

SECONDS = 120.0


def peak(report: Report, samples: list[tuple[float, int]], start: float, end: float) -> int:
    return max(v for t, v in samples if start <= t < end)


@pytest.mark.timeout(SECONDS + 120)
@pytest.mark.slow
async def test_a_long_session_keeps_memory_tasks_and_fds_flat_and_loses_nothing() -> None:
    report = await soak(SECONDS)
    print(report.summary())
    assert report.answers == {q: 1 for q in report.questions}, "every question answered exactly once"
    assert report.reconnects >= FORCED_DROPS
    assert report.connections > report.reconnects + 2, "the connection cap ended connections too (goAway)"
    warm = SECONDS * 0.25
    rss = report.after(report.rss_kb, warm)
    assert max(rss) <= rss[0] * 1.10, f"RSS grew: {rss[0]} -> {max(rss)} kB"
    third = (SECONDS - warm) / 3
    for samples in (report.tasks, report.fds):
        assert peak(report, samples, SECONDS - third, SECONDS + 1) <= peak(report, samples, warm, warm + third)
