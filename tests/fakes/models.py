"""Ready-made model scripts for :class:`~tests.fakes.live_server.FakeLiveServer`."""

from __future__ import annotations

from tests.fakes.session import FakeSession, ModelScript, SessionClosed
from tests.fakes.wire import ClientMessage

#: The default model in tests: the current stable Live model (families.py).
MODEL = "gemini-3.8-live"


def starts_turn(message: ClientMessage) -> bool:
    """A client message after which the service starts generating (turns.py, rule 1)."""
    if message.kind == "clientContent":
        return bool(message.body.get("turnComplete"))
    return message.kind == "realtimeInput" and isinstance(message.body.get("text"), str)


async def idle_model(session: FakeSession) -> None:
    """Default script: the model says nothing; each turn it is given ends at once, empty (the service ends every
    turn it starts); the session lasts until the client closes."""
    try:
        while True:
            await session.pass_turn(timeout=24 * 3600)  # really bounded by session_timeout and client close
    except SessionClosed:
        return


async def echo_model(session: FakeSession) -> None:
    """Answer every request (a turn-completing text) with ``echo: <text>`` (smoke tests)."""
    try:
        while True:
            message = await session.next_message(predicate=starts_turn, timeout=24 * 3600)
            await session.send_text(f"echo: {''.join(message.texts())}")
    except SessionClosed:
        return


CURRENT_WORDS = ("latest", "current", "newest", "today", "this week", "released", "recent")


def searching_model(answer: str, sources: list[tuple[str, str]]) -> ModelScript:
    """A model that looks things up: a question about something current is answered from a web search (with
    `groundingMetadata` when the setup gave it Google Search); any other request from what it knows."""

    async def model(session: FakeSession) -> None:
        try:
            while True:
                message = await session.next_message(predicate=starts_turn, timeout=24 * 3600)
                question = "".join(message.texts())
                if any(word in question.lower() for word in CURRENT_WORDS):
                    await session.send_grounded_text(answer, sources, [question[:80]])
                else:
                    await session.send_text("From memory.")
        except SessionClosed:
            return

    return model
