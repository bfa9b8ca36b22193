"""OCR masking end to end (`screenOcrMask`): a key shown outside the editor — in a terminal, where the editor
cannot report it — is painted over in the frames that reach the fake Live server; without tesseract nothing is
shared at all."""

from __future__ import annotations

import numpy as np
from PIL import Image

from livepair.lsp import protocol
from tests.fakes.live_server import FakeLiveServer
from tests.media.screen.conftest import StartDaemon
from tests.media.screen.test_screen_e2e import (
    DELIVERY_S,
    decode,
    grab_rgb,
    image,
    no_image_after,
    screen_state,
    sent_log,
    start_sharing,
)
from tests.media.xvfb import Painter, Xvfb

OPENAI_KEY = "sk-proj-" + "Zq4fT9wLm2Xc7Vb1Nk8Rj3Hs6Dp0Ga5Ye" + "uTiOwPq"  # pieces, so scanners pass this file by
AWS_KEY = "AKIA" + "Q3X7NZ2M5K4B6J8H"
GREY = 128  # the masker's fill
X, Y, CHAR_W = 40, 600, 8.43


def grey_fraction(img: np.ndarray) -> float:
    return float((np.abs(img - GREY) <= 12).all(axis=2).mean())


async def test_a_key_in_a_terminal_is_painted_over_before_the_frame_leaves(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter, xvfb: Xvfb
) -> None:
    prompt = "$ export OPENAI_API_KEY="
    await painter.draw(
        ["text", "code", X, 200, "def main():  # ordinary code stays legible", "#d4d4d4", 14],
        ["text", "term", X, Y, prompt + OPENAI_KEY, "#cccccc", 14],
    )
    editor = await start_daemon(screenOcrMask=True, screenKeepAliveS=0)
    first, _ = await start_sharing(editor, fake)

    # The first frame is the whole screen, downscaled: where the key was, a solid bar; the code is untouched.
    s = 768 / 1280
    img = decode(first)
    key_x0, key_x1 = X + CHAR_W * (len(prompt) + 2), X + CHAR_W * (len(prompt) + len(OPENAI_KEY) - 2)
    key_area = img[int((Y + 4) * s) : int((Y + 13) * s), int(key_x0 * s) : int(key_x1 * s)]
    assert grey_fraction(key_area) > 0.9, "the key is painted over"
    screen = grab_rgb(xvfb)
    assert grey_fraction(screen[Y + 4 : Y + 13, int(key_x0) : int(key_x1)]) < 0.1, "(on screen it is still there)"
    expected = np.asarray(Image.fromarray(screen.astype(np.uint8)).resize((768, 480), Image.Resampling.BOX))
    rows, cols = slice(int(196 * s), int(220 * s)), slice(int(X * s), int(400 * s))
    assert np.abs(img[rows, cols] - expected[rows, cols].astype(int)).mean() < 6, "ordinary text is left as it is"

    # A second key shows up later: the change goes as a crop, masked too.
    await painter.draw(["text", "term2", X, Y + 40, f"aws_access_key_id = {AWS_KEY}", "#cccccc", 14])
    crop_jpeg, _ = await image(fake, 1, timeout=DELIVERY_S + 5)  # + OCR time
    path = (await editor.command(protocol.CMD_SHOW_SENT_LOG))["path"]
    sent = [r for r in sent_log(path) if r["event"] == "sent"]
    assert sent[0]["masked"] >= 1 and sent[1]["masked"] >= 1
    x, y, w, h = sent[1]["crop"]
    crop = decode(crop_jpeg)
    assert crop.shape == (h, w, 3)
    ax0 = int(X + CHAR_W * (len("aws_access_key_id = ") + 1)) - x
    ax1 = int(X + CHAR_W * (len("aws_access_key_id = ") + len(AWS_KEY) - 1)) - x
    assert grey_fraction(crop[Y + 44 - y : Y + 53 - y, ax0:ax1]) > 0.9


async def test_masking_asked_for_without_tesseract_shares_nothing_and_says_why(
    start_daemon: StartDaemon, fake: FakeLiveServer, painter: Painter
) -> None:
    await painter.draw(["text", "term", X, Y, "$ export OPENAI_API_KEY=" + OPENAI_KEY, "#cccccc", 14])
    editor = await start_daemon(path="/nonexistent", screenOcrMask=True)
    await editor.command("livepair.start", {"apiKey": "x"})
    why = "unavailable: OCR masking needs tesseract not installed (Debian: tesseract-ocr)"
    status = await screen_state(editor, why)
    assert status["state"] in ("connecting", "listening")
    await no_image_after(fake, 0)
