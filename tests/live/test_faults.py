"""Faults of the Live link, each injected by the simulator while the real daemon (over stdio, real SDK) is used as
a user would. For each: the daemon stays up, the status tells the truth, the session resumes or is re-seeded, and
nothing the user asked is lost or duplicated — checked on the model's state in the simulator (`history`: what a
resumed handle restored plus what that connection consumed), not on what the client believes it sent.

Time is compressed (LIVEPAIR_LIVE_TIME_SCALE): backoff, the stall watchdog and the setup timeout run at 1/10.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from livepair.backends.gemini import STALL_S
from livepair.backends.reconnect import STALL_FLOOR_S, TIME_SCALE_ENV
from livepair.session.model_turn import CUT_OFF_MARK
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession, SessionClosed
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient, settings_for, start_editor

# The fault suite waits out real reconnects and backoffs: `make test` runs it, `make check` leaves it.
pytestmark = pytest.mark.slow

SCALE = "0.1"


async def compressed_editor(workspace: Path, fake: FakeLiveServer, **settings: Any) -> EditorClient:
    """The daemon as an editor starts it (the key and the endpoint come from the editor), its time at SCALE."""
    env = fake.subprocess_env() | {TIME_SCALE_ENV: SCALE}
    env.pop("GEMINI_API_KEY")
    env.pop("GOOGLE_GEMINI_BASE_URL")
    return await start_editor(workspace, env, settings_for(fake, **settings))


@pytest.fixture
async def editor(workspace: Path, fake: FakeLiveServer) -> AsyncIterator[EditorClient]:
    client = await compressed_editor(workspace, fake)
    yield client
    await client.lsp.shutdown_session()


def question_of(text: str) -> str:
    """The user's question: the last paragraph of a request (held context rides in front of it)."""
    return text.strip().split("\n\n")[-1]


async def answering(session: FakeSession) -> None:
    """A model that answers every request it is given, in full. Requests that arrived together (the service read
    them before the model spoke) are one turn, the newest's: the older ones are history, as on the service."""
    try:
        while True:
            message = await session.next_message(predicate=starts_turn, timeout=3600)
            with contextlib.suppress(TimeoutError):  # no suspension from here to the claim: nothing arrives between
                while True:
                    message = await session.next_message(predicate=starts_turn, timeout=0)
            await session.send_text(f"Answer: {question_of(''.join(message.texts()))}")
    except SessionClosed:
        return


def asked(session: FakeSession, question: str) -> int:
    """How often the model's state holds the question (a request that asks for a reply)."""
    return sum(1 for m in session.history if starts_turn(m) and question in "".join(m.texts()))


async def start(editor: EditorClient, fake: FakeLiveServer) -> None:
    editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")


async def answered(editor: EditorClient, question: str, timeout: float = 20.0) -> None:
    await editor.wait_for(
        lambda: any(
            t["role"] == "model" and t["final"] and t["text"] == f"Answer: {question}" for t in editor.transcripts
        ),
        timeout,
        f"the answer to {question!r}",
    )


def model_finals(editor: EditorClient) -> list[str]:
    return [t["text"] for t in editor.transcripts if t["role"] == "model" and t["final"]]


def said_reconnecting(editor: EditorClient, pattern: str) -> bool:
    return any(s["state"] == "reconnecting" and re.search(pattern, s.get("message", "")) for s in editor.statuses)


async def cut_mid_reply(fault: str, code: int = 1011) -> Any:
    """A first connection that starts answering, then fails in the way named; later ones answer."""

    async def model(session: FakeSession) -> None:
        message = await session.next_message(predicate=starts_turn)
        await session.send_text("Let me look at", turn_complete=False)
        if fault == "close":
            reason = "Internal error encountered." if code == 1011 else "Request contains an invalid argument."
            await session.close(code, reason)
        elif fault == "reset":
            session.reset()
        elif fault == "truncated":
            await session.send_raw('{"serverContent": {"modelTurn": {"parts": [{"te')
        elif fault == "huge":
            huge = "x" * (20 * 2**20)
            await session.send_raw('{"serverContent": {"modelTurn": {"parts": [{"text": "' + huge + '"}]}}}')
        elif fault == "stall":
            pass  # the socket stays open; nothing more ever comes
        del message
        await session.wait_closed(timeout=60)

    return model


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        ("close", 1011, r"internal error"),
        ("close", 1000, r"closed \(1000"),
        ("close", 1007, r"rejected a message"),
        ("reset", 0, r"closed \(1006"),
        ("truncated", 0, r"broken message"),
        ("huge", 0, r"closed|too large"),
        ("stall", 0, r"went silent"),
    ],
)
async def test_a_reply_cut_off_by_the_link_is_marked_and_the_question_is_asked_again(
    editor: EditorClient, fake: FakeLiveServer, fault: str, code: int, status: str
) -> None:
    fake.model = await cut_mid_reply(fault, code)
    await start(editor, fake)
    fake.model = answering
    await editor.command("livepair.ask", "why does f.py fail?")
    await answered(editor, "why does f.py fail?")
    assert said_reconnecting(editor, status), [s.get("message") for s in editor.statuses]
    finals = model_finals(editor)
    assert f"Let me look at {CUT_OFF_MARK}" in finals  # marked, and never glued to the next reply
    assert finals[-1] == "Answer: why does f.py fail?"
    last = fake.sessions[-1]
    assert last.resumed and asked(last, "why does f.py fail?") == 1  # resumed, and the question there once
    await editor.command("livepair.ask", "and now?")
    await answered(editor, "and now?")
    assert editor.statuses[-1]["state"] in ("listening", "speaking", "thinking")


