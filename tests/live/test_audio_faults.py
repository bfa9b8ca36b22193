"""Faults while the user speaks: the backend (real SDK) streams numbered speech to the simulator, the connection
closes mid-utterance, and the model's state on the resumed connection must hold every chunk of that speech exactly
once (what the handle held, plus what was re-sent: speech younger than 3 s), and the model answers it."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator

import numpy as np
import pytest

from livepair.backends.backend import Status
from livepair.backends.gemini import GeminiBackend
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL
from tests.fakes.session import FakeSession, SessionClosed
from tests.live.backend_link import linked, simulated

# The fault suite waits out real reconnects and backoffs: `make test` runs it, `make check` leaves it.
pytestmark = pytest.mark.slow

CHUNKS = 20  # 2 s of speech in 100 ms chunks
TONE = (np.sin(2 * np.pi * 300 * np.arange(1600) / 16_000) * 8000).astype("<i2").tobytes()


def speech(n: int) -> bytes:
    return struct.pack("<I", n) + TONE[4:]  # loud, and numbered in its first two samples


def numbers(session: FakeSession) -> list[int]:
    return [
        struct.unpack("<I", blob[:4])[0]
        for m in session.history
        for blob in m.blobs("audio/")
        if len(blob) == len(TONE) and blob[4:] == TONE[4:]
    ]


@pytest.fixture
async def backend(fake: FakeLiveServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GeminiBackend]:
    async with simulated(fake, monkeypatch, model=MODEL, response_modality="text") as live:
        yield live


@pytest.mark.parametrize("code", [1000, 1007, 1011])
async def test_a_close_mid_utterance_loses_and_repeats_nothing_of_it(
    backend: GeminiBackend, fake: FakeLiveServer, code: int
) -> None:
    async def first(session: FakeSession) -> None:
        try:
            await session.wait_closed(timeout=60)
        except SessionClosed:
            return

    async def second(session: FakeSession) -> None:
        try:
            await session.send_text("Heard you.")  # once the end of the speech started a turn
            await session.wait_closed(timeout=60)
        except SessionClosed:
            return

    fake.model = first
    async with linked(backend, fake) as events:
        for n in range(CHUNKS):
            backend.send_audio(speech(n))
            if n == CHUNKS // 2:
                await fake.wait_until(lambda: len(numbers(fake.sessions[0])) > CHUNKS // 4)
                fake.model = second
                await fake.sessions[0].close(code, "Internal error encountered." if code == 1011 else "closing")
            await asyncio.sleep(0.1)  # the user speaks in real time
        for _ in range(12):  # then 1.2 s of silence: the end of the utterance
            backend.send_audio(b"\x00\x00" * 1600)
            await asyncio.sleep(0.1)
        await events.until(lambda: "Heard you." in events.said() and events.completes() >= 1)
    last = fake.sessions[-1]
    assert last.resumed
    assert sorted(numbers(last)) == list(range(CHUNKS))  # all of the utterance, each chunk once
    assert any(isinstance(e, Status) and e.state == "reconnecting" for e in events)
    assert not any(isinstance(e, Status) and e.state == "error" for e in events)


async def test_a_1008_mid_utterance_stops_and_says_why(backend: GeminiBackend, fake: FakeLiveServer) -> None:
    async with linked(backend, fake) as events:
        backend.send_audio(speech(0))
        await fake.wait_until(lambda: bool(numbers(fake.sessions[0])))
        await fake.sessions[0].close(1008, "The caller does not have permission")
        await events.until(lambda: any(isinstance(e, Status) and e.state == "error" for e in events))
    (error,) = [e for e in events if isinstance(e, Status) and e.state == "error"]
    assert error.fatal and "permission" in error.message
    assert len(fake.sessions) == 1
