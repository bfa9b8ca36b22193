"""Tool calls on 3.8 as users meet them (field report, tests/fakes/families.py): an empty result makes the model
call again, 2-5 times. The backend never sends an empty result (an informative status instead), and an identical
call repeated in one turn has one effect: one ToolCall to the session (one approval prompt), every id answered.
The real backend and SDK against the simulator; the test plays the session's part."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from livepair.backends.backend import BackendEvent, ToolCall
from livepair.backends.gemini import GeminiBackend
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession, SessionClosed
from tests.live.backend_link import linked, simulated

DECLARATIONS = [{"name": "find_usages", "description": "Find usages.", "parameters": {"type": "object"}}]


@pytest.fixture
async def backend(fake: FakeLiveServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[GeminiBackend]:
    async with simulated(fake, monkeypatch, DECLARATIONS) as live:
        yield live


def calls(events: list[BackendEvent]) -> list[ToolCall]:
    return [e for e in events if isinstance(e, ToolCall)]


@pytest.mark.parametrize("twice", [False, True], ids=["once", "repeated-in-the-turn"])
async def test_an_empty_result_is_informative_and_a_repeated_call_has_one_effect(
    backend: GeminiBackend, fake: FakeLiveServer, twice: bool
) -> None:
    async def model(session: FakeSession) -> None:
        try:
            await session.next_message(kind="clientContent", predicate=lambda m: bool(m.body.get("turnComplete")))
            call = {"name": "find_usages", "args": {"symbol": "load_config"}}
            ids = await session.send_tool_call([call, call] if twice else [call])
            await session.wait_tool_response(ids)
            await session.send_text("None found.")
            await session.wait_closed(timeout=60)
        except SessionClosed:
            return

    fake.model = model
    async with linked(backend, fake) as events:
        backend.send_text("Who calls load_config?")
        await events.until(lambda: bool(calls(events)))
        backend.send_tool_response(calls(events)[0].id, "find_usages", {})  # the tool found nothing
        await events.until(lambda: events.completes() >= 1)
        session = fake.sessions[0]
        assert session.turns is not None and session.turns.repeated == 0, "the model had no reason to call again"
        assert len(calls(events)) == 1, "one effect, one prompt"
        results = [r["response"] for r in fake.tool_responses()]
        assert len(results) == (2 if twice else 1) and all(
            r == {"status": "no_results", "retryable": False} for r in results
        )
