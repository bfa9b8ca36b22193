"""Session behaviour driven by the server: cancellation, goAway + resumption, co-occurring fields, explain."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient


async def start(editor: EditorClient) -> str:
    """f.py open with the scenario's diagnostics, and a session listening; f.py's uri."""
    uri = editor.open("f.py")
    editor.send_diagnostics(uri, scenario.diagnostics())
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    return uri


async def test_a_call_cancelled_by_the_users_new_question_never_runs(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path
) -> None:
    """A call the service cancels (toolCallCancellation; run_command is non-blocking, so the service does not cancel
    it by itself when the turn is cut: the model abandons it) while it still waits for the user's yes is never run
    and never answered, even if the yes comes late."""
    done = asyncio.Event()

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        (run,) = await session.send_tool_call(
            [{"name": "run_command", "args": {"command": "touch ran.txt", "reason": "Try."}}]
        )
        await session.next_message(predicate=lambda m: "never mind" in "".join(m.texts()))
        await session.send_tool_call_cancellation([run])
        (kept,) = await session.send_tool_call(
            [{"name": "annotate", "args": {"path": "f.py", "line": 4, "message": "kept"}}]
        )
        await session.wait_tool_response(kept)
        done.set()
        await session.wait_closed(timeout=60)

    fake.model = model
    editor.answer_approvals = True
    editor.approval_gate = asyncio.Event()  # the user is still reading the prompt
    uri = await start(editor)
    await editor.command("livepair.ask", "Can you reproduce it?")
    await editor.wait_for(lambda: editor.approvals, what="the approval prompt")
    await editor.command("livepair.ask", "never mind, look at line 4")  # interrupts the turn with the call
    await asyncio.wait_for(done.wait(), 30)
    editor.approval_gate.set()  # a late "Allow" for a cancelled call changes nothing
    await editor.wait_for(
        lambda: [d.message for d in editor.livepair_diagnostics(uri)] == ["kept"], what="only the kept hint"
    )
    assert [r["name"] for r in fake.tool_responses()] == ["annotate"]
    assert not (workspace / "ran.txt").exists()


@pytest.mark.slow
async def test_go_away_reconnects_with_the_resumption_handle(editor: EditorClient, fake: FakeLiveServer) -> None:
    async def first(session: FakeSession) -> None:
        await session.send_resumption_update("resume-42")
        await session.send_go_away("5s")
        await session.wait_closed(timeout=30)

    async def second(session: FakeSession) -> None:
        msg = await session.next_message("clientContent", lambda m: "still with me?" in "".join(m.texts()))
        assert msg.body["turnComplete"] is True
        await session.send_text("Yes, resumed.")
        await session.wait_closed(timeout=30)

    fake.model = first
    await start(editor)
    fake.model = second
    await fake.wait_until(lambda: len(fake.setups()) >= 2)
    assert fake.setups()[1]["sessionResumption"]["handle"] == "resume-42"
    assert fake.sessions[0].closed  # the old socket is closed, not left to time out
    # Asked while (or just after) reconnecting: the outbound channel carries it to the new session.
    await editor.command("livepair.ask", "still with me?")
    await editor.wait_for(
        lambda: any(t["text"] == "Yes, resumed." and t["final"] for t in editor.transcripts),
        what="answer on the resumed session",
    )


@pytest.mark.slow
async def test_co_occurring_server_content_fields_are_all_handled(editor: EditorClient, fake: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        # Raw: one message with every field at once, as the service may send them (the wire shape is the point).
        await session.send_server_content(
            modelTurn={"parts": [{"text": "Line 8 opens a relative path. "}]},
            outputTranscription={"text": "Line 8 opens a relative path."},
            inputTranscription={"text": "why does it fail", "finished": True},
            turnComplete=True,
        )
        await session.send({"usageMetadata": {"promptTokenCount": 120, "responseTokenCount": 30}})
        await session.wait_closed(timeout=60)

    fake.model = model
    await start(editor)
    await editor.command("livepair.ask", "why does it fail")
    await editor.wait_for(
        lambda: any(t["role"] == "user" and t["text"] == "why does it fail" for t in editor.transcripts),
        what="user transcript",
    )
    await editor.wait_for(
        lambda: any(t["role"] == "model" and t["final"] for t in editor.transcripts), what="final model text"
    )
    await editor.wait_for(
        lambda: any((s.get("usage") or {}).get("totalTokens") == 150 for s in editor.statuses),
        what="usage in the status",
    )


@pytest.mark.slow
async def test_explain_command_uses_the_diagnostic_under_the_cursor(editor: EditorClient, fake: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        msg = await session.next_message("clientContent", lambda m: "Explain this problem" in "".join(m.texts()))
        assert "f.py:6" in "".join(msg.texts())
        await session.send_text("The key is a placeholder; load it from the environment.")
        await session.wait_closed(timeout=60)

    fake.model = model
    uri = await start(editor)
    editor.send_editor_state(uri, scenario.API_KEY_LINE - 1)
    result = await editor.command("livepair.explain")
    assert result["ok"] is True
    diags = await editor.wait_for(lambda: editor.livepair_diagnostics(uri), what="explanation as a hint")
    assert diags[0].range.start.line == scenario.API_KEY_LINE - 1 and "environment" in diags[0].message
