"""Screen sharing of a real VS Code: code-server in a headed Chromium filling an Xvfb screen, the daemon sharing
that screen with the fake Live server. Typing in the editor reaches the model as text while the user types, and
the picture follows when the typing pauses — measured on VS Code's own repaints (cursor, status bar, minimap)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession
from tests.media.screen.test_screen_e2e import decode, grab_rgb, image
from tests.media.screen.test_screen_typing import edited_lines
from tests.media.xvfb import Xvfb

pytestmark = pytest.mark.timeout(300)

API_KEY = "e2e-key-" + "0b7d2c4e9a1f3568"
ARTIFACTS = ROOT / "test-artifacts" / "e2e-screen"
TYPED = "# the senior dev reads this as text"
KEY_DELAY_MS = 200  # 5 characters a second


async def idle(session: FakeSession) -> None:
    await session.wait_closed(timeout=600)


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(api_key=API_KEY, model=idle) as server:
        yield server
        server.raise_errors()


async def settled(fake: FakeLiveServer, quiet_s: float = 2.5, attempts: int = 20) -> int:
    """Wait until no frame has come for `quiet_s` (the workbench has finished painting); the frame count then."""
    for _ in range(attempts):
        count = len(fake.images_received())
        try:
            await fake.wait_until(lambda n=count: len(fake.images_received()) > n, quiet_s)
        except TimeoutError:
            return count
    raise AssertionError("the screen never settled")


async def test_typing_in_vscode_goes_as_text_and_its_picture_at_the_pause(
    tools: E2ETools, fake: FakeLiveServer, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    xvfb = Xvfb(1400, 900).start()
    try:
        settings = {"livepair.screenKeepAliveS": 0, "livepair.digestDebounceMs": 500}
        async with open_editor(tools, fake, tmp_path, ARTIFACTS, display=xvfb.display, settings=settings) as editor:
            page, bench = editor.page, editor.bench
            await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
            await bench.open_file("f.py", 'with open("data/config.json") as fh:')
            await bench.status_item("Pair with senior dev").click()
            await bench.wait_status(re.compile("listening|watching"))
            await fake.wait_until(lambda: len(fake.images_received()) >= 1, 30)
            await bench.editor_line("import json").click()
            await page.keyboard.press("End")
            await page.keyboard.press("Enter")
            before = await settled(fake)

            started = time.monotonic()
            typing = asyncio.create_task(page.keyboard.type(TYPED, delay=KEY_DELAY_MS))
            try:
                await fake.wait_until(lambda: any("senior dev" in t for t in edited_lines(fake)), 15)
                mid_typing = not typing.done()
            finally:
                await typing
            typed_s = time.monotonic() - started
            during = len(fake.images_received()) - before
            assert mid_typing, "the typed text reached the model only after the typing"
            # At the fixed bound (a frame ~1.25 s after each change) this would be ~5 frames.
            assert during <= 1, f"{during} frames while the user typed for {typed_s:.1f} s"

            # At the pause, one frame: the typed line, pixel for pixel what VS Code shows.
            frame, _ = await image(fake, before + during, timeout=5)
            await bench.screenshot("typed")
            sent = [json.loads(x) for x in (tmp_path / "state" / "sent-log.jsonl").read_text().splitlines()]
            record = [r for r in sent if r["event"] == "sent"][before + during]
            x, y, w, h = record["crop"] or [0, 0, 1400, 900]
            shown = grab_rgb(xvfb, (x, y, w, h))
            picture = decode(frame)
            if record["crop"] is None:
                shown = np.asarray(Image.fromarray(shown.astype(np.uint8)).resize(picture.shape[1::-1])).astype(int)
            assert picture.shape == shown.shape and np.abs(picture - shown).mean() < 6
    finally:
        xvfb.stop()
