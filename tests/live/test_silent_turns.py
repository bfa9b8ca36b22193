"""Silent turns as users meet them (field report, tests/fakes/families.py: python-genai#2117): the service
completes a request's turn with no content at all. The backend asks again once, quietly (the user sees nothing of
the empty turn), and if that turn is silent too, says so in one status line instead of waiting forever. The real
backend and SDK against the simulator; the test plays the session's part."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from livepair.backends.backend import Status
from livepair.backends.gemini import GeminiBackend
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession, SessionClosed
from tests.live.backend_link import Events, linked, simulated

QUESTION = "What does load_config return?"


@pytest.fixture
async def backend(fake: FakeLiveServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GeminiBackend]:
    async with simulated(fake, monkeypatch) as live:
        yield live


def asked(fake: FakeLiveServer, text: str) -> int:
    return sum(1 for m in fake.messages if m.kind == "clientContent" and text in "".join(m.texts()))


def empty_notices(events: Events) -> list[str]:
    return [e.message for e in events if isinstance(e, Status) and "empty reply" in e.message]


@pytest.mark.parametrize("silent", [1, 2], ids=["once", "twice"])
async def test_a_silent_turn_is_asked_again_once_then_the_user_is_told(
    backend: GeminiBackend, fake: FakeLiveServer, silent: int
) -> None:
    async def model(session: FakeSession) -> None:
        try:
            await session.send_text("It returns a dict.")  # for the first turn that is not silent
            await session.wait_closed(timeout=60)
        except SessionClosed:
            return

    fake.model = model
    fake.silent_turns = silent
    async with linked(backend, fake) as events:
        backend.send_text(QUESTION)
        if silent == 1:
            await events.until(lambda: events.completes() == 1)
            assert "It returns a dict." in events.said(), "the quiet re-prompt got the answer"
            assert not empty_notices(events), "one silent turn is nothing the user needs to hear of"
        else:
            await events.until(lambda: bool(empty_notices(events)))
            assert QUESTION.split()[-1] in empty_notices(events)[0]
            await events.until(lambda: events.completes() == 1)  # the request is settled, nothing waits forever
            assert events.completes() == 1
        assert asked(fake, QUESTION) == 2, "asked again exactly once"
        assert len(fake.sessions) == 1, "a silent turn is no reason to reconnect"
