"""OCR masking on a real X display: secrets drawn as code are painted over in the grabbed frame, ordinary text
is left as it was, and any failure of tesseract raises OcrFailed with the frame untouched."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from livepair.context.redact import Redactor
from livepair.media import ocr_mask
from livepair.media.capture import ScreenCapture
from livepair.media.ocr_mask import FILL, OcrFailed, OcrMasker
from tests.media.xvfb import Painter, Xvfb

# split so that secret scanners do not flag this file
GOOGLE_KEY = "AIza" + "SyD3x9Qm1Rk7LpV2nTb8WcZ0hJ4sF6gYu5E"
OPENAI_KEY = "sk-proj-" + "4fT9qLm2Xv8RbN3cKd7WjH1pZs6Yg0Ea"
AWS_KEY_ID = "AKIA" + "Q3EGRT7XK2M4PZ5N"
SECRETS = [GOOGLE_KEY, OPENAI_KEY, AWS_KEY_ID]
CODE = [
    "import os",
    "def connect(region):",
    f'    GOOGLE_API_KEY = "{GOOGLE_KEY}"',
    "    client = Client(region=region, retries=3)",
    f"$ export OPENAI_API_KEY={OPENAI_KEY}",
    "    return client.session()",
    f"aws_access_key_id = {AWS_KEY_ID}",
    "print(connect('eu-west-1').status)",
]
X, SIZE, LINE_H, CHAR_W = 40, 14, 19, 8.43  # DejaVu Sans Mono at 14 px
THEMES = {"dark": ("#1e1e1e", "#d4d4d4"), "light": ("#ffffff", "#333333")}


@pytest.fixture
def capture(xvfb: Xvfb, monkeypatch: pytest.MonkeyPatch) -> ScreenCapture:
    monkeypatch.setenv("DISPLAY", xvfb.display)
    assert OcrMasker.problem() is None, f"{OcrMasker.problem()}: run `make setup` (scripts/setup-screen.sh)"
    grab = ScreenCapture(monitor=0, region="")
    grab.open()
    return grab


async def show(painter: Painter, lines: list[str], theme: str = "dark") -> None:
    bg, fg = THEMES[theme]
    await painter.draw(
        ["bg", bg],
        ["delete", "code"],
        *[["text", "code", X, 10 + LINE_H * i, line, fg, SIZE] for i, line in enumerate(lines)],
    )


def hide(line: str) -> str:
    for secret in SECRETS:
        line = line.replace(secret, " " * len(secret))
    return line


def rows(i: int) -> slice:
    """The rows of line i, down to where the next line's begin."""
    return slice(10 + LINE_H * i - 2, 10 + LINE_H * (i + 1) - 2)


def body(i: int) -> slice:
    """The rows of line i's glyphs between cap height and baseline."""
    return slice(10 + LINE_H * i + 4, 10 + LINE_H * i + 14)


def reads(masker: OcrMasker, bgra: np.ndarray) -> str:
    return "\n".join(" ".join(w.text for w in line) for line in masker.read(bgra))


@pytest.mark.parametrize("theme", list(THEMES))
async def test_secrets_on_screen_are_painted_over_and_nothing_else(
    painter: Painter, capture: ScreenCapture, theme: str
) -> None:
    await show(painter, [hide(line) for line in CODE], theme)
    without = capture.grab().copy()
    await show(painter, CODE, theme)
    frame = capture.grab().copy()
    ink = np.any(frame[..., :3] != without[..., :3], axis=2)  # exactly the pixels the secrets drew
    masker = OcrMasker(Redactor())

    masked = frame.copy()
    assert masker(masked) == len(SECRETS)
    for i, line in enumerate(CODE):
        if any(s in line for s in SECRETS):
            secret = np.zeros_like(ink)
            secret[rows(i)] = ink[rows(i)]
            assert secret.sum() > 500 and np.all(masked[secret] == FILL), f"line {i} shows part of its secret"
        else:
            text = np.any(frame[rows(i), :, :3] != frame[0, 0, :3], axis=2)  # its glyphs' pixels
            assert text.sum() > 300 and np.array_equal(masked[rows(i)][text], frame[rows(i)][text]), f"line {i}"
            assert np.array_equal(masked[body(i)], frame[body(i)]), f"line {i} has no secret but was painted on"
    assert np.array_equal(masked[rows(len(CODE)).start :], frame[rows(len(CODE)).start :])

    again = reads(masker, masked)
    assert "connect(region)" in again.replace(" ", ""), "OCR still reads the ordinary code"
    assert not any(s[:4] in again or s[-6:] in again for s in SECRETS), again
    assert masker.secret_boxes(masker.read(masked)) == []


async def test_a_crop_view_is_masked_in_place(painter: Painter, capture: ScreenCapture) -> None:
    await show(painter, CODE)
    frame = capture.grab().copy()
    masker = OcrMasker(Redactor())
    y0 = 10 + LINE_H * 4 - 70  # a 700x180 crop around the export line, as read-text mode sends
    crop = frame[y0 : y0 + 180, 20:720]
    assert not crop.flags["C_CONTIGUOUS"]
    assert masker(crop) >= 1
    key = slice(X + round(CHAR_W * 30), X + round(CHAR_W * 60))  # the key is characters 24-63 of its line
    assert np.all(frame[body(4), key] == FILL), "the key is painted over in the frame the crop is a view of"
    assert OPENAI_KEY[8:20] not in reads(masker, frame)


async def test_a_frame_without_secrets_is_left_byte_identical(painter: Painter, capture: ScreenCapture) -> None:
    ordinary = [line for line in CODE if not any(s in line for s in SECRETS)]
    await show(painter, [*ordinary, "API_KEY = os.environ['API_KEY']", "token = request.headers.get('X-Token')"])
    frame = capture.grab().copy()
    masked = frame.copy()
    masker = OcrMasker(Redactor())
    assert "environ" in reads(masker, frame)
    assert masker(masked) == 0
    assert masked.tobytes() == frame.tobytes()


def fake_tesseract(tmp_path: Path, script: str) -> None:
    exe = tmp_path / "tesseract"
    exe.write_text(f"#!/bin/sh\ncat >/dev/null\n{script}\n")  # reads the image, then misbehaves
    exe.chmod(0o755)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (None, "tesseract not installed"),
        ("echo 'Error opening data file' >&2; exit 1", r"tesseract failed \(exit 1\): Error opening data file"),
        ("kill -SEGV $$", "tesseract failed"),
        ("echo 'not a table'", "unreadable tesseract output"),
        ("exec sleep 60", "tesseract took more than 0.5 s"),
    ],
    ids=["missing", "error", "crash", "garbage", "hang"],
)
def test_any_failure_raises_ocr_failed_and_leaves_the_frame_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str | None, message: str
) -> None:
    if script is None:
        monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract anywhere
    else:
        fake_tesseract(tmp_path, script)
        monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")  # the fake comes first
    monkeypatch.setattr(ocr_mask, "TIMEOUT_S", 0.5)
    frame = np.full((180, 700, 4), 30, np.uint8)
    before = frame.copy()
    with pytest.raises(OcrFailed, match=message):
        OcrMasker(Redactor())(frame)
    assert np.array_equal(frame, before)


def test_problem_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert OcrMasker.problem() is None
    assert OcrMasker.problem("xx") == "tesseract has no 'xx' language data (Debian: tesseract-ocr-xx)"
    with pytest.raises(OcrFailed, match="tesseract failed"):
        OcrMasker(Redactor(), lang="xx")(np.full((40, 40, 4), 255, np.uint8))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert OcrMasker.problem() == "tesseract not installed (Debian: tesseract-ocr)"
