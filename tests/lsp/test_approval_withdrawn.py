"""A prompt for a call the model cancels is withdrawn in every editor, and a late answer runs nothing.

Through the real daemon over stdio: the extension's side gets livepair/approvalWithdrawn naming the prompt (and a
late Allow is void); a plain client, whose showMessageRequest cannot be taken back, is told it was withdrawn.
The prompt also carries the daemon's rendering: what runs is raw in `code`, escaped in `shown`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from livepair import scenario
from livepair.lsp import inbound, protocol
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient, settings_for, start_editor
from tests.tooling import require_tool

CODE = "import pathlib, os\npathlib.Path(os.environ['WORKSPACE'], 'f.py').write_text('gone')  # \u202e harmless\n"


def cancelling_model(name: str, args: dict[str, Any], asked: asyncio.Event, cancelled: asyncio.Event) -> Any:
    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        ids = await session.send_tool_call([{"name": name, "args": args}])
        await asked.wait()  # the prompt is up, the user has not answered
        await session.send_tool_call_cancellation(ids)
        cancelled.set()
        await session.wait_closed(timeout=60)

    return model


async def test_the_extension_is_told_to_withdraw_and_a_late_allow_runs_nothing(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    require_tool("bwrap", "prlimit", "setpriv", hint="scripts/setup-sandbox.sh installs bubblewrap")
    before = (workspace / "f.py").read_text()
    asked, cancelled = asyncio.Event(), asyncio.Event()
    withdrawn: list[dict[str, Any]] = []

    @editor.lsp.feature(protocol.APPROVAL_WITHDRAWN)
    async def _withdrawn(params: Any) -> None:
        withdrawn.append(inbound.plain(params))
        await editor.wake()  # the wait below looks again now, not at the daemon's next message (~20 s later)

    fake.model = cancelling_model("run_python", {"code": CODE, "reason": "Harmless."}, asked, cancelled)
    editor.approval_gate = asyncio.Event()  # the user is still reading
    editor.answer_approvals = True  # ... and will click Allow, too late
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "Try it.")
    (request,) = await editor.wait_for(lambda: editor.approvals or None, 30, "the approval prompt")
    assert request["code"] == CODE and "\\u202e harmless" in request["shown"] and "\u202e" not in request["shown"]
    assert any("bidi" in w for w in request["warnings"]) and any("unix sockets" in i for i in request["isolation"])
    asked.set()
    await editor.wait_for(lambda: withdrawn or None, 30, "livepair/approvalWithdrawn")
    assert withdrawn == [{"approvalId": request["approvalId"], "why": "the model cancelled the call"}]

    editor.approval_gate.set()  # the late Allow
    for _ in range(2):  # the late answer is written during the first round trip, read before the second's reply
        await editor.command("livepair.allowedCommands")
    assert all(r["outcome"] != "finished" for r in editor.tool_runs)
    assert (workspace / "f.py").read_text() == before
    assert "internal error" not in capfd.readouterr().err  # the daemon took the late answer in its stride


async def test_a_plain_client_is_told_the_prompt_was_withdrawn(workspace: Path, fake: FakeLiveServer) -> None:
    asked, cancelled, release = asyncio.Event(), asyncio.Event(), asyncio.Event()
    fake.model = cancelling_model("run_command", {"command": "touch ran.txt", "reason": "r"}, asked, cancelled)
    env = fake.subprocess_env()
    env.pop("GOOGLE_GEMINI_BASE_URL")
    editor = await start_editor(workspace, env, settings_for(fake, autoStart="always"), client_name=None)
    try:

        @editor.lsp.feature(lsp.WINDOW_SHOW_MESSAGE_REQUEST)
        async def _request(params: lsp.ShowMessageRequestParams) -> lsp.MessageActionItem | None:
            asked.set()
            await release.wait()
            return lsp.MessageActionItem(title="Allow")  # an answer after the withdrawal

        editor.open("f.py")
        editor.send_terminal("python3 f.py", scenario.terminal_output(workspace), 1)
        said = await editor.wait_for(
            lambda: [m.message for m in editor.lsp.messages if "Withdrawn" in m.message] or None, 30, "the notice"
        )
        assert said == [
            "LivePair: Withdrawn (the model cancelled the call): the request to run `touch ran.txt`. "
            "Nothing will run; an answer to that prompt is ignored."
        ]
        release.set()
        await cancelled.wait()
        await editor.command("livepair.allowedCommands")  # a round trip after the late Allow: it was read first
        assert not (workspace / "ran.txt").exists()
    finally:
        release.set()
        await editor.lsp.shutdown_session()
