"""The model's run_command in a real VS Code: nothing runs without the user's Allow in LivePair's prompt.

The fake model asks to run a shell command that leaves a marker file in the workspace. The prompt opens in an editor
tab with the focus on Deny; its heading is LivePair's own; it shows the exact command line and where it would run,
and the model's reason only labelled as the model's. Allow runs it in a terminal the user sees (the command, its
output and its exit code appear there) and the model gets its exit code and output; Deny, Enter (Deny is the default
button) or Escape runs nothing (no terminal shows it) and the model is told the user declined. When the model cancels
the call, the prompt goes away by itself, and an Allow clicked as it goes runs nothing.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page, expect

from livepair.context.fence import fence
from livepair.lsp.protocol import APPROVAL_TITLES
from livepair.session import approval_text
from tests.e2e.harness import Editor, open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.e2e.workbench import eventually
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession

pytestmark = pytest.mark.timeout(300)

ARTIFACTS = ROOT / "test-artifacts" / "e2e-approval"
REASON = "Check that the workspace is writable."
DECLINED = {"error": "the user declined to run this command"}
RESPONSE_TIMEOUT_S = 60.0
TAB = "LivePair: run a command?"
CLICK_ALLOW = (
    "() => { const b = document.querySelector('button.allow'); if (b.disabled) return false; b.click(); return true; }"
)


@dataclass
class Ask:
    command: str
    withdraw: asyncio.Event | None = None  # set: the model cancels the call instead of waiting for an answer


class CommandModel:
    """The fake model: answers each question of the user by asking to run the command the test queued, and hands
    the tool's response back (the service lets the model act only in answer to an input); or, for a call the test
    withdraws, cancels the call while its prompt is open."""

    def __init__(self) -> None:
        self.asks: asyncio.Queue[Ask] = asyncio.Queue()
        self.responses: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.cancelled = asyncio.Event()

    async def __call__(self, session: FakeSession) -> None:
        while True:
            ask = await self.asks.get()
            await session.next_message(predicate=starts_turn, timeout=120)
            call = {"name": "run_command", "args": {"command": ask.command, "reason": REASON}}
            ids = await session.send_tool_call([call])
            await session.send_turn_complete()  # run_command is non-blocking: the conversation goes on meanwhile
            if ask.withdraw is not None:
                await ask.withdraw.wait()
                await session.send_tool_call_cancellation(ids)
                self.cancelled.set()
                continue
            # Waits while the prompt is open; the test answers well within this, and within the daemon's 300 s.
            (response,) = await session.wait_tool_response(ids, timeout=240)
            assert response["name"] == "run_command", response
            assert response.get("scheduling") == "WHEN_IDLE", response
            await self.responses.put(response["response"])
            await session.send_text("Noted.")  # the result asked for a reply when idle: the model gives one

    async def ask(self, command: str, withdraw: asyncio.Event | None = None) -> None:
        await self.asks.put(Ask(command, withdraw))

    async def response(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.responses.get(), RESPONSE_TIMEOUT_S)


@pytest.fixture
def model() -> CommandModel:
    return CommandModel()


def marker_command(name: str) -> str:
    return f"touch {name} && echo done"


async def user_asks(editor: Editor, question: str) -> None:
    """The user asks through the command palette (LivePair: Ask the senior dev…)."""
    await editor.bench.run_command("LivePair: Ask the senior dev", opens_input=True)
    box = editor.page.locator(".quick-input-widget input")
    await box.fill(question)
    await box.press("Enter")


async def prompt_frame(page: Page, command: str, timeout_s: float = 60.0) -> Frame:
    """The page of LivePair's prompt asking for `command` (a webview: two iframes deep, found by its content)."""
    deadline = time.monotonic() + timeout_s
    while True:
        for frame in page.frames:
            try:
                if not frame.is_detached() and await frame.locator("#runs", has_text=command).count():
                    return frame
            except PlaywrightError:
                continue  # a frame that went away while we looked
        if time.monotonic() > deadline:
            raise TimeoutError(f"no approval prompt for {command!r} after {timeout_s} s")
        await asyncio.sleep(0.1)


async def approval_prompt(editor: Editor, command: str, reason: str = REASON) -> Frame:
    """The prompt asking for `command`, once it shows the exact command line (hidden characters escaped, as the
    daemon renders them), the workspace it runs in, and the daemon's warnings."""
    shown = approval_text.visible(command)
    await expect(editor.page.locator(".tab", has_text=TAB)).to_have_count(1, timeout=60_000)
    frame = await prompt_frame(editor.page, shown)
    # Each fact once: LivePair's heading, the command and its folder below it, the model's reason as the model's.
    await expect(frame.locator("h1")).to_have_text(APPROVAL_TITLES["command"])
    runs = frame.locator("#runs")
    await expect(runs).to_have_text(f"$ {shown}\nin {editor.workspace.resolve()}")
    await expect(frame.locator("#reason")).to_contain_text(f"The senior dev says: \u201c{reason}\u201d")
    assert (await frame.locator("body").inner_text()).count(shown) == 1
    expected = approval_text.warnings(command, multiline=False)
    await expect(frame.locator("#warnings li")).to_have_text([f"\u26a0 {w}" for w in expected])
    for choice in ("Allow", "Deny", "Always Allow in This Workspace"):
        await expect(frame.get_by_role("button", name=choice, exact=True)).to_be_visible()
    await expect(frame.get_by_role("button", name="Deny", exact=True)).to_be_focused()  # the default: Enter is a no
    return frame


