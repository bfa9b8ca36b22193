"""Tutor mode in a real VS Code (code-server), offline: the learner picks tutor mode, runs `python3 f.py`, and gets
a question on the failing line instead of a fix; "Give me a hint" twice, then "Show me the fix" brings the quick
fix; "What did I learn?" lists the concept in the LivePair panel."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import expect

from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer

pytestmark = pytest.mark.timeout(300)
ARTIFACTS = ROOT / "test-artifacts" / "e2e-tutor"
OPEN_LINE = 'with open("data/config.json") as fh:'
CONCEPT = "Relative paths and the working directory"


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer() as server:  # unused: the offline advisor teaches
        yield server
        server.raise_errors()


async def test_tutor_mode_in_vscode(tools: E2ETools, fake: FakeLiveServer, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink()
    settings = {"livepair.backend": "offline"}
    async with open_editor(tools, fake, tmp_path, ARTIFACTS, settings=settings) as editor:
        page, bench = editor.page, editor.bench
        try:
            await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
            await bench.run_command("LivePair: Set Mode (pair or tutor)", opens_input=True)
            await page.locator(".quick-input-list .monaco-list-row", has_text="Tutor").first.click()
            await bench.open_file("f.py", OPEN_LINE)
            await bench.status_item("Pair with senior dev").click()
            await bench.wait_status("(tutor)")
            await bench.screenshot("tutor-listening")

            await bench.run_in_terminal("python3 f.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("FileNotFoundError")
            await bench.run_command("View: Focus Problems (Errors, Warnings, Infos)")
            await expect(bench.problems()).to_contain_text(CONCEPT, timeout=60_000)
            problems = await bench.problems().inner_text()
            assert "Where does Python look for 'data/config.json'" in problems and "Path(__file__)" not in problems
            await bench.screenshot("question")

            async def choose(title: str, shot: str = "") -> None:
                # The action list is what the daemon answered when it opened; one opened while the previous
                # command's advice was still landing can lack the row. Close it and ask again, a bounded number
                # of times.
                action = page.locator(".action-widget .monaco-list-row", has_text=title).first
                for _ in range(5):
                    await bench.editor_line(OPEN_LINE).click()
                    await page.keyboard.press("Control+.")
                    try:
                        await action.wait_for(timeout=6_000)
                    except PlaywrightTimeout:
                        await page.keyboard.press("Escape")
                        continue
                    if shot:
                        await bench.screenshot(shot)
                    await action.click()
                    return
                raise AssertionError(f"no code action {title!r} on the line")

            for n in (1, 2):
                await choose("Give me a hint")
                await expect(bench.problems()).to_contain_text(f"Hint {n} of 3", timeout=30_000)
            await bench.screenshot("hints")
            await choose("Show me the fix")
            await choose("LivePair:", shot="fix-offered")  # the verified quick fix, the last rung
            await expect(bench.editor_line("Path(__file__)")).to_be_visible()

            # The recap opens in the LivePair panel, at its top, the concept linked to its documentation page.
            await bench.run_command("LivePair: What did I learn?")
            recap = bench.webview().locator("#recap-box")
            await expect(recap).to_be_visible(timeout=30_000)
            await expect(recap).to_be_in_viewport()  # scrolled to, not somewhere below the conversation
            await expect(recap).to_contain_text(CONCEPT)
            await expect(recap).to_contain_text("hints used 2")
            await expect(recap.locator("a.concept", has_text=CONCEPT).first).to_have_attribute(
                "href", re.compile("^https://docs.python.org/")
            )
            await expect(recap).to_contain_text("Never sent to the model")
            await bench.screenshot("recap")
        except BaseException:
            await bench.screenshot("failure")
            raise
