"""Tutor mode in a real VS Code (code-server), offline, as a learner meets it.

The learner's path: the walkthrough opens on the first run, "I'm learning to code" turns tutor mode on, a failing
`python3 f.py` gets a question on its line instead of a fix, "Give me a hint" twice, then the learner fixes the line
themself (typing, saving, running again) and is praised in one line naming the concept; "What did I learn?" lists it
as fixed alone. The panel shows the finding once all along, its headline whole at 1280 px.

The other path: tutor mode chosen with the command, "Show me the fix" as the last rung brings the quick fix, and the
recap counts the hints used."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import expect

from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.e2e.workbench import Workbench
from tests.fakes.live_server import FakeLiveServer

pytestmark = pytest.mark.timeout(300)
ARTIFACTS = ROOT / "test-artifacts" / "e2e-tutor"
OPEN_LINE = 'with open("data/config.json") as fh:'
CONCEPT = "Relative paths and the working directory"
WIDTH = 1280
REPLY_MS = 30_000  # what waits on the daemon's reply: generous, the machine is shared

# A learner's f.py: the seed's, without its call to a web API (which no run can pass on a machine with no
# network), so that the learner's own fix makes the run pass. Its data file is the scenario's src/data/config.json.
LEARNER_F_PY = '''\
"""Greet the city named in the config file."""

import json

with open("data/config.json") as fh:
    config = json.load(fh)

print(f"Hello, {config['city']}!")
'''
LEARNER_OPEN_LINE = 5  # 1-based
PATH_COLUMN = len('with open("') + 1  # where the path starts: the learner types "src/" there


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer() as server:  # unused: the offline advisor teaches
        yield server
        server.raise_errors()


def fresh_artifacts(name: str) -> Path:
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink()
    return folder


async def choose_action(bench: Workbench, title: str, shot: str = "") -> None:
    """Open the quick-fix menu on the failing line (Ctrl+.) and pick an entry.

    The action list is what the daemon answered when it opened; one opened while the previous command's advice was
    still landing can lack the row. Close it and ask again, a bounded number of times."""
    page = bench.page
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


async def turn_texts(bench: Workbench) -> list[str]:
    return await bench.webview().locator("#turns .turn .text").all_inner_texts()


async def one_card(bench: Workbench, text: str) -> None:
    """The panel shows this finding as one current card holding `text`, and no card twice."""
    view = bench.webview()
    card = view.locator("#advice li.advice", has_text="f.py:")
    await expect(card.filter(has_text=text)).to_have_count(1, timeout=REPLY_MS)
    await expect(card).to_have_count(1)


async def no_turn_twice(bench: Workbench) -> None:
    twice = {t: n for t, n in Counter(await turn_texts(bench)).items() if n > 1}
    assert not twice, f"said more than once in the conversation: {twice}"


async def test_the_learner_picks_tutor_in_the_walkthrough_and_fixes_it_alone(
    tools: E2ETools, fake: FakeLiveServer, tmp_path: Path
) -> None:
    shots = fresh_artifacts("own-fix")
    settings = {
        "livepair.backend": "offline",
        "workbench.welcomePage.walkthroughs.openOnInstall": True,  # a first run: the walkthrough opens
    }
    async with open_editor(
        tools, fake, tmp_path, shots, settings=settings, viewport=(WIDTH, 800), files={"f.py": LEARNER_F_PY}
    ) as editor:
        page, bench = editor.page, editor.bench
        try:
            # The walkthrough, as on the first run: the learner opens "I'm learning to code" and takes its button.
            walkthrough = page.locator(".gettingStartedContainer")
            step = walkthrough.locator(".getting-started-step", has_text="I'm learning to code").first
            await step.wait_for(timeout=60_000)
            await step.click()
            use_tutor = walkthrough.get_by_role("button", name="Use tutor mode")
            await expect(use_tutor).to_be_visible()
            await bench.screenshot("walkthrough")
            await use_tutor.click()
            idle = await bench.wait_status("LivePair (tutor): pair with senior dev")
            await bench.screenshot("tutor-chosen")

            await bench.open_file("f.py", OPEN_LINE)
            await idle.click()
            await bench.wait_status(re.compile(r"\(tutor\).*watching"), timeout_ms=60_000)

            # The run fails: a question on the line, not a fix; its headline whole at 1280 px.
            await bench.run_in_terminal("python3 f.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("FileNotFoundError")
            await bench.show_panel("LivePair")
            view = bench.webview()
            question = "Where does Python look for 'data/config.json'"
            # The run's turn in the conversation points at the line (the checks on open were quiet).
            said = view.locator("#turns .turn.model", has_text="advice on f.py:5")
            await expect(said).to_have_count(1, timeout=60_000)
            await expect(said).to_contain_text(CONCEPT)
            await one_card(bench, question)
            assert "Path(__file__)" not in await view.locator("#advice").inner_text()
            # The line's headline is the concept, whole at 1280 px.
            hint = await bench.inline_hint(CONCEPT)
            headline = str(hint["content"]).strip('"')
            assert len(headline) <= 60, headline
            assert float(hint["right"]) <= float(hint["editorRight"]), f"cut off at {WIDTH} px: {hint}"
            await bench.screenshot("question")

            for n in (1, 2):
                await choose_action(bench, "Give me a hint")
                await one_card(bench, f"Hint {n} of 3")
                await bench.screenshot(f"hint-{n}")
            await no_turn_twice(bench)

            # The learner's own fix: typed on the line, saved, the same command run again in the terminal.
            await bench.editor_line(OPEN_LINE).click()
            await bench.go_to(LEARNER_OPEN_LINE, PATH_COLUMN)
            await page.keyboard.type("src/")
            await page.keyboard.press("Control+S")
            await expect(page.locator(".tab.active.dirty")).to_have_count(0)  # saved
            await expect(bench.editor_line('open("src/data/config.json")')).to_be_visible()
            await bench.screenshot("own-fix-typed")

            await bench.run_command("Terminal: Focus Terminal")
            await page.locator(".terminal-wrapper.active .xterm-helper-textarea").focus()
            await page.keyboard.type("python3 f.py")
            began = time.monotonic()
            await page.keyboard.press("Enter")
            terminal = page.locator(".terminal-wrapper.active .xterm-rows")
            await expect(terminal).to_contain_text("Hello, Lisbon!", timeout=REPLY_MS)

            # The praise: one line naming the concept, told where the learner is (the terminal) as a notification.
            praise = page.locator(".notifications-toasts .notification-toast", has_text="You fixed it yourself").first
            await praise.wait_for(timeout=15_000)
            praised_s = time.monotonic() - began
            await expect(praise).to_contain_text(CONCEPT)
            print(f"own fix praised {praised_s:.2f} s after Enter")  # the report reads it (-s)
            await bench.screenshot("praised")
            await praise.get_by_role("button", name="Show").click()
            said = view.locator("#turns .turn.model", has_text="You fixed it yourself")
            await expect(said).to_have_count(1, timeout=REPLY_MS)
            await expect(said).to_contain_text(CONCEPT)
            await no_turn_twice(bench)
            # The finding, fixed, is no longer a current card; never two of it.
            await expect(view.locator("#advice li.advice", has_text="Where does Python look")).to_have_count(
                0, timeout=REPLY_MS
            )
            await expect(view.locator("li.advice", has_text="f.py:")).to_have_count(1)
            await bench.screenshot("praise-in-panel")

            # The recap: the concept, fixed alone, hints used.
            await bench.run_command("LivePair: What did I learn?")
            recap = view.locator("#recap-box")
            await expect(recap).to_be_visible(timeout=30_000)
            await expect(recap).to_be_in_viewport()
            concept = recap.locator(".recap-concept", has_text=CONCEPT).first
            await expect(concept).to_contain_text("fixed alone 1×")
            await expect(concept).to_contain_text("hints used 2")
            await expect(concept).to_contain_text("fix shown 0×")
            await bench.screenshot("recap")
        except BaseException:
            await bench.screenshot("failure")
            raise


async def test_tutor_mode_by_command_ends_with_the_fix(tools: E2ETools, fake: FakeLiveServer, tmp_path: Path) -> None:
    shots = fresh_artifacts("fix-shown")
    settings = {"livepair.backend": "offline"}
    async with open_editor(tools, fake, tmp_path, shots, settings=settings) as editor:
        page, bench = editor.page, editor.bench
        try:
            await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
            await bench.run_command("LivePair: Set Mode (pair or tutor)", opens_input=True)
            await page.locator(".quick-input-list .monaco-list-row", has_text="Tutor").first.click()
            idle = await bench.wait_status("LivePair (tutor): pair with senior dev")
            await bench.open_file("f.py", OPEN_LINE)
            await idle.click()
            await bench.wait_status(re.compile(r"\(tutor\).*watching"), timeout_ms=60_000)
            await bench.screenshot("tutor-listening")

            await bench.run_in_terminal("python3 f.py")
            await expect(page.locator(".terminal-wrapper.active .xterm-rows")).to_contain_text("FileNotFoundError")
            await bench.run_command("View: Focus Problems (Errors, Warnings, Infos)")
            # The run's question (the check on open, quiet, may hold the concept already: wait for the question).
            await expect(bench.problems()).to_contain_text(CONCEPT, timeout=60_000)
            question = "Where does Python look for 'data/config.json' when you start the program from"
            await expect(bench.problems()).to_contain_text(question, timeout=REPLY_MS)
            assert "Path(__file__)" not in await bench.problems().inner_text()
            await bench.screenshot("question")

            for n in (1, 2):
                await choose_action(bench, "Give me a hint")
                await expect(bench.problems()).to_contain_text(f"Hint {n} of 3", timeout=30_000)
            # The panel: one card per finding (the key's and the crash's), the hint rungs replacing each other.
            await bench.show_panel("LivePair")
            view = bench.webview()
            cards = view.locator("#advice li.advice")
            await expect(cards).to_have_count(2)
            await expect(cards.filter(has_text="f.py:8")).to_contain_text("Hint 2 of 3", timeout=REPLY_MS)
            await expect(cards.filter(has_text="f.py:6")).to_have_count(1)
            await bench.screenshot("hints")
            await choose_action(bench, "Show me the fix")
            await expect(
                cards.filter(has_text="f.py:8").get_by_role("button", name=re.compile("^Apply fix"))
            ).to_have_count(1, timeout=REPLY_MS)
            await expect(cards).to_have_count(2)  # the fix joined its finding's card
            await choose_action(bench, "LivePair:", shot="fix-offered")  # the verified quick fix, the last rung
            await expect(bench.editor_line("Path(__file__)")).to_be_visible(timeout=REPLY_MS)
            await no_turn_twice(bench)

            # The recap opens in the LivePair panel, at its top, the concept linked to its documentation page.
            await bench.run_command("LivePair: What did I learn?")
            recap = bench.webview().locator("#recap-box")
            await expect(recap).to_be_visible(timeout=30_000)
            await expect(recap).to_be_in_viewport()  # scrolled to, not somewhere below the conversation
            await expect(recap).to_contain_text(CONCEPT)
            await expect(recap).to_contain_text("hints used 2")
            await expect(recap).to_contain_text("fix shown 1×")
            await expect(recap.locator("a.concept", has_text=CONCEPT).first).to_have_attribute(
                "href", re.compile("^https://docs.python.org/")
            )
            await expect(recap).to_contain_text("Never sent to the model")
            await bench.screenshot("recap")
        except BaseException:
            await bench.screenshot("failure")
            raise
