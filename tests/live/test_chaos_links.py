"""The daemon's Live link against two field reports the simulator has on by default (tests/fakes/families.py,
aicc2025/sip-to-ai#14): pongs after 8-30 s, and a resume refused while the session's earlier socket is open; and
the user's words transcribed late, after their reply. The real backend and SDK against the simulator; the test
plays the session's part."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect

from livepair.backends.gemini import GeminiBackend
from tests.fakes.hearing import ToneWords
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession, SessionClosed
from tests.live.backend_link import linked, simulated

pytestmark = pytest.mark.slow  # reconnects and a watchdog: `make test`, not the inner loop

# websockets' own keepalive period (its public default): a client that left keepalive on pings within this.
KEEPALIVE_S = float(inspect.signature(connect).parameters["ping_interval"].default)


@pytest.fixture
async def backend(fake: FakeLiveServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GeminiBackend]:
    async with simulated(fake, monkeypatch) as live:
        yield live


async def test_late_pongs_cannot_end_the_link_it_sends_no_keepalive(
    backend: GeminiBackend, fake: FakeLiveServer
) -> None:
    """A keepalive that waits less than the service's 8-30 s for a pong closes a healthy session with 1011; the
    daemon's watchdog (a frame due and none came) notices a dead socket instead."""

    async def model(session: FakeSession) -> None:
        try:
            while True:
                await session.next_message(predicate=starts_turn, timeout=60)
                await session.send_text("Still here.")
        except SessionClosed:
            return

    fake.model = model
    async with linked(backend, fake) as events:
        for n in (1, 2):
            backend.send_text(f"Are you there? ({n})")
            await events.until(lambda n=n: events.completes() == n)
        assert events.said().count("Still here.") == 2
        session = fake.sessions[0]
        # On the wire: the session idles past a keepalive period (an idle window costs no CPU), and the service
        # sees no ping frame at all (tests/fakes/pongs.py counts them as they arrive).
        with pytest.raises(TimeoutError):
            await fake.wait_until(lambda: session.pings > 0 or session.closed, timeout=KEEPALIVE_S + 2)
        assert len(fake.sessions) == 1 and not session.closed and session.pings == 0, "no keepalive a pong trips"


@pytest.mark.parametrize("fault", ["go-away", "stall"])
async def test_the_old_socket_is_closed_before_the_resume(
    backend: GeminiBackend, fake: FakeLiveServer, fault: str
) -> None:
    """The service refuses a resume while the session's earlier socket is open: on a goAway (a planned move) and
    on a silent socket (the watchdog gives up on it) the daemon closes it first, and the resume is taken."""

    async def model(session: FakeSession) -> None:
        try:
            while True:
                message = await session.next_message(predicate=starts_turn, timeout=60)
                if session.index == 0 and "second" in "".join(message.texts()):
                    if fault == "go-away":
                        await session.send_text("First part.")
                        await session.send_go_away("1s")
                    else:
                        await session.wait_closed(timeout=60)  # silent: the socket stays open
                        return
                    continue
                await session.send_text("Answered.")
        except SessionClosed:
            return

    fake.model = model
    async with linked(backend, fake) as events:
        backend.send_text("first?")
        await events.until(lambda: events.completes() == 1)
        backend.send_text("second?")
        await fake.wait_until(lambda: any(s.resumed and s.accepted for s in fake.sessions), timeout=30)
        if fault == "stall":
            await events.until(lambda: "Answered.Answered." in events.said().replace(" ", ""), timeout=30)
        assert fake.resumes_refused_open == 0, "resumed while the old socket was open"
        assert fake.sessions[0].closed


async def test_late_words_of_an_answered_utterance_are_not_asked_again(
    backend: GeminiBackend, fake: FakeLiveServer
) -> None:
    """The service's transcription comes independently of the turn (on 3.8 it may come late): words of an utterance
    whose reply already ended are not kept, so the reconnect that follows asks nothing the user had answered."""
    words = ToneWords(["q1?"])
    fake.transcribe = words.hear

    async def model(session: FakeSession) -> None:
        try:
            while True:
                heard = await session.next_input(starts_turn, timeout=60)
                spoken = isinstance(heard, str)
                text = heard if isinstance(heard, str) else "".join(heard.texts())
                await session.send_text(f"Answer: {text.split()[-1]}")
                if session.index == 0 and spoken:
                    await session.send_input_transcript(text, finished=True)  # late, after the reply ended
                    await session.close(1011, "Internal error encountered.")
                    return
        except SessionClosed:
            return

    fake.model = model
    async with linked(backend, fake) as events:
        pcm = words.say("q1?") + bytes(32_000)  # then the mic hears exact zeros (the backend dithers them)
        for i in range(0, len(pcm), 640):  # the user speaks, in real time, in 20 ms chunks
            if events.completes():
                break
            backend.send_audio(pcm[i : i + 640])
            await asyncio.sleep(0.02)
        await events.until(lambda: events.completes() == 1)
        await fake.wait_until(lambda: len(fake.sessions) == 2 and fake.sessions[1].accepted, timeout=30)
        backend.send_text("q2?")  # what a re-asked q1 would have gone before
        await events.until(lambda: events.completes() == 2)
        assert events.said().replace(" ", "") == "Answer:q1?Answer:q2?"
        asked = ["".join(m.texts()) for m in fake.sessions[1].messages if starts_turn(m)]
        assert asked == ["q2?"], f"asked again on the new connection: {asked}"
