"""High-level actions on VS Code's workbench in the browser, waiting on conditions rather than sleeping."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from playwright.async_api import FrameLocator, Locator, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

DEFAULT_TIMEOUT_MS = 30_000
PALETTE_ATTEMPTS = 3
PALETTE_WAIT_MS = 10_000  # the palette is there in well under a second: longer means it closed

# Text of every ::before/::after pseudo element in the editor's lines: how VS Code renders decoration text.
_DECORATION_TEXTS = """
() => {
  const out = [];
  for (const el of document.querySelectorAll('.monaco-editor .view-lines span, .monaco-editor .view-overlays div')) {
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (c && c !== 'none' && c !== 'normal' && c !== '""') out.push(c);
    }
  }
  return out;
}
"""

# The inline hint whose text contains `text` (drawn in one of `colours`, when given): its text, colour, and its
# right edge against the editor's (whether anything is cut off at this width).
_INLINE_HINT = """
({ text, colours }) => {
  const guard = document.querySelector('.monaco-editor .overflow-guard').getBoundingClientRect();
  for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
    const style = getComputedStyle(el, '::after');
    const content = (style.content || '').replace(/^"|"$/g, '').replace(/\\\\(.)/g, '$1');  // a CSS string, unquoted
    if (content.includes(text) && (!colours || colours.includes(style.color))) {
      const r = el.getBoundingClientRect();
      const line = (el.closest('.view-line')?.textContent ?? '').replace(/\u00a0/g, ' ');
      return { content, color: style.color, right: r.right, editorRight: guard.right, line };
    }
  }
  return null;
}
"""


async def eventually(check: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Poll a condition outside the page (processes, logs) until it holds."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"still not {what} after {timeout_s} s")
        await asyncio.sleep(0.1)


class Workbench:
    def __init__(self, page: Page, artifacts: Path) -> None:
        self.page = page
        self.artifacts = artifacts
        self._shots = 0

    async def open(self, url: str) -> None:
        await self.page.goto(url)
        await self.page.locator(".monaco-workbench").wait_for(timeout=60_000)

    async def screenshot(self, name: str) -> Path:
        self._shots += 1
        path = self.artifacts / f"{self._shots:02d}-{name}.png"
        await self.page.screenshot(path=str(path))
        return path

    # -- status bar ------------------------------------------------------------------------------------
    def status_item(self, text: str | re.Pattern[str]) -> Locator:
        return self.page.locator("#workbench\\.parts\\.statusbar .statusbar-item", has_text=text)

    async def wait_status(self, text: str | re.Pattern[str], timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Locator:
        item = self.status_item(text).first
        await item.wait_for(timeout=timeout_ms)
        return item

    def toast(self, text: str) -> Locator:
        """The notification toast saying `text`, once it has slid in (a screenshot then shows it whole)."""
        done = ".notifications-toasts .notification-toast.notification-fade-in-done"
        return self.page.locator(done, has_text=text).first

    async def start_pairing(self, state: str = "listening|watching") -> Locator:
        """Press "Pair with senior dev" once the extension shows it; the status item once the session is `state`."""
        await self.wait_status("Pair with senior dev", timeout_ms=60_000)
        await self.status_item("Pair with senior dev").click()
        return await self.wait_status(re.compile(state), timeout_ms=60_000)

    # -- commands and files --------------------------------------------------------------------------
    async def run_command(self, title: str, *, opens_input: bool = False) -> None:
        """Run a command by its palette title (F1, type, Enter); `opens_input` if it asks for input next."""
        box = self.page.locator(".quick-input-widget input")
        row = self.page.locator(".quick-input-list .monaco-list-row", has_text=title).first
        for attempt in range(PALETTE_ATTEMPTS):
            await self.page.keyboard.press("F1")
            await box.wait_for()
            try:
                await box.fill(f">{title}", timeout=PALETTE_WAIT_MS)
                await row.wait_for(timeout=PALETTE_WAIT_MS)
                break
            except PlaywrightTimeoutError:
                # The palette closed under us: focus moved to an editor the previous action revealed (CI saw the
                # box go hidden before the fill). Open it again; a title that is not there still fails.
                if attempt == PALETTE_ATTEMPTS - 1:
                    raise
        await box.press("Enter")
        if opens_input:
            # The command's own input reuses the palette's box: until its ">title" is gone, typing goes to the palette
            # (and Enter there runs a command instead of answering the input: the question was lost).
            await expect(box).not_to_have_value(re.compile(r"^>"))
        else:
            await self.page.locator(".quick-input-widget").wait_for(state="hidden")

    async def open_file(self, name: str, expect_text: str) -> None:
        await self.page.keyboard.press("Control+P")
        box = self.page.locator(".quick-input-widget input")
        await box.wait_for()
        await box.fill(name)
        await self.page.locator(".quick-input-list .monaco-list-row", has_text=name).first.wait_for()
        await box.press("Enter")
        await self.editor_line(expect_text).wait_for()

    def editor_line(self, text: str) -> Locator:
        return self.page.locator(".monaco-editor .view-line", has_text=text).first

    async def editor_text(self) -> str:
        return await self.page.locator(".monaco-editor .view-lines").first.inner_text()

    async def decoration_texts(self) -> list[str]:
        return await self.page.evaluate(_DECORATION_TEXTS)

    async def inline_hint(
        self, text: str, timeout_ms: int = DEFAULT_TIMEOUT_MS, colours: Collection[str] | None = None
    ) -> dict[str, Any]:
        """The inline hint containing `text` (in one of `colours`: a hint that turns red), once shown: content,
        color, right, editorRight (CSS pixels) and the text of the line it is on."""
        arg = {"text": text, "colours": sorted(colours) if colours else None}
        handle = await self.page.wait_for_function(_INLINE_HINT, arg=arg, timeout=timeout_ms)
        value = await handle.json_value()
        assert isinstance(value, dict)
        return value

    async def go_to(self, line: int, column: int) -> None:
        """Put the cursor at a line and column (1-based) of the active editor, as Ctrl+G does."""
        await self.page.keyboard.press("Control+G")
        box = self.page.locator(".quick-input-widget input")
        await box.wait_for()
        await box.fill(f":{line}:{column}")
        await box.press("Enter")
        await self.page.locator(".quick-input-widget").wait_for(state="hidden")
        cursor = self.page.locator(".statusbar-item", has_text=f"Ln {line}, Col {column}").first
        await cursor.wait_for()

    # -- terminal ------------------------------------------------------------------------------------
    async def run_in_terminal(self, command: str) -> None:
        await self.run_command("Terminal: Create New Terminal")
        rows = self.page.locator(".terminal-wrapper.active .xterm-rows")
        await rows.wait_for()
        # A prompt means bash has loaded VS Code's shell integration (injected at launch).
        await self.page.wait_for_function(
            """() => { const r = document.querySelector('.terminal-wrapper.active .xterm-rows');
                       return !!r && /[$#]\\s*$/m.test(r.innerText); }""",
            timeout=DEFAULT_TIMEOUT_MS,
        )
        await self.page.locator(".terminal-wrapper.active .xterm-helper-textarea").focus()
        await self.page.keyboard.type(command)
        await self.page.keyboard.press("Enter")

    async def terminal_text(self) -> str:
        return await self.page.locator(".terminal-wrapper.active .xterm-rows").inner_text()

    # -- panels --------------------------------------------------------------------------------------
    def problems(self) -> Locator:
        return self.page.locator(".markers-panel")

    async def show_panel(self, title: str) -> None:
        """Bring a tab of the bottom panel (Problems, Terminal, LivePair...) to the front by clicking it."""
        tab = self.page.locator("#workbench\\.parts\\.panel .composite-bar .action-item", has_text=title).first
        await tab.click()
        await self.page.locator(
            "#workbench\\.parts\\.panel .composite-bar .action-item.checked", has_text=title
        ).first.wait_for()

    def webview(self) -> FrameLocator:
        """The content of the (only) visible webview: VS Code nests it in two iframes."""
        return self.page.frame_locator("iframe.webview.ready").frame_locator("iframe#active-frame")

    # -- hover and quick fix ---------------------------------------------------------------------------
    async def hover_text_of(self, line_text: str) -> Locator:
        line = self.editor_line(line_text)
        box = await line.bounding_box()
        assert box is not None, f"line {line_text!r} is not visible"
        await self.page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
        hover = self.page.locator(".monaco-hover:not(.hidden)").first
        await hover.wait_for()
        return hover
