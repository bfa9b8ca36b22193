"""Screen sharing end to end: a real X display (Xvfb) with known content, the real daemon over stdio, the real
google-genai SDK, and the fake Live server recording every video frame that left the machine."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time
from pathlib import Path
from typing import Any

import mss
import numpy as np
import pytest
from PIL import Image

from livepair.lsp import protocol
from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient
from tests.media.screen.conftest import StartDaemon
from tests.media.xvfb import Painter, Xvfb

BG = (30, 30, 30)  # the painter's background, #1e1e1e
RED, GREEN = (255, 0, 0), (0, 255, 0)
DELIVERY_S = 1.5  # the bound from a change on screen to the frame at the model
QUIET_S = 2.0  # "no frame" windows: the delivery bound plus a margin


def decode(jpeg: bytes) -> np.ndarray:
    assert jpeg[:2] == b"\xff\xd8", "not a JPEG"
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)


def colour_at(img: np.ndarray, x: float, y: float) -> tuple[int, ...]:
    patch = img[int(y) - 3 : int(y) + 4, int(x) - 3 : int(x) + 4].reshape(-1, 3)
    return tuple(int(c) for c in patch.mean(axis=0))


def near(colour: tuple[int, ...], want: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(c - w) <= tol for c, w in zip(colour, want, strict=True))


def grab_rgb(xvfb: Xvfb, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """What is on the display right now, grabbed independently of the daemon."""
    with mss.MSS(display=xvfb.display) as sct:
        area = sct.monitors[1] if box is None else dict(zip(("left", "top", "width", "height"), box, strict=True))
        shot = sct.grab(area)
    return np.asarray(Image.frombytes("RGB", shot.size, shot.bgra, "raw", "BGRX")).astype(int)


async def image(fake: FakeLiveServer, index: int, timeout: float = 10.0) -> tuple[bytes, float]:
    """The index-th frame the fake received, and when the test saw it arrive."""
    await fake.wait_until(lambda: len(fake.images_received()) > index, timeout)
    return fake.images_received()[index], time.monotonic()


async def no_image_after(fake: FakeLiveServer, count: int, window: float = QUIET_S) -> None:
    with pytest.raises(TimeoutError):
        await fake.wait_until(lambda: len(fake.images_received()) > count, window)


async def screen_state(editor: EditorClient, want: str, timeout: float = 10.0) -> dict[str, Any]:
    return await editor.wait_for(
        lambda: editor.statuses[-1] if editor.statuses and editor.statuses[-1].get("screen") == want else None,
        timeout,
        f"screen {want!r}",
    )


def sent_log(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


async def start_sharing(editor: EditorClient, fake: FakeLiveServer) -> tuple[bytes, float]:
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await screen_state(editor, "sharing")
    return await image(fake, 0)


async def test_frames_show_the_screen_are_small_and_only_follow_real_changes(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter, xvfb: Xvfb, tmp_path: Path
) -> None:
    await painter.draw(["rect", "red", 100, 100, 300, 200, "#ff0000"])
    editor = await start_daemon(screenKeepAliveS=3, screenReadText="off")  # crops: the next test
    first, t0 = await start_sharing(editor, fake)
    setup = fake.setups()[0]
    assert setup["generationConfig"]["mediaResolution"] == "MEDIA_RESOLUTION_MEDIUM"

    # A JPEG of the whole 1280x800 screen, downscaled to 768 px on the long side, showing what is there.
    img = decode(first)
    assert img.shape == (480, 768, 3)
    s = 768 / 1280
    assert near(colour_at(img, 250 * s, 200 * s), RED)
    assert near(colour_at(img, 800 * s, 600 * s), BG)
    expected = np.asarray(Image.fromarray(grab_rgb(xvfb).astype(np.uint8)).resize((768, 480), Image.Resampling.BOX))
    assert np.abs(img - expected.astype(int)).mean() < 4  # the same picture, up to JPEG error

    # A static screen with a blinking cursor: no frame until the keep-alive, 3 s after the first.
    async def blink() -> None:
        for on in range(100):
            await painter.draw(["rect", "cursor", 700, 300, 2, 16, "#ffffff"] if on % 2 else ["delete", "cursor"])
            await asyncio.sleep(0.5)  # the cursor's own rhythm, not a wait for the daemon

    blinker = asyncio.create_task(blink())
    try:
        keepalive, t1 = await image(fake, 1)
    finally:
        blinker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await blinker
    assert t1 - t0 >= 3 - 0.3, f"a frame after {t1 - t0:.2f} s of a static screen"
    assert decode(keepalive).shape == (480, 768, 3)

    # A real change reaches the model within 1.5 s.
    await painter.draw(["rect", "green", 800, 400, 300, 200, "#00ff00"])
    changed_at = time.monotonic()
    await fake.wait_until(
        lambda: any(near(colour_at(decode(j), 950 * s, 500 * s), GREEN) for j in fake.images_received()[2:]),
        DELIVERY_S + 1,
    )
    delay = time.monotonic() - changed_at
    assert delay <= DELIVERY_S, f"the change took {delay:.2f} s"

    # The local log says what was sent, frame by frame.
    path = (await editor.command(protocol.CMD_SHOW_SENT_LOG))["path"]
    assert Path(path) == tmp_path / "state" / "sent-log.jsonl"
    sent = [r for r in sent_log(path) if r["event"] == "sent"]
    received = fake.images_received()
    assert [r["bytes"] for r in sent[: len(received)]] == [len(j) for j in received]
    assert [r["reason"] for r in sent[:2]] == ["first", "keepalive"]


async def test_a_terminal_error_is_sent_as_a_legible_native_resolution_crop(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter, xvfb: Xvfb
) -> None:
    editor = await start_daemon()
    await start_sharing(editor, fake)
    lines = [f'  File "f.py", line {n}, in <module>' for n in range(8)] + ["FileNotFoundError: data/config.json"]
    await painter.draw(
        *[["text", "term", 40, 560 + 16 * i, line, "#f14c4c" if "Error" in line else "#cccccc", 14]
          for i, line in enumerate(lines)]
    )  # fmt: skip
    crop_jpeg, _ = await image(fake, 1, timeout=DELIVERY_S + 1)
    crop = decode(crop_jpeg)
    path = (await editor.command(protocol.CMD_SHOW_SENT_LOG))["path"]
    record = [r for r in sent_log(path) if r["event"] == "sent"][1]
    x, y, w, h = record["crop"]
    assert crop.shape == (h, w, 3) and max(w, h) <= 768, "a crop at native resolution"
    assert x <= 40 and y <= 560 and x + w >= 300 and y + h >= 560 + 16 * len(lines)
    assert np.abs(crop - grab_rgb(xvfb, (x, y, w, h))).mean() < 4  # pixel for pixel what is on screen
    reds = ((crop[..., 0] > 180) & (crop[..., 1] < 120)).sum()
    assert reds > 50, "the red error line is in the crop"


async def test_a_sensitive_file_on_screen_withholds_frames_and_says_why(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter
) -> None:
    editor = await start_daemon()
    code = editor.open("f.py")
    editor.send_editor_state(code, 0)
    await start_sharing(editor, fake)

    env = editor.open(".env")
    editor.send_editor_state(env, 0)
    status = await screen_state(editor, "paused: sensitive file visible")
    assert status["state"] == "listening"  # the session goes on; only the screen is held back
    await painter.draw(["rect", "red", 100, 100, 400, 300, "#ff0000"])
    count = len(fake.images_received())
    await no_image_after(fake, count)

    # A file whose text holds a secret, visible beside an ordinary one, holds frames back too.
    secret = editor.open("settings_local.py")
    editor.notify(protocol.EDITOR_STATE, {"uri": code, "visibleUris": [code, secret]})
    await no_image_after(fake, count, 1.0)
    assert editor.statuses[-1]["screen"] == "paused: sensitive file visible"

    path = (await editor.command(protocol.CMD_SHOW_SENT_LOG))["path"]
    withheld = [r for r in sent_log(path) if r["event"] == "withheld"]
    assert any(".env" in r["detail"] for r in withheld)
    assert any("settings_local.py" in r["detail"] and "secret" in r["detail"] for r in withheld)

    # Once only ordinary files are visible, sharing resumes with a full frame of the current screen.
    editor.notify(protocol.EDITOR_STATE, {"uri": code, "visibleUris": [code]})
    await screen_state(editor, "sharing")
    resumed, _ = await image(fake, count, timeout=DELIVERY_S + 1)
    assert near(colour_at(decode(resumed), 300 * 0.6, 250 * 0.6), RED)
    assert fake.errors == []


async def test_pausing_stops_frames_and_resuming_sends_the_current_screen(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter
) -> None:
    editor = await start_daemon()
    await start_sharing(editor, fake)
    assert (await editor.command(protocol.CMD_TOGGLE_SCREEN))["screen"] == "paused"
    await screen_state(editor, "paused")
    await painter.draw(["rect", "green", 200, 200, 400, 300, "#00ff00"])
    count = len(fake.images_received())
    await no_image_after(fake, count)

    assert (await editor.command(protocol.CMD_TOGGLE_SCREEN))["screen"] == "sharing"
    resumed, _ = await image(fake, count, timeout=DELIVERY_S + 1)
    assert near(colour_at(decode(resumed), 400 * 0.6, 350 * 0.6), GREEN)


async def test_without_a_display_the_session_runs_and_says_there_is_no_screen(
    start_daemon: StartDaemon, fake: FakeLiveServer
) -> None:
    editor = await start_daemon(display=False)
    editor.send_editor_state(editor.open("f.py"), 0)
    await editor.command("livepair.start", {"apiKey": API_KEY})
    status = await screen_state(editor, "unavailable: no display")
    assert status["state"] in ("connecting", "listening")
    await fake.wait_message("clientContent", lambda m: any("f.py" in t for t in m.texts()))
    assert (await editor.command(protocol.CMD_TOGGLE_SCREEN))["screen"] == "unavailable: no display"
    assert fake.images_received() == []
