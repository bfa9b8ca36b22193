"""Typing in the editor, end to end on a real X display: the keystrokes reach the model as text while the user
types, the picture follows when the typing pauses, and a change elsewhere meanwhile still arrives within 1.5 s."""

from __future__ import annotations

import asyncio
import time

import numpy as np

from livepair.lsp import protocol
from tests.fakes.live_server import FakeLiveServer
from tests.media.screen.conftest import StartDaemon
from tests.media.screen.test_screen_e2e import DELIVERY_S, decode, grab_rgb, image, sent_log, start_sharing
from tests.media.xvfb import Painter, Xvfb

LINE = 9  # 0-based line of f.py being typed over (a blank one)
TYPED = "data = load_config(path)  # the new path"
X, Y = 310, 8 + LINE * 19
KEY_S = 0.2  # 5 characters a second


def edited_lines(fake: FakeLiveServer) -> list[str]:
    return [t for t in fake.texts_sent() if "--- f.py, lines now ---" in t]


async def test_typing_reaches_the_model_as_text_and_the_picture_follows_at_the_pause(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter, xvfb: Xvfb
) -> None:
    # A debounce longer than the gap between keystrokes: only the pump's bounded wait sends text mid-burst.
    editor = await start_daemon(screenKeepAliveS=0, digestDebounceMs=500)
    await painter.draw(["text", "code", X, 8, "import json", "#d4d4d4", 14])
    uri = editor.open("f.py")
    editor.send_editor_state(uri, LINE)
    await start_sharing(editor, fake)
    elsewhere: dict[str, float] = {}

    async def type_line() -> None:
        for i in range(1, len(TYPED) + 1):
            editor.replace_line(uri, LINE, TYPED[:i])
            await painter.draw(["delete", "typed"], ["text", "typed", X, Y, TYPED[:i], "#d4d4d4", 14])
            if i == 16:  # a short line in a terminal, far below, while the user keeps typing
                await painter.draw(["text", "term", X, 700, "ok", "#89d185", 14])
                elsewhere["at"] = time.monotonic()
            await asyncio.sleep(KEY_S)  # the user's rhythm, not a wait for the daemon

    frames_before = len(fake.images_received())
    typing = asyncio.create_task(type_line())
    try:
        # Mid-burst, the model already has the line as typed so far, as text.
        await fake.wait_until(lambda: any("data = load_con" in t for t in edited_lines(fake)), 10)
        assert not typing.done(), "the text came only after the typing stopped"
        partial = next(t for t in edited_lines(fake) if "data = load_con" in t)
        assert f"{LINE + 1:>5}| data = load_con" in partial and "import" not in partial  # only the edited line

        # The terminal line is not typing: its frame arrives within the bound while the user types on.
        frame, arrived = await image(fake, frames_before, timeout=10)
        assert "at" in elsewhere and arrived - elsewhere["at"] <= DELIVERY_S
        assert not typing.done()
        shown = frames_before + 1
    finally:
        await typing
    whole = f"{LINE + 1:>5}| {TYPED}"
    await fake.wait_until(lambda: any(whole in t for t in edited_lines(fake)), 5)  # the last keystrokes, as text

    # The keystrokes' own frame waits for the pause, then shows the finished line, pixel for pixel.
    assert len(fake.images_received()) == shown, "a frame was sent while the user typed"
    last, _ = await image(fake, shown, timeout=5)
    path = (await editor.command(protocol.CMD_SHOW_SENT_LOG))["path"]
    record = [r for r in sent_log(path) if r["event"] == "sent"][shown]
    assert record["crop"] is not None, "a few characters changed: a legible crop of them"
    x, y, w, h = record["crop"]
    assert x <= X + 8.43 * 16 and x + w >= X + 8.43 * len(TYPED) and y <= Y and y + h >= Y + 17
    assert np.abs(decode(last) - grab_rgb(xvfb, (x, y, w, h))).mean() < 4
    ok = decode(frame)  # the terminal's frame shows the green "ok"
    assert ((ok[..., 1] > ok[..., 0] + 40) & (ok[..., 1] > ok[..., 2] + 40)).sum() > 20
