"""A spoken question always gets its answer on the default model (issue 22): gemini-3.8-live ignores
`audioStreamEnd` and its VAD hears the end of speech only in trailing audio, exact-zero samples being no audio at
all (field report, tests/fakes/families.py). The real voice controller (in-memory mic, the voice's real VAD gate)
feeds the real backend and SDK against the simulator with that behaviour on; the virtual mic plays exact zeros
between words, as the PulseAudio null source does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from livepair.backends.backend import TurnStarted
from livepair.backends.gemini import GeminiBackend
from livepair.config import TURN_TAKING, Settings
from livepair.media.mic import MicChunk
from livepair.session.voice import VoiceController
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession, SessionClosed
from tests.keys import API_KEY
from tests.unit.test_voice_logic import MemoryMic, MemorySpeaker, chunks, silence, tone

pytestmark = pytest.mark.slow  # spoken questions in real time: `make test`, not the inner loop

MARGIN_S = 0.3  # issue 22: end of speech -> model turn start under silence_duration_ms + 300 ms
CHUNK_S = 0.04


async def answers(session: FakeSession) -> None:
    try:
        while True:
            await session.send_text("Heard you.", turn_complete=True)
    except SessionClosed:
        return


@pytest.fixture
async def voiced(
    fake: FakeLiveServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[GeminiBackend, VoiceController]]:
    monkeypatch.setenv("SSL_CERT_FILE", str(fake.ca_file))
    fake.model = answers
    settings = Settings(base_url=fake.url, model="gemini-3.8-live", mic_chunk_ms=int(CHUNK_S * 1000), duplex="full")
    backend = GeminiBackend(settings, API_KEY, [], "system")
    voice = VoiceController(settings, backend, lambda: None, MemoryMic(), MemorySpeaker(jitter_ms=20))
    await voice.mic_link.tick()
    await voice.speaker_link.tick()
    await backend.start()
    yield backend, voice
    await backend.close()


@pytest.mark.parametrize("attempt", range(3))
async def test_a_spoken_question_on_3_8_gets_its_turn_soon_after_the_speech_ends(
    voiced: tuple[GeminiBackend, VoiceController], fake: FakeLiveServer, attempt: int
) -> None:
    backend, voice = voiced
    await fake.wait_until(lambda: bool(fake.sessions) and fake.sessions[0].accepted)
    started = asyncio.Event()

    async def forward() -> None:  # what the session does with the backend's events, for the voice
        while True:
            event = await backend.next_event()
            if isinstance(event, TurnStarted):
                voice.turn_started(event.purpose)
                started.set()

    forwarding = asyncio.create_task(forward())
    try:
        for piece in chunks(tone(700 + 100 * attempt)):  # the user speaks, in real time
            voice._on_chunk(MicChunk(piece, time.monotonic()))
            await asyncio.sleep(CHUNK_S)
        spoke_until = time.monotonic()
        quiet = chunks(silence(4000))  # then the mic hears exact zeros
        for piece in quiet:
            if started.is_set():
                break
            voice._on_chunk(MicChunk(piece, time.monotonic()))
            await asyncio.sleep(CHUNK_S)
        assert started.is_set(), "the spoken question never got its turn"
        latency = time.monotonic() - spoke_until
        silence_s = TURN_TAKING["balanced"].silence_ms / 1000
        assert latency < silence_s + MARGIN_S + CHUNK_S, f"{latency:.3f} s"
    finally:
        forwarding.cancel()
        await asyncio.gather(forwarding, return_exceptions=True)
