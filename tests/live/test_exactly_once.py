"""Exactly once, as the issue measured it failing (issue 22): each case through the real daemon over stdio, the
real SDK and the simulator. A question is answered once; the daemon's own messages never cut a reply off; a reply
cut by a fault is marked and its question asked again; nothing answered is asked again; a fresh session's
restatement is bounded and never nests an earlier one; a text that arrives several ways is shown once.

Time is compressed (LIVEPAIR_LIVE_TIME_SCALE) as in test_faults.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from livepair.backends.gemini import REFUSED_IN_A_ROW
from livepair.session.model_turn import CUT_OFF_MARK
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession, SessionClosed
from tests.live.held_reply import is_context, reply_held_open
from tests.live.test_faults import compressed_editor, model_finals, question_of, start
from tests.lsp.harness import EditorClient

pytestmark = pytest.mark.slow

RESTATEMENT = "(The connection to you was reset"
MAX_RESTATEMENT = 16 * 1024
HOLD_S = 1.5  # how long a slow reply stays open for an editor update to (wrongly) arrive in it


@pytest.fixture
async def editor(workspace: Path, fake: FakeLiveServer) -> AsyncIterator[EditorClient]:
    client = await compressed_editor(workspace, fake)
    yield client
    await client.lsp.shutdown_session()


def _squeezed(text: str) -> str:
    return "".join(text.split())  # spoken replies come as word chunks: compare without the spacing


def finals_of(editor: EditorClient, question: str) -> int:
    return sum(1 for text in model_finals(editor) if _squeezed(text) == _squeezed(f"Answer: {question}"))


async def answered(editor: EditorClient, question: str, timeout: float = 20.0) -> None:
    await editor.wait_for(lambda: finals_of(editor, question) > 0, timeout, f"the answer to {question!r}")


def asked_anywhere(fake: FakeLiveServer, question: str) -> int:
    """How often a question was sent as a turn of its own, over every connection (what the user pays for)."""
    return sum(
        1 for s in fake.sessions for m in s.messages if starts_turn(m) and question_of("".join(m.texts())) == question
    )


async def slow_answers(session: FakeSession) -> None:
    """Answers each request in two pieces, holding the reply open while editor updates may come in (a daemon that
    sends one then cuts its own reply off: the simulator drops the rest, as the service does)."""
    try:
        while True:
            message = await session.next_message(predicate=starts_turn, timeout=3600)
            with contextlib.suppress(TimeoutError):
                while True:
                    message = await session.next_message(predicate=starts_turn, timeout=0)
            question = question_of("".join(message.texts()))
            with contextlib.suppress(TimeoutError):  # it thinks before it speaks
                await session.next_message(predicate=is_context, timeout=HOLD_S)
            # Cut off, the rest of this reply is dropped; the next request gets the next one.
            await reply_held_open(session, "Answer:", f" {question}", HOLD_S)
    except SessionClosed:
        return


def typing(editor: EditorClient, rounds: int = 3) -> None:
    uri = editor.uri("f.py")
    for n in range(rounds):
        editor.replace_line(uri, 0, f"# typing {n}")
        editor.send_editor_state(uri, n)


async def typed_reached_the_model(fake: FakeLiveServer) -> None:
    await fake.wait_until(lambda: any("# typing 2" in t for t in fake.texts_sent()), timeout=15)


async def test_a_question_over_a_reply_keeps_its_own_reply_whole(editor: EditorClient, fake: FakeLiveServer) -> None:
    """The user types while the senior dev speaks (held), then cuts it off with a question: the held updates wait
    for the new reply to end instead of cutting it off before it starts."""
    fake.model = slow_answers
    await start(editor, fake)
    await editor.command("livepair.ask", "first?")
    await editor.wait_for(lambda: any(t["role"] == "model" for t in editor.transcripts), what="the reply starting")
    await editor.command("livepair.ask", "second?")  # cuts the first reply: the user asked
    await fake.wait_until(lambda: fake.sessions[0].turns is not None and fake.sessions[0].turns.interruptions == 1)
    typing(editor)  # while the model thinks about the question
    await answered(editor, "second?")
    assert fake.sessions[0].turns is not None and fake.sessions[0].turns.interruptions == 1, "only the user's cut"
    assert finals_of(editor, "second?") == 1
    await typed_reached_the_model(fake)


async def test_a_fault_mid_reply_marks_it_and_the_replay_is_not_cut_by_held_context(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    """A question over a reply, with editor updates held; the link fails mid-reply. After the reconnect the
    question is asked again and answered whole, the held updates wait for it, and nothing is asked twice."""

    async def first(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn, timeout=30)
        await session.send_text("Let me see", turn_complete=False)
        await session.next_message(predicate=starts_turn, timeout=30)  # the user's question, over it
        with contextlib.suppress(TimeoutError):  # it thinks before it speaks
            await session.next_message(predicate=is_context, timeout=HOLD_S)
        await session.send_text("Answer: half", turn_complete=False)
        await session.close(1011, "Internal error encountered.")

    fake.model = first
    await start(editor, fake)
    await editor.command("livepair.ask", "first?")
    await editor.wait_for(lambda: any(t["role"] == "model" for t in editor.transcripts), what="the reply starting")
    fake.model = slow_answers
    await editor.command("livepair.ask", "why?")
    await fake.wait_until(lambda: fake.sessions[0].turns is not None and fake.sessions[0].turns.interruptions == 1)
    typing(editor)
    await answered(editor, "why?", timeout=30)
    assert any(text.endswith(CUT_OFF_MARK) and "half" in text for text in model_finals(editor)), model_finals(editor)
    later = fake.sessions[1:]
    assert all(s.turns is not None and s.turns.interruptions == 0 for s in later), "no reply cut by the daemon"
    assert finals_of(editor, "why?") == 1
    await typed_reached_the_model(fake)
    # Another fault between turns: what was answered is not asked again.
    before = len(fake.sessions)
    await fake.sessions[-1].close(1011, "Internal error encountered.")
    await fake.wait_until(lambda: len(fake.sessions) > before and fake.sessions[-1].accepted, timeout=15)
    await editor.command("livepair.ask", "and now?")
    await answered(editor, "and now?", timeout=30)
    assert finals_of(editor, "why?") == 1 and asked_anywhere(fake, "why?") == 2  # once cut, once whole
    assert asked_anywhere(fake, "first?") == 1


async def test_a_fresh_session_restates_once_bounded_and_asks_nothing_answered_again(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    fake.model = slow_answers
    await start(editor, fake)
    uri = editor.uri("f.py")
    fake.handles.reject_all = True  # every reconnect is a fresh session
    for n in range(4):
        question = f"question {n}?"
        # A lot of editor context each round: the restatement must stay bounded all the same.
        for line in range(6):
            editor.replace_line(uri, line, f"# round {n} line {line} " + "x" * 1500)
        editor.send_editor_state(uri, n)
        await editor.command("livepair.ask", question)
        await answered(editor, question, timeout=30)
        before = len(fake.sessions)
        await fake.sessions[-1].close(1011, "Internal error encountered.")
        await fake.wait_until(lambda b=before: len(fake.sessions) > b + 1 and fake.sessions[-1].accepted, timeout=20)

    def seeds() -> list[str]:
        return ["".join(m.texts()) for s in fake.sessions for m in s.messages if RESTATEMENT in "".join(m.texts())]

    await fake.wait_until(lambda: len(seeds()) >= 4, timeout=15)
    for seed in seeds():
        assert seed.count(RESTATEMENT) == 1, "a restatement never nests an earlier one"
        assert len(seed.encode()) <= MAX_RESTATEMENT
    assert "question 3?" in seeds()[-1] and "You: Answer:" in seeds()[-1], "the conversation is restated"
    for n in range(4):
        assert asked_anywhere(fake, f"question {n}?") == 1, f"question {n} asked again"
        assert finals_of(editor, f"question {n}?") == 1


async def test_words_sent_as_text_and_as_transcription_are_shown_once(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    async def model(session: FakeSession) -> None:
        with contextlib.suppress(SessionClosed):
            while True:
                await session.next_message(predicate=starts_turn, timeout=3600)
                # Several parts in one event (field report: 3.1 and later): the words as text and transcribed.
                for words in ("noted", " once", "."):
                    await session.send_server_content(
                        modelTurn={"parts": [{"text": words}]}, outputTranscription={"text": words}
                    )
                await session.send_turn_complete()

    fake.model = model
    await start(editor, fake)
    await editor.command("livepair.ask", "note it")
    await editor.wait_for(lambda: model_finals(editor), what="the reply")
    assert model_finals(editor) == ["noted once."]


async def refusing(session: FakeSession) -> None:
    """A service that refuses every client content with 1007 (issue 22: it went on reconnecting for ever)."""
    with contextlib.suppress(SessionClosed):
        await session.next_message(kind="clientContent", timeout=3600)
        await session.close(1007, "Request contains an invalid argument.")


async def test_a_service_that_refuses_everything_stops_then_retry_goes_on(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    fake.model = refusing
    began = asyncio.get_running_loop().time()
    await start(editor, fake)

    def stop() -> dict[str, Any] | None:
        return next((s for s in editor.statuses if "stopped retrying" in s.get("message", "")), None)

    for n in range(REFUSED_IN_A_ROW + 1):  # the user keeps asking (and a question refused twice is dropped)
        if stop() is not None:
            break
        tried = len(fake.sessions)
        await editor.command("livepair.ask", f"before {n}?")
        await editor.wait_for(lambda t=tried: stop() or len(fake.sessions) > t, timeout=30, what="a refusal")
    stopped = await editor.wait_for(stop, timeout=30, what="a stop")
    assert asyncio.get_running_loop().time() - began < 30
    assert "in a row" in stopped["message"] and "Retry" in stopped["message"] and "\n" not in stopped["message"]
    tried = len(fake.sessions)
    assert tried <= 4
    await editor.command("livepair.ask", "while stopped?")  # kept, not sent into a refusing service
    # An absence needs a window: a daemon that had not stopped would try again within its backoff (under 0.4 s
    # at this time scale) and at once for a new question; it gets five times that, the question as a reason.
    with pytest.raises(AssertionError, match="an attempt while stopped"):
        await editor.wait_for(lambda: len(fake.sessions) > tried, timeout=2.0, what="an attempt while stopped")
    fake.model = slow_answers
    await editor.command("livepair.retryNow")
    await answered(editor, "while stopped?", timeout=30)
    for n in range(REFUSED_IN_A_ROW + 1):
        question = f"before {n}?"
        told = any("dropped" in s.get("message", "") and question in s.get("message", "") for s in editor.statuses)
        assert told or finals_of(editor, question) <= 1, "answered once, or the user told it was dropped"
    assert finals_of(editor, "while stopped?") == 1
    # One connection after Retry; another only where the daemon hung up on a silent socket (its watchdog closes
    # with 1011: under load, time compressed tenfold makes a 2 s stall) — never a refused or an unprompted one.
    after = fake.sessions[tried:]
    assert after and all(s.close_code == 1011 for s in after[:-1]), f"no attempt while stopped: {after}"


async def test_a_refused_restatement_is_shrunk_then_dropped_and_the_session_goes_on(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    async def model(session: FakeSession) -> None:
        with contextlib.suppress(SessionClosed):
            while True:
                message = await session.next_message(timeout=3600)
                if RESTATEMENT in "".join(message.texts()):
                    await session.close(1007, "Request contains an invalid argument.")
                    return
                if starts_turn(message):
                    await session.send_text(f"Answer: {question_of(''.join(message.texts()))}")

    fake.model = model
    await start(editor, fake)
    await editor.command("livepair.ask", "first?")
    await answered(editor, "first?")
    fake.handles.reject_all = True  # fresh sessions from now on: each one is told where we were
    await fake.sessions[-1].close(1011, "Internal error encountered.")
    await editor.wait_for(
        lambda: any(
            "dropped" in s.get("message", "") and "restatement" in s.get("message", "") for s in editor.statuses
        ),
        timeout=30,
        what="the user told the restatement was dropped",
    )
    await editor.command("livepair.ask", "second?")
    await answered(editor, "second?", timeout=30)
    sent = [m for s in fake.sessions for m in s.messages if RESTATEMENT in "".join(m.texts())]
    assert len(sent) == 2 and len("".join(sent[1].texts())) < len("".join(sent[0].texts())), "shrunk, then dropped"
    assert not any("stopped retrying" in s.get("message", "") for s in editor.statuses)
    assert asked_anywhere(fake, "first?") == 1


async def test_extended_thinkings_filler_is_not_the_end_of_the_answer(workspace: Path, fake: FakeLiveServer) -> None:
    """interaction_status (field report, families.py): a turnComplete while IN_PROGRESS is a filler; editor updates
    keep waiting, the filler and the answer are both shown, and the question is settled once, at IDLE."""

    async def thinking(session: FakeSession) -> None:
        with contextlib.suppress(SessionClosed):
            while True:
                message = await session.next_message(predicate=starts_turn, timeout=3600)
                await session.send_filler("Let me think.")
                with contextlib.suppress(TimeoutError):  # an update now would cut the background work off
                    await session.next_message(predicate=is_context, timeout=HOLD_S)
                if session.cut_off:
                    continue
                await session.send_text(f"Answer: {question_of(''.join(message.texts()))}")

    fake.model = thinking
    editor = await compressed_editor(workspace, fake, model="gemini-3.8-live-extended-thinking", apiVersion="v1alpha")
    try:
        await start(editor, fake)
        await editor.command("livepair.ask", "deep?")
        await editor.wait_for(lambda: "Let me think." in model_finals(editor), what="the filler")
        typing(editor)
        await answered(editor, "deep?")
        session = fake.sessions[-1]
        assert session.turns is not None and session.turns.interruptions == 0
        assert model_finals(editor)[-2:] == ["Let me think.", "Answer: deep?"]
        await typed_reached_the_model(fake)
        assert asked_anywhere(fake, "deep?") == 1
    finally:
        await editor.lsp.shutdown_session()
