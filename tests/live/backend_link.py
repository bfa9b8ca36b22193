"""The Gemini backend (real SDK) against the simulator, with the test playing the session's part: the backend
built for a model family, and its link — started, the first connection accepted, every event collected as it
comes, with a wait that re-checks on each event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest

from livepair.backends.backend import BackendEvent, Transcript, TurnComplete
from livepair.backends.gemini import GeminiBackend
from livepair.backends.reconnect import TIME_SCALE_ENV
from livepair.config import Settings
from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY

FAMILY_38 = "gemini-3.8-live"  # the family whose field reports the simulator plays (tests/fakes/families.py)


class Events(list[BackendEvent]):
    """What the backend emitted, with a wait that re-checks on each event."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    async def until(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self.changed.clear()
                await self.changed.wait()

    def said(self) -> str:
        """The model's words so far, as its transcript shows them."""
        return "".join(e.text for e in self if isinstance(e, Transcript) and e.role == "model")

    def completes(self) -> int:
        return sum(1 for e in self if isinstance(e, TurnComplete))


async def collect(live: GeminiBackend, out: Events) -> None:
    while True:
        out.append(await live.next_event())
        out.changed.set()


@asynccontextmanager
async def simulated(
    fake: FakeLiveServer,
    monkeypatch: pytest.MonkeyPatch,
    declarations: Sequence[dict[str, Any]] = (),
    **settings: Any,
) -> AsyncIterator[GeminiBackend]:
    """A backend that trusts the simulator's certificate and waits out backoffs at a tenth of their time."""
    monkeypatch.setenv("SSL_CERT_FILE", str(fake.ca_file))
    monkeypatch.setenv(TIME_SCALE_ENV, "0.1")
    settings.setdefault("model", FAMILY_38)
    live = GeminiBackend(Settings(base_url=fake.url, **settings), API_KEY, list(declarations), "system")
    try:
        yield live
    finally:
        await live.close()


@asynccontextmanager
async def linked(backend: GeminiBackend, fake: FakeLiveServer) -> AsyncIterator[Events]:
    """The backend started and its first connection accepted; its events collected until the block ends."""
    events = Events()
    reader = asyncio.create_task(collect(backend, events))
    try:
        await backend.start()
        await fake.wait_until(lambda: bool(fake.sessions) and fake.sessions[0].accepted)
        yield events
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
