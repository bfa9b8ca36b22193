"""An approved command in a real VS Code runs in a terminal the user sees, without the daemon's secrets; when the
model cancels the call (toolCallCancellation) the run is killed in that terminal and the model is never answered."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.e2e.harness import open_editor
from tests.e2e.test_approval import approval_prompt, closed, user_asks
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession

pytestmark = pytest.mark.timeout(300)

ARTIFACTS = ROOT / "test-artifacts" / "e2e-terminal-run"
COMMAND = 'echo "key:${GEMINI_API_KEY:-none}" && sleep 60 && touch late.txt'
QUICK = "echo quick"


class CancellingModel:
    """Asks to run COMMAND, and cancels the call once the test says the run is under way."""

    def __init__(self) -> None:
        self.cancel = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.quick = asyncio.Event()

    async def __call__(self, session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn, timeout=120)
        ids = await session.send_tool_call([{"name": "run_command", "args": {"command": COMMAND, "reason": "Wait."}}])
        await session.send_turn_complete()  # non-blocking: the conversation goes on while it runs
        await self.cancel.wait()
        await session.send_tool_call_cancellation(ids)
        self.cancelled.set()
        await self.quick.wait()
        await session.next_message(predicate=starts_turn, timeout=120)
        ids = await session.send_tool_call([{"name": "run_command", "args": {"command": QUICK, "reason": "Quick."}}])
        await session.send_turn_complete()
        await session.wait_tool_response(ids, timeout=120)
        await session.send_text("Done.")  # the result came WHEN_IDLE: the model answers it
        await session.wait_closed(timeout=240)


@pytest.fixture
def model() -> CancellingModel:
    return CancellingModel()


async def test_a_cancelled_run_is_killed_in_the_visible_terminal(
    tools: E2ETools, fake: FakeLiveServer, model: CancellingModel, tmp_path: Path
) -> None:
    async with open_editor(tools, fake, tmp_path, ARTIFACTS) as editor:
        page, bench, workspace = editor.page, editor.bench, editor.workspace
        try:
            await bench.start_pairing()
            await user_asks(editor, "Run the slow thing.")
            prompt = await approval_prompt(editor, COMMAND, reason="Wait.")
            await prompt.get_by_role("button", name="Allow", exact=True).click()
            await closed(editor, prompt)

            rows = page.locator(".terminal-wrapper.active .xterm-rows")
            await expect(rows).to_contain_text("key:none")  # the daemon holds the key; the command does not
            await bench.screenshot("running")
            model.cancel.set()
            await asyncio.wait_for(model.cancelled.wait(), 30)
            await expect(rows).to_contain_text("[LivePair: stopped: the senior dev cancelled it]")
            await bench.screenshot("cancelled")
            assert fake.tool_responses() == [], "a cancelled call is never answered"
            assert not (workspace / "late.txt").exists()

            # A finished run shows in the panel too (livepair/toolRun): what ran, where, how it ended.
            model.quick.set()
            await user_asks(editor, "Now the quick one.")
            prompt = await approval_prompt(editor, QUICK, reason="Quick.")
            await prompt.get_by_role("button", name="Allow", exact=True).click()
            await closed(editor, prompt)  # its page gone: the panel's is the only webview left
            await bench.run_command("LivePair: Focus on Conversation View")
            tool_turn = bench.webview().locator("#turns .turn.tool").last
            await expect(tool_turn).to_contain_text("Command (terminal): exit code 0")
            await expect(tool_turn).to_contain_text(f"$ {QUICK}")
            await bench.screenshot("panel")
        except BaseException:
            await bench.screenshot("failure")
            raise