async def test_go_away_mid_turn_waits_for_the_turn_then_resumes_with_nothing_lost(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    async def first(session: FakeSession) -> None:
        message = await session.next_message(predicate=starts_turn)
        # Time enough that only the quiet moment after the turn (the handle issued after it, in) can move the
        # daemon within the waits below (10 s), never the deadline: this test is about that quiet moment.
        await session.send_go_away("30s")
        await session.send_text(f"Answer: {question_of(''.join(message.texts()))}")  # the turn goes on to its end
        await session.wait_closed(timeout=30)

    fake.model = first
    await start(editor, fake)
    fake.model = answering
    await editor.command("livepair.ask", "first question")
    await answered(editor, "first question")
    await fake.wait_until(lambda: len(fake.sessions) >= 2 and fake.sessions[1].accepted)
    assert fake.sessions[0].closed and fake.sessions[0].close_code == 1000  # the old socket closed first, cleanly
    assert fake.sessions[1].resumed
    await editor.command("livepair.ask", "second question")
    await answered(editor, "second question")
    assert asked(fake.sessions[1], "first question") == 1
    assert asked(fake.sessions[1], "second question") == 1
    assert not any(CUT_OFF_MARK in text for text in model_finals(editor))


async def test_go_away_while_a_call_waits_for_the_user_reconnects_before_the_deadline(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path
) -> None:
    import asyncio

    async def first(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        await session.send_tool_call([{"name": "run_command", "args": {"command": "touch ran.txt", "reason": "Try."}}])
        await session.send_go_away("2s")
        await session.wait_closed(timeout=30)

    fake.model = first
    editor.answer_approvals = True
    editor.approval_gate = asyncio.Event()  # the user is still reading the prompt when the connection goes
    await start(editor, fake)
    fake.model = answering
    await editor.command("livepair.ask", "can you run it?")
    await answered(editor, "can you run it?")  # asked again on the new connection, answered there
    editor.approval_gate.set()  # a late yes for a call of the old connection runs nothing
    assert fake.sessions[1].resumed and asked(fake.sessions[1], "can you run it?") == 1
    assert fake.tool_responses() == []
    assert not (workspace / "ran.txt").exists()


async def test_an_unknown_message_type_is_ignored(editor: EditorClient, fake: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        message = await session.next_message(predicate=starts_turn)
        await session.send_unknown("somethingNew")
        await session.send_unknown("somethingNewer")
        await session.send_text(f"Answer: {question_of(''.join(message.texts()))}")
        await answering(session)

    fake.model = model
    await start(editor, fake)
    await editor.command("livepair.ask", "still there?")
    await answered(editor, "still there?")
    assert len(fake.sessions) == 1  # no reconnect
    assert not any(s["state"] in ("reconnecting", "error") for s in editor.statuses)


async def test_the_same_message_refused_twice_is_dropped_and_the_user_told(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    async def strict(session: FakeSession) -> None:
        try:
            while True:
                message = await session.next_message(predicate=starts_turn, timeout=3600)
                question = question_of("".join(message.texts()))
                if "poison" in question:
                    await session.close(1007, "Request contains an invalid argument.")
                    return
                await session.send_text(f"Answer: {question}")
        except SessionClosed:
            return

    fake.model = strict
    await start(editor, fake)
    await editor.command("livepair.ask", "a poison question")
    await editor.wait_for(
        lambda: any("dropped" in s.get("message", "") and "poison" in s.get("message", "") for s in editor.statuses),
        what="the user told that the message was dropped",
    )
    await editor.command("livepair.ask", "a fine question")
    await answered(editor, "a fine question")
    refused = [m for m in fake.messages if "poison" in "".join(m.texts())]
    assert len(refused) == 2  # sent, refused, sent again, refused again, then dropped
    assert asked(fake.sessions[-1], "poison") == 0


@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("API key not valid. Please pass a valid API key.", "'LivePair: Set Gemini API key'"),
        ("models/x is not found for API version v1beta", "not available"),
        ("The caller does not have permission", "permission"),
    ],
)
async def test_1008_stops_naming_the_cause_and_the_fix(
    editor: EditorClient, fake: FakeLiveServer, reason: str, says: str
) -> None:
    fake.close_next_setups = [(1008, reason)]
    editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    status = await editor.wait_state("error")
    assert says in status["message"]
    assert len(fake.sessions) == 1  # no retry: it cannot help
    assert (await editor.command("livepair.stop"))["state"] == "idle"  # the daemon is up and answers


async def test_1007_at_setup_twice_stops_and_once_is_retried(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.close_next_setups = [(1007, "Request contains an invalid argument.")]
    fake.model = answering
    await start(editor, fake)
    assert len(fake.sessions) == 2
    await editor.command("livepair.stop")
    fake.close_next_setups = [(1007, "Request contains an invalid argument.")] * 2
    await editor.command("livepair.start", {"apiKey": API_KEY})
    status = await editor.wait_state("error")
    assert "setup twice" in status["message"]


async def test_a_persistent_internal_error_backs_off_longer_each_time(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    fake.close_next_setups = [(1011, "Internal error encountered.")] * 6
    fake.model = answering
    await start(editor, fake)
    messages = [s.get("message", "") for s in editor.statuses]
    shown = [m for n, m in enumerate(messages) if n == 0 or m != messages[n - 1]]  # a status is re-sent on other news
    delays = [
        float(m.group(1))
        for text in shown
        if "internal error" in text and (m := re.search(r"next try in ([\d.]+) s", text))
    ]
    assert len(delays) == 6, delays
    assert all(later > earlier for earlier, later in zip(delays, delays[2:], strict=False)), delays  # jitter < 2x
    await editor.command("livepair.ask", "finally?")
    await answered(editor, "finally?")


async def test_no_setup_complete_is_retried(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.withhold_setup_complete = 1
    fake.model = answering
    await start(editor, fake)
    assert len(fake.sessions) == 2
    assert said_reconnecting(editor, "did not answer in time")


async def test_refused_then_tls_failure_then_back_resumes(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.model = answering
    await start(editor, fake)
    await editor.command("livepair.ask", "before the outage")
    await answered(editor, "before the outage")
    await fake.go_down()
    await editor.wait_for(lambda: said_reconnecting(editor, r"Cannot reach Gemini"), what="connection refused")
    await editor.command("livepair.ask", "during the outage")  # held until the link is back
    await fake.come_back(untrusted_tls=True)
    await editor.wait_for(lambda: said_reconnecting(editor, r"Secure connection"), what="TLS failure")
    await fake.come_back()
    await editor.command("livepair.retryNow")
    await answered(editor, "during the outage")
    last = fake.sessions[-1]
    assert last.resumed
    assert asked(last, "before the outage") == 1 and asked(last, "during the outage") == 1


async def test_a_rejected_resumption_handle_gives_one_fresh_session_reseeded(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    fake.model = answering
    await start(editor, fake)
    editor.send_editor_state(editor.uri("f.py"), 8)
    await fake.wait_until(lambda: any("f.py" in t for t in fake.texts_sent()))
    await editor.command("livepair.ask", "what is on line 8?")
    await answered(editor, "what is on line 8?")
    fake.handles.reject_all = True
    await fake.sessions[0].close(1011, "Internal error encountered.")
    await fake.wait_until(lambda: len(fake.sessions) >= 3 and fake.sessions[2].accepted)
    assert fake.sessions[1].close_code == 1008 and not fake.sessions[2].resumed
    assert "handle" not in (fake.setups()[2].get("sessionResumption") or {})
    await editor.command("livepair.ask", "and line 9?")
    await answered(editor, "and line 9?")
    seed = "".join(fake.sessions[2].history[0].texts())
    assert "what is on line 8?" in seed and "Answer: what is on line 8?" in seed  # the conversation so far
    assert "f.py" in seed  # and what the model knew of the editor
    assert not any(s["state"] == "error" for s in editor.statuses)


async def test_slow_to_accept_input_loses_nothing(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.model = answering
    await start(editor, fake)
    session = fake.sessions[0]
    session.reading.clear()
    await editor.command("livepair.ask", "one")
    await editor.command("livepair.ask", "two")
    session.reading.set()
    await answered(editor, "two")
    assert asked(session, "one") == 1 and asked(session, "two") == 1


async def test_a_clean_stop_closes_with_1000(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.model = answering
    await start(editor, fake)
    await editor.command("livepair.stop")
    await fake.sessions[0].wait_closed()
    assert fake.sessions[0].close_code == 1000


async def test_a_call_waiting_for_the_users_yes_is_not_a_stalled_socket(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path
) -> None:
    """The model waits for us while the user reads an approval: silence then is not a dead socket."""
    import asyncio

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        (call,) = await session.send_tool_call(
            [{"name": "run_command", "args": {"command": "touch ran.txt", "reason": "Try."}}]
        )
        await session.wait_tool_response(call, timeout=30)
        await session.send_text("Answer: it ran")
        await answering(session)

    fake.model = model
    editor.answer_approvals = True
    editor.approval_gate = asyncio.Event()
    await start(editor, fake)
    await editor.command("livepair.ask", "run it")
    await editor.wait_for(lambda: editor.approvals, what="the approval prompt")
    # the user reads the prompt for twice the daemon's (compressed) stall bound
    await asyncio.sleep(2 * max(STALL_S * float(SCALE), STALL_FLOOR_S))
    editor.approval_gate.set()
    await answered(editor, "it ran")
    assert len(fake.sessions) == 1 and (workspace / "ran.txt").exists()
