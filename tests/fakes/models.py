"""Ready-made model scripts for :class:`~tests.fakes.live_server.FakeLiveServer`."""

from __future__ import annotations

from tests.fakes.session import FakeSession, SessionClosed


async def idle_model(session: FakeSession) -> None:
    """Default script: answer nothing beyond setupComplete; the session lasts until the client closes."""
    await session.wait_closed(timeout=24 * 3600)  # really bounded by session_timeout and client close


async def echo_model(session: FakeSession) -> None:
    """Answer every text the client sends with ``echo: <text>`` and turnComplete (smoke tests)."""
    try:
        while True:
            text = await session.next_text(timeout=24 * 3600)
            await session.send_text(f"echo: {text}")
    except SessionClosed:
        return
