"""Advice where the user is not looking, in a real VS Code (code-server), offline: the failed command in the
terminal links to the hint's line (Ctrl+click opens the file there), and a crash in a file no editor shows comes as a
notification whose "Apply fix" applies the checked fix, so that the next run of the program succeeds; a panel card's
"Apply fix" goes the same way."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from livepair import scenario
from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.e2e.workbench import eventually
from tests.fakes.live_server import FakeLiveServer

pytestmark = pytest.mark.timeout(360)

ARTIFACTS = Path(os.environ.get("LIVEPAIR_NEWCOMER_SHOTS", ROOT / "test-artifacts" / "e2e-out-of-view"))
G_PY = 'scores = [3, 4, 5]\ntotal = sum(scores)\nprint("average:", totl / len(scores))\n'
FIXED_LINE = 'print("average:", total / len(scores))'
CURSOR_AT_LINE_START = re.compile(r"^\s*Ln \d+, Col 1\s*$")  # no selection: the fixed line shown (fixApply.ts)

# Where `command` is on the terminal's prompt line that ends with it: the centre of its text, in page pixels.
_COMMAND_AT = """
(command) => {
  const rows = document.querySelector('.terminal-wrapper.active .xterm-rows');
  for (const row of rows.children) {
    if (!row.textContent.trimEnd().endsWith(command)) continue;
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    let text = '', nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
    const at = text.lastIndexOf(command) + Math.floor(command.length / 2);
    for (const [node, start] of nodes) {
      if (at >= start && at < start + node.data.length) {
        const range = document.createRange();
        range.setStart(node, at - start);
        range.setEnd(node, at - start + 1);
        const r = range.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }
    }
  }
  return null;
}
"""

# The text of the terminal whose run of f.py ended (the command echoes its exit code; a long line may wrap).
_ENDED = """
() => [...document.querySelectorAll('.terminal-wrapper .xterm-rows')]
  .map((r) => r.innerText).find((t) => /f\\.py ended: \\d+/.test(t)) || null
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer() as server:  # never reached: without a key the session is the offline advisor
        yield server


async def command_in_terminal(page: Page, command: str) -> dict[str, Any]:
    handle = await page.wait_for_function(_COMMAND_AT, arg=command, timeout=30_000)
    value = await handle.json_value()
    assert isinstance(value, dict)
    return value


async def test_terminal_link_and_apply_fix_from_a_notification(
    tools: E2ETools, fake: FakeLiveServer, tmp_path: Path
) -> None:
    async with open_editor(tools, fake, tmp_path, ARTIFACTS, env_key=False, viewport=(1280, 800)) as editor:
        page, bench, workspace = editor.page, editor.bench, editor.workspace
        (workspace / "g.py").write_text(G_PY)
        try:
            await bench.start_pairing("watching")

            # f.py is not open: its crash is told in a notification, and the command that failed links to the line.
            await bench.run_in_terminal("python3 f.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("FileNotFoundError")
            crash = page.locator(".notifications-toasts .notification-toast", has_text="f.py:8").first
            await crash.wait_for(timeout=60_000)
            await expect(crash.get_by_role("button", name="Apply fix")).to_be_visible()  # its fix is checked too
            await expect(page.locator(".notifications-toasts .notification-toast")).to_have_count(1)  # told once
            await bench.screenshot("notification-crash")
            await bench.run_command("Notifications: Clear All Notifications")  # off the terminal's prompt line
            at = await command_in_terminal(page, "python3 f.py")
            await page.mouse.move(at["x"], at["y"] - 30)
            await page.mouse.move(at["x"], at["y"], steps=4)
            await expect(page.get_by_text("go to the advice on this failure").first).to_be_visible(timeout=15_000)
            await bench.screenshot("terminal-link")
            await page.keyboard.down("Control")
            await page.mouse.click(at["x"], at["y"])
            await page.keyboard.up("Control")
            await expect(page.locator(".tab.active", has_text="f.py")).to_be_visible()
            await expect(bench.status_item(re.compile(r"Ln 8, Col \d+"))).to_be_visible()
            await bench.screenshot("opened-at-the-line")

            # g.py is not open either: its crash comes with "Apply fix", which leaves a program that runs.
            await bench.run_in_terminal("python3 g.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("NameError")
            toast = bench.toast("totl")
            await toast.wait_for(timeout=60_000)
            await expect(toast).to_contain_text("g.py:3")
            clipped = await toast.locator(".notification-list-item-message").evaluate(
                "(m) => m.scrollHeight > m.clientHeight + 1 || m.scrollWidth > m.clientWidth + 1"
            )
            assert not clipped, "the whole finding and its fix are readable in the toast"
            said = await toast.locator(".notification-list-item-message").inner_text()
            assert said.endswith("(re-run in a sandbox: it gets past the error)"), said
            await bench.screenshot("notification-apply")
            await toast.get_by_role("button", name="Apply fix").click()
            await expect(bench.editor_line(FIXED_LINE)).to_be_visible()
            await expect(bench.status_item(CURSOR_AT_LINE_START)).to_be_visible()  # the fixed line shown, focused
            assert (workspace / "g.py").read_text() == G_PY.replace("totl", "total")  # exactly the fix, saved
            assert (workspace / "f.py").read_text() == scenario.F_PY, "only the finding's own file is touched"
            await bench.run_in_terminal("python3 g.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("average: 4.0")
            await bench.screenshot("fixed-and-run")

            # The panel's card for f.py's crash applies its fix the same way: checked, saved, past the error.
            await bench.run_command("LivePair: Focus on Conversation View")
            card = bench.webview().locator("#advice li.advice.error", has_text="f.py:8").first
            await card.locator("button.fix").click()
            await eventually(lambda: "__file__" in (workspace / "f.py").read_text(), "f.py fixed and saved")
            await expect(bench.status_item(CURSOR_AT_LINE_START)).to_be_visible()  # shown: the keys are the editor's
            assert await bench.page.locator(".tab.active.dirty").count() == 0, "saved: nothing left unsaved"
            # It gets past the file to the network, where it may wait long (no weather service here): bounded.
            await bench.run_in_terminal('timeout 5 python3 f.py; echo "f.py ended: $?"')
            ended = await page.wait_for_function(_ENDED, timeout=30_000)  # this run's terminal (a new one)
            assert "FileNotFoundError" not in str(await ended.json_value())
            await bench.screenshot("card-fix")
        except BaseException:
            await bench.screenshot("failure")
            raise
