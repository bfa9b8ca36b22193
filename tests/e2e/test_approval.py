"""The model's run_command in a real VS Code: nothing runs without the user's Allow in the modal.

The fake model asks to run a shell command that leaves a marker file in the workspace. The modal's heading is
LivePair's own; it shows the exact command line and where it would run, and the model's reason only labelled as
the model's. Allow runs it in a terminal the user sees (the command, its output and its exit code appear there) and
the model gets its exit code and output; Deny, Enter (Deny is the default button) or closing the modal with Escape
runs nothing (no terminal shows it) and the model is told the user declined.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, expect

from livepair.context.fence import fence
from livepair.lsp.protocol import APPROVAL_TITLES
from tests.e2e.harness import Editor, open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession

pytestmark = pytest.mark.timeout(300)

ARTIFACTS = ROOT / "test-artifacts" / "e2e-approval"
REASON = "Check that the workspace is writable."
DECLINED = {"error": "the user declined to run this command"}
RESPONSE_TIMEOUT_S = 60.0


class CommandModel:
    """The fake model: answers each question of the user by asking to run the command the test queued, and hands
    the tool's response back (the service lets the model act only in answer to an input)."""

    def __init__(self) -> None:
        self.commands: asyncio.Queue[str] = asyncio.Queue()
        self.responses: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def __call__(self, session: FakeSession) -> None:
        while True:
            command = await self.commands.get()
            await session.next_message(predicate=starts_turn, timeout=120)
            call = {"name": "run_command", "args": {"command": command, "reason": REASON}}
            ids = await session.send_tool_call([call])
            await session.send_turn_complete()  # run_command is non-blocking: the conversation goes on meanwhile
            # Waits while the modal is open; the test answers well within this, and within the daemon's 300 s.
            (response,) = await session.wait_tool_response(ids, timeout=240)
            assert response["name"] == "run_command", response
            assert response.get("scheduling") == "WHEN_IDLE", response
            await self.responses.put(response["response"])
            await session.send_text("Noted.")  # the result asked for a reply when idle: the model gives one

    async def ask(self, command: str) -> None:
        await self.commands.put(command)

    async def response(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.responses.get(), RESPONSE_TIMEOUT_S)


@pytest.fixture
def model() -> CommandModel:
    return CommandModel()


@pytest.fixture
async def fake(model: CommandModel) -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(model=model) as server:
        yield server
        server.raise_errors()


def marker_command(name: str) -> str:
    return f"touch {name} && echo done"


async def user_asks(editor: Editor, question: str) -> None:
    """The user asks through the command palette (LivePair: Ask the senior dev…)."""
    await editor.bench.run_command("LivePair: Ask the senior dev", opens_input=True)
    box = editor.page.locator(".quick-input-widget input")
    await box.fill(question)
    await box.press("Enter")


async def approval_dialog(editor: Editor, command: str, reason: str = REASON) -> Locator:
    """The modal asking for `command`, once it shows the exact command line and the workspace it runs in."""
    dialog = editor.page.locator(".monaco-dialog-box").filter(has_text=command)
    await dialog.wait_for(timeout=60_000)
    # Each fact once: LivePair's heading, the command and its folder below it, the model's reason as the model's.
    await expect(dialog.locator(".dialog-message-text")).to_have_text(APPROVAL_TITLES["command"])
    detail = dialog.locator(".dialog-message-detail")
    await expect(detail).to_contain_text(f"$ {command}")
    await expect(detail).to_contain_text(str(editor.workspace.resolve()))
    await expect(detail).to_contain_text(f"The senior dev says: \u201c{reason}\u201d")
    assert (await detail.inner_text()).count(command) == 1
    for choice in ("Allow", "Deny", "Always Allow in This Workspace"):
        await expect(dialog.get_by_role("button", name=choice, exact=True)).to_be_visible()
    await expect(dialog.get_by_role("button", name="Deny", exact=True)).to_be_focused()  # the default: Enter is a no
    return dialog


async def test_run_command_asks_in_a_modal(
    tools: E2ETools, fake: FakeLiveServer, model: CommandModel, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink(missing_ok=True)  # another run of this test may be clearing it too
    async with open_editor(tools, fake, tmp_path, ARTIFACTS) as editor:
        page, bench, workspace = editor.page, editor.bench, editor.workspace
        try:
            await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
            await bench.status_item("Pair with senior dev").click()
            await bench.wait_status(re.compile("listening|watching"), timeout_ms=60_000)

            # Allow: the command runs in the workspace, and the model gets its exit code and output.
            allowed = marker_command("approved.txt")
            await model.ask(allowed)
            await user_asks(editor, "Can you create the marker file?")
            dialog = await approval_dialog(editor, allowed)
            await bench.screenshot("allow-prompt")
            assert not (workspace / "approved.txt").exists(), "ran before the user answered"
            await dialog.get_by_role("button", name="Allow", exact=True).click()
            await dialog.wait_for(state="detached")
            response = await model.response()
            assert response == {"exit_code": 0, "output": fence("command output", "done")}, response
            assert (workspace / "approved.txt").is_file()
            # It ran where the user sees it: a terminal shows the command, its output and how it ended.
            rows = page.locator(".terminal-wrapper.active .xterm-rows")
            await expect(rows).to_contain_text(f"$ {allowed}")
            await expect(rows).to_contain_text("[LivePair: exit code 0]")
            await bench.screenshot("allowed")

            async def refused(marker: str, answer: Callable[[Locator], Awaitable[None]]) -> None:
                """Nothing runs, and the model hears that the user declined."""
                command = marker_command(marker)
                await model.ask(command)
                await user_asks(editor, f"Can you create {marker}?")
                dialog = await approval_dialog(editor, command)
                await answer(dialog)
                await dialog.wait_for(state="detached")
                assert await model.response() == DECLINED
                assert not (workspace / marker).exists()
                assert not any(marker in text for text in await page.locator(".xterm-rows").all_inner_texts())

            async def deny(dialog: Locator) -> None:
                await bench.screenshot("deny-prompt")
                await dialog.get_by_role("button", name="Deny", exact=True).click()

            await refused("denied.txt", deny)
            # Enter presses the default button, Deny: a keystroke meant for the editor never approves.
            await refused("entered.txt", lambda _dialog: page.keyboard.press("Enter"))
            # Closing the modal (Escape) is a no as well.
            await refused("dismissed.txt", lambda _dialog: page.keyboard.press("Escape"))
            await bench.wait_status(re.compile("listening|watching"))
            await bench.screenshot("after")
        except BaseException:
            await bench.screenshot("failure")
            raise
