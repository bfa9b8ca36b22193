"""A plain LSP client (no LivePair extension or plugin) gets the senior dev through standard LSP alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.lsp.harness import EditorClient, settings_for, start_editor

LINE = scenario.MISSING_FILE_LINE - 1


class PlainEditor:
    """Records window/showMessageRequest and answers it with one of its buttons."""

    def __init__(self, editor: EditorClient, answer: str) -> None:
        self.editor = editor
        self.requests: list[lsp.ShowMessageRequestParams] = []

        @editor.lsp.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)
        async def _request(params: lsp.ShowMessageRequestParams) -> lsp.MessageActionItem | None:
            self.requests.append(params)
            return next((a for a in params.actions or [] if a.title == answer), None)

    def messages(self, kind: lsp.MessageType) -> list[str]:
        return [m.message for m in self.editor.lsp.messages if m.type == kind]

    def logs(self) -> list[str]:
        return [m.message for m in self.editor.lsp.log_messages]


@pytest.fixture
async def plain(workspace: Path) -> AsyncIterator[PlainEditor]:
    env = {"LIVEPAIR_STATE_DIR": str(workspace.parent / "state")}
    editor = await start_editor(workspace, env, {"digestDebounceMs": 20}, client_name=None)
    yield PlainEditor(editor, "Deny")
    await editor.lsp.shutdown_session()


async def test_plain_client_gets_the_offline_senior_dev_by_itself(plain: PlainEditor, workspace: Path) -> None:
    editor = plain.editor
    uri = editor.open("f.py")
    # No livepair.start: the session starts itself, offline, and says so in the log.
    await editor.wait_for(lambda: any("listening (offline)" in m for m in plain.logs()), what="auto-started session")

    # Opening f.py shows both of its problems before it ever runs (the offline advisor's on-open checks).
    key_line = scenario.API_KEY_LINE - 1
    lines = {LINE, key_line}
    await editor.wait_for(
        lambda: lines <= {d.range.start.line for d in editor.livepair_diagnostics(uri)} or None, what="on-open hints"
    )
    hover = await editor.hover(uri, LINE)
    assert hover is not None and "src/data/config.json" in hover, "K shows the explanation"
    hover = await editor.hover(uri, key_line)
    assert hover is not None and "API_KEY" in hover and "environment" in hover
    assert not plain.messages(lsp.MessageType.Info), "advice with a line is a hint, not a message"

    # Advice with no file to sit on (a mistyped command) arrives as a message.
    editor.send_terminal("pyhton f.py", "bash: pyhton: command not found\n", 127)
    shown = await editor.wait_for(lambda: plain.messages(lsp.MessageType.Info), what="a message")
    assert shown[0].startswith("LivePair: Possible cause: The shell cannot find 'pyhton'")


@pytest.mark.slow
async def test_plain_client_is_asked_with_show_message_request(workspace: Path, fake: FakeLiveServer) -> None:
    results: list[dict[str, Any]] = []
    answered = asyncio.Event()

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)  # the failed run the senior dev looks at by itself
        args = {"command": "touch ran.txt", "reason": "Reproduce the error."}
        ids = await session.send_tool_call([{"name": "run_command", "args": args}])
        results.extend(await session.wait_tool_response(ids, timeout=30))
        answered.set()
        await session.wait_closed(timeout=60)

    fake.model = model
    env = fake.subprocess_env()  # the key in the environment, as a plain client's user would set it
    env.pop("GOOGLE_GEMINI_BASE_URL")
    editor = await start_editor(workspace, env, settings_for(fake, autoStart="always"), client_name=None)
    try:
        plain = PlainEditor(editor, "Deny")
        editor.open("f.py")
        editor.send_terminal("python3 f.py", scenario.terminal_output(workspace), 1)
        await asyncio.wait_for(answered.wait(), 30)
        (request,) = plain.requests
        assert [a.title for a in request.actions or []] == ["Deny", "Allow"], "Deny first: the default is no"
        assert "$ touch ran.txt" in request.message and str(workspace) in request.message
        assert results[0]["response"] == {"error": "the user declined to run this command"}
        assert not (workspace / "ran.txt").exists()
    finally:
        await editor.lsp.shutdown_session()
