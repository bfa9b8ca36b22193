"""Bad input never takes the daemon down: it says what happened, and the next request still works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient


async def still_works(editor: EditorClient) -> None:
    """The daemon answers a command and a request."""
    result = await editor.command("livepair.stop")
    assert result["state"] == "idle"
    editor.send_diagnostics(editor.uri("f.py"), scenario.diagnostics())
    hover = await editor.hover(editor.uri("f.py"), scenario.API_KEY_LINE - 1)
    assert hover is not None and "Pair with senior dev" in hover


def errors_logged(editor: EditorClient) -> list[str]:
    return [m.message for m in editor.lsp.log_messages if m.type == lsp.MessageType.Error]


@pytest.mark.parametrize(
    ("method", "params", "complaint"),
    [
        ("livepair/diagnostics", "nope", "params must be an object"),
        ("livepair/diagnostics", {"uri": "file:///x.py", "diagnostics": [{"message": "no range"}]}, "diagnostic 0"),
        ("livepair/diagnostics", {"uri": 42, "diagnostics": []}, "'uri' must be a string"),
        ("livepair/terminal", {"output": "x"}, "'command' must be a string"),
        ("livepair/terminal", {"command": "ls", "exitCode": "one"}, "'exitCode' must be an integer"),
        ("livepair/editorState", {"uri": "file:///x.py", "selection": {"start": 3}}, "selection"),
        ("livepair/editorState", [1, 2], "params must be an object"),
    ],
)
async def test_malformed_custom_notifications_are_reported(
    editor: EditorClient, method: str, params: Any, complaint: str
) -> None:
    editor.notify(method, params)
    logged = await editor.wait_for(lambda: errors_logged(editor), what="an error log message")
    assert method in logged[0] and complaint in logged[0]
    await still_works(editor)


async def test_unknown_uris_huge_and_binary_documents(editor: EditorClient, fake: FakeLiveServer) -> None:
    # A hover and diagnostics on a document nobody opened.
    ghost = "file:///nowhere/ghost.py"
    editor.send_diagnostics(ghost, [scenario.diagnostics()[0]])
    assert "press *Pair with senior dev*" in (await editor.hover(ghost, scenario.API_KEY_LINE - 1) or "")
    # A 5 MB file and a binary one, open and active while a session runs.
    big = "x = 1  # padding padding padding padding padding padding\n" * 90_000
    assert len(big) > 5_000_000
    big_uri = editor.open("big.py", big)
    editor.open("blob.bin", "\x00\x01\xff\ufffd" * 1000)
    editor.send_diagnostics(
        big_uri,
        [
            {
                "range": {"start": {"line": 80_000, "character": 0}, "end": {"line": 80_000, "character": 1}},
                "message": "far down",
                "severity": 1,
            }
        ],
    )
    editor.send_editor_state(big_uri, 45_000)
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    session = await fake.wait_session()
    msg = await session.next_message("clientContent", lambda m: "far down" in "".join(m.texts()))
    text = "".join(msg.texts())
    assert "80001| x = 1" in text and "45001| x = 1" in text
    assert len(text) < 40_000  # excerpts, never the whole file
    await still_works(editor)


@pytest.mark.slow
async def test_ten_thousand_diagnostics(editor: EditorClient, fake: FakeLiveServer) -> None:
    uri = editor.open("f.py")
    many = [
        {
            "range": {"start": {"line": i % 12, "character": 0}, "end": {"line": i % 12, "character": 1}},
            "message": f"problem {i}",
            "severity": 2,
            "source": "lint",
        }
        for i in range(10_000)
    ]
    editor.send_diagnostics(uri, many)
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    session = await fake.wait_session()
    # Capped at 5,000 a document at the edge (lsp/limits.py); the model sees the first 50 of those.
    msg = await session.next_message("clientContent", lambda m: "Diagnostics (5000)" in "".join(m.texts()))
    assert "(+4950 more not shown)" in "".join(msg.texts())
    await still_works(editor)


async def test_an_unknown_server_message_is_ignored(editor: EditorClient, fake: FakeLiveServer) -> None:
    """A message type the SDK does not know (a newer service) is logged once and skipped: the session goes on."""

    async def newer_service(session: FakeSession) -> None:
        await session.send_unknown()
        question = await session.next_message("clientContent", lambda m: "still there?" in "".join(m.texts()))
        assert question.body.get("turnComplete") is True
        await session.send_text("Yes.")
        await session.wait_closed(timeout=30)

    fake.model = newer_service
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "still there?")
    await editor.wait_for(lambda: any(t["text"] == "Yes." and t["final"] for t in editor.transcripts), what="answer")
    assert len(fake.sessions) == 1, "no reconnect"
    assert not any(s["state"] in ("reconnecting", "error") for s in editor.statuses)


@pytest.mark.slow
async def test_internal_error_1011_reconnects_and_resumes(editor: EditorClient, fake: FakeLiveServer) -> None:
    async def flaky(session: FakeSession) -> None:
        await session.send_resumption_update("handle-1")
        await session.close(1011, "Internal error encountered.")

    fake.model = flaky
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await fake.wait_until(lambda: len(fake.setups()) >= 2)
    second = fake.sessions[1]
    assert second.setup is not None and second.setup["sessionResumption"]["handle"] == "handle-1"
    await editor.wait_for(lambda: any("internal error" in s["message"] for s in editor.statuses), what="reason")
    await editor.wait_state("listening")


async def test_bad_key_1008_is_an_error_with_the_reason_and_recovers(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    await editor.command("livepair.start", {"apiKey": "wrong-key-123"})
    status = await editor.wait_state("error")
    assert "API key not valid" in status["message"] and "Set a valid key" in status["message"]  # cause and fix
    assert "wrong-key-123" not in str(editor.statuses)
    assert len(fake.sessions) == 1  # a bad key is not retried
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")


@pytest.mark.parametrize("settings", [{"backend": "gemini"}])
async def test_no_key_says_how_to_set_one(editor: EditorClient) -> None:
    result = await editor.command("livepair.start")
    assert result["state"] == "error"
    status = await editor.wait_state("error")
    assert "GEMINI_API_KEY" in status["message"] and "'LivePair: Set Gemini API key'" in status["message"]
    await still_works(editor)


async def test_commands_without_a_session_explain_themselves(editor: EditorClient) -> None:
    with pytest.raises(Exception, match="No LivePair session is running"):
        await editor.command("livepair.ask", "hello?")
    await still_works(editor)


async def test_invalid_settings_warn_and_fall_back(workspace: Path, fake: FakeLiveServer) -> None:
    from tests.lsp.harness import start_editor

    client = await start_editor(workspace, fake.subprocess_env(), {"proactivity": "loud", "baseUrl": fake.url})
    try:
        msgs = await client.wait_for(lambda: [m.message for m in client.lsp.messages], what="a warning")
        assert "'proactivity'" in msgs[0] and "'balanced'" in msgs[0]
        # GEMINI_API_KEY from the environment is used when the editor passes none.
        await client.command("livepair.start")
        await client.wait_state("listening")
    finally:
        await client.lsp.shutdown_session()