async def closed(editor: Editor, frame: Frame) -> None:
    """The prompt is gone from the screen: its page and its tab."""
    await eventually(frame.is_detached, "closed", timeout_s=10)
    await expect(editor.page.locator(".tab", has_text=TAB)).to_have_count(0)


async def extension_log(editor: Editor, line: str) -> str:
    """The extension's log, once it holds `line`."""

    def text() -> str:
        return "".join(p.read_text(errors="replace") for p in editor.server.extension_logs())

    await eventually(lambda: line in text(), f"logged {line!r}", timeout_s=10)
    return text()


async def test_run_command_asks_in_a_prompt(
    tools: E2ETools, fake: FakeLiveServer, model: CommandModel, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink(missing_ok=True)  # another run of this test may be clearing it too
    async with open_editor(tools, fake, tmp_path, ARTIFACTS) as editor:
        page, bench, workspace = editor.page, editor.bench, editor.workspace
        try:
            await bench.start_pairing()

            # Allow: the command runs in the workspace, and the model gets its exit code and output.
            allowed = marker_command("approved.txt")
            await model.ask(allowed)
            await user_asks(editor, "Can you create the marker file?")
            frame = await approval_prompt(editor, allowed)
            await bench.screenshot("allow-prompt")
            assert not (workspace / "approved.txt").exists(), "ran before the user answered"
            await frame.get_by_role("button", name="Allow", exact=True).click()
            await closed(editor, frame)
            response = await model.response()
            assert response == {"exit_code": 0, "output": fence("command output", "done")}, response
            assert (workspace / "approved.txt").is_file()
            # It ran where the user sees it: a terminal shows the command, its output and how it ended.
            rows = page.locator(".terminal-wrapper.active .xterm-rows")
            await expect(rows).to_contain_text(f"$ {allowed}")
            await expect(rows).to_contain_text("[LivePair: exit code 0]")
            await bench.screenshot("allowed")

            # Withdrawn: the model cancels the call while the prompt is open. The prompt goes away by itself, the
            # user is told why, and an Allow clicked as it goes runs nothing.
            withdrawn = marker_command("withdrawn.txt")
            withdraw = asyncio.Event()
            await model.ask(withdrawn, withdraw)
            await user_asks(editor, "Can you create withdrawn.txt?")
            frame = await approval_prompt(editor, withdrawn)
            allow = frame.get_by_role("button", name="Allow", exact=True)
            await expect(allow).to_be_enabled()  # armed: from now on a click on it would count
            await bench.screenshot("before-withdrawal")
            withdraw.set()
            await asyncio.wait_for(model.cancelled.wait(), RESPONSE_TIMEOUT_S)
            # The user clicks Allow just after the model took the call back (a click in the page itself: no
            # round trip from here). Whichever gets there first, the withdrawal wins: nothing runs.
            try:
                clicked = await frame.evaluate(CLICK_ALLOW)
            except PlaywrightError:
                clicked = False  # the prompt was gone already
            await closed(editor, frame)
            await expect(page.locator(".notifications-toasts")).to_contain_text("LivePair withdrew its request")
            await bench.screenshot("withdrawn")
            assert not (workspace / "withdrawn.txt").exists()

            async def refused(marker: str, answer: Callable[[Frame], Awaitable[None]], tail: str = "") -> None:
                """Nothing runs, and the model hears that the user declined."""
                command = marker_command(marker) + tail
                await model.ask(command)
                await user_asks(editor, f"Can you create {marker}?")
                frame = await approval_prompt(editor, command)
                await answer(frame)
                await closed(editor, frame)
                assert await model.response() == DECLINED
                assert not (workspace / marker).exists()
                assert not any(marker in text for text in await page.locator(".xterm-rows").all_inner_texts())

            async def deny(frame: Frame) -> None:
                await bench.screenshot("deny-prompt")
                await frame.get_by_role("button", name="Deny", exact=True).click()

            # A command that hides what it is: a right-to-left override and a zero-width space, shown escaped.
            await refused("denied.txt", deny, " # \u202etxt.exe\u200b")
            # Enter presses the default button, Deny: a keystroke meant for the editor never approves.
            await refused("entered.txt", lambda _frame: page.keyboard.press("Enter"))
            # Escape is a no as well.
            await refused("dismissed.txt", lambda _frame: page.keyboard.press("Escape"))

            async def close_tab(_frame: Frame) -> None:
                await page.locator(".tab", has_text=TAB).get_by_role("button", name=re.compile("^Close")).click()

            # Closing the prompt's tab too.
            await refused("closed.txt", close_tab)
            await bench.wait_status(re.compile("listening|watching"))
            # Four prompts later, the withdrawn command still has not run, nor shown in any terminal.
            assert not (workspace / "withdrawn.txt").exists()
            assert not any("withdrawn.txt" in t for t in await page.locator(".xterm-rows").all_inner_texts())
            log = await extension_log(editor, "approval withdrawn (the model cancelled the call): run `touch withdrawn")
            assert f"approval given: {APPROVAL_TITLES['command']}: $ {allowed}" in log  # the line looked for below
            assert f"approval given: {APPROVAL_TITLES['command']}: $ {withdrawn}" not in log
            print(f"Allow clicked on the withdrawn prompt's page: {clicked}")
            await bench.screenshot("after")
        except BaseException:
            await bench.screenshot("failure")
            raise
