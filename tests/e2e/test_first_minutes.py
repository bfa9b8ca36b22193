"""The first ten minutes of a newcomer, offline (no key), in a real VS Code at 1280 px, as the user sees them:
checks on open are quiet; the failing run's hint is a red headline that fits the window; one card per finding in
the panel; advice with no line arrives as a notification with "Show"; Ask and "Tell me more" open the panel; the
tooltip tells the screen's state and the cost. The screenshots are those the README shows (devtools/newcomer.py)."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer

pytestmark = pytest.mark.timeout(420)

ARTIFACTS = Path(os.environ.get("LIVEPAIR_NEWCOMER_SHOTS", ROOT / "test-artifacts" / "e2e-first-minutes"))
OPEN_LINE = 'with open("data/config.json") as fh:'
WIDTH = 1280
CAUSE = "'data/config.json' is at src/data/config.json"  # line 8's headline on open: where the file is
# After the crash, the same, said as what it is: a possible cause (it could be the folder the program was run from).
CRASH_CAUSE = f"Possibly: {CAUSE}"
KEY_CAUSE = 'API_KEY is the placeholder "YOUR_API_KEY", not a key'
RED = {"rgb(255, 100, 100)", "rgb(196, 32, 43)"}  # livepair.inlineErrorForeground, dark and light themes


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer() as server:  # never reached: without a key the session is the offline advisor
        yield server


async def test_the_first_minutes_offline_at_1280_px(tools: E2ETools, fake: FakeLiveServer, tmp_path: Path) -> None:
    async with open_editor(tools, fake, tmp_path, ARTIFACTS, env_key=False, viewport=(WIDTH, 800)) as editor:
        page, bench = editor.page, editor.bench
        try:
            await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
            await bench.open_file("f.py", OPEN_LINE)
            await bench.status_item("Pair with senior dev").click()
            # No microphone here: the truth is "watching", not "listening".
            status = await bench.wait_status(re.compile("watching"), timeout_ms=60_000)

            # Checks on open: quiet blue info hints on both of the seed's problems, before anything ran, each
            # headline the cause, whole and inside the window: where the file is; that the key is a placeholder.
            before = await bench.inline_hint(CAUSE, 60_000)
            key = await bench.inline_hint(KEY_CAUSE)
            for hint in (before, key):
                assert str(hint["content"]).strip('"') in (CAUSE, KEY_CAUSE), hint  # whole: no "…"
                assert float(hint["right"]) <= float(hint["editorRight"]), f"cut off at {WIDTH} px: {hint}"
            assert before["color"] not in RED, "nothing crashed yet: not red"
            await bench.screenshot("on-open")

            # The tooltip tells what is seen and what it costs, before the first turn.
            box = await status.bounding_box()
            assert box is not None
            await page.mouse.move(box["x"] + box["width"] / 2, 300)  # off it first: the pointer is still there
            await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
            tooltip = page.get_by_text("This session: no cost").first
            await tooltip.wait_for(timeout=15_000)
            await expect(page.get_by_text("Screen: off (the offline advisor").first).to_be_visible()
            await bench.screenshot("status-tooltip")
            await page.keyboard.press("Escape")

            # The run crashes: its hint speaks, in red, and names the possible cause on line 8 (where the file is,
            # not the error restated), whole and inside the window at 1280 px.
            await bench.run_in_terminal("python3 f.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("FileNotFoundError")
            crash = await bench.inline_hint(CRASH_CAUSE, 60_000, colours=RED)
            assert str(crash["content"]).strip('"') == CRASH_CAUSE, crash
            assert float(crash["right"]) <= float(crash["editorRight"]), f"cut off at {WIDTH} px: {crash}"
            assert str(crash["line"]).strip() == OPEN_LINE, f"on line 8: {crash}"
            await bench.screenshot("crash-headline")

            # The Problems panel counts it as an error: what crashed is an Error.
            await bench.run_command("View: Focus Problems (Errors, Warnings, Infos)")
            row = bench.problems().locator(".monaco-list-row", has_text="does not exist").first
            await expect(row.locator(".codicon-error")).to_have_count(1)
            await bench.screenshot("problems")

            # The hover explains: evidence and fix, and "Tell me more" opens the panel with the longer explanation.
            hover = await bench.hover_text_of(OPEN_LINE)
            await expect(hover).to_contain_text("Evidence")
            await expect(hover).to_contain_text("FileNotFoundError")
            await bench.screenshot("hover")
            await hover.get_by_role("link", name="Tell me more").click()
            await page.mouse.move(200, 400)  # off the line: the hover closes
            view = bench.webview()
            await expect(view.locator("#turns .turn.model").last).to_contain_text("About f.py:8", timeout=30_000)

            # One card per finding: the key and the crash, the crash an error.
            cards = view.locator("#advice li.advice")
            await expect(cards).to_have_count(2)
            crash_card = view.locator("#advice li.advice.error")
            await expect(crash_card).to_contain_text(f"f.py:8 {CRASH_CAUSE}")  # titled by its cause, as on the line
            await expect(crash_card.locator("button.fix")).to_have_text(  # once its re-run got past the error
                "Apply fix: Open 'src/data/config.json' relative to the script's folder",  # said once, whole
                timeout=60_000,
            )
            await expect(view.locator("#usage")).to_contain_text("This session")
            await expect(view.locator("#screen")).to_contain_text("Screen: off")
            await bench.run_command("View: Toggle Maximized Panel")  # both cards in the picture, not only the last
            await expect(view.locator("#advice li.advice.error")).to_be_in_viewport()
            await bench.screenshot("panel-cards")
            await bench.run_command("View: Toggle Maximized Panel")

            # A mistyped command has no line: a notification with "Show" while the panel is out of view.
            # In the terminal that ran f.py: its shell integration is known to be up, so the run is seen.
            await bench.run_command("Terminal: Focus Terminal")
            await page.locator(".terminal-wrapper.active .xterm-helper-textarea").focus()
            await page.keyboard.type("pyhton f.py")
            await page.keyboard.press("Enter")
            toast = bench.toast("pyhton")
            await toast.wait_for(timeout=30_000)
            await bench.screenshot("notification")
            await toast.get_by_role("button", name="Show").click()
            await expect(view.locator("#turns")).to_contain_text("pyhton")

            # Ask from the palette opens the panel, where the answer appears.
            await bench.run_command("Terminal: Focus Terminal")
            await bench.run_command("LivePair: Ask the senior dev", opens_input=True)
            box = page.locator(".quick-input-widget input")
            await box.fill("what went wrong?")
            await box.press("Enter")
            await expect(view.locator("#turns .turn.user").last).to_contain_text("what went wrong?")
            await expect(view.locator("#turns .turn.model").last).to_contain_text("Your last run")
            await expect(cards).to_have_count(2)
            await bench.screenshot("ask")
        except BaseException:
            await bench.screenshot("failure")
            raise
