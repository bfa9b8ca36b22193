"""OCR masking of secrets on a real X display (Xvfb): cost per frame and per text crop, and recall.

An editor-like screen (file list, code) is drawn with ordinary code lines and one line per secret format the
Redactor knows: keys in code, in a shell export, in YAML and INI, a password in a URL and in a .env line. Each run
draws fresh random secrets at several font sizes. A secret counts as masked when every pixel of its ink is painted
over: its ink is what differs between the screen and the same screen with the secret replaced by spaces.
Recall is measured on the full 1280x800 frame and on a 700x180 crop around the secret's line (what read-text mode
sends). The baseline is the JPEG encoding the sampler does anyway, timed on the same frames.
"""

from __future__ import annotations

import asyncio
import os
import random
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.stats import percentile, report, summary
from livepair.context.redact import Redactor
from livepair.media import sampler
from livepair.media.capture import ScreenCapture
from livepair.media.frames import encode
from livepair.media.ocr_mask import FILL, SCALE, OcrFailed, OcrMasker
from tests.media.xvfb import Painter, Xvfb

EDITOR_X = 310
SIZES = (12, 14, 16, 20)  # DejaVu Sans Mono in pixels; VS Code's default editor font is 14 px
CROP = (700, 180)
RUNS = 20
ROUNDS = 3  # fresh secrets per font size
ALNUM = string.ascii_letters + string.digits
CODE = [
    "import json",
    "def load_config(path):",
    "    with open(path) as fh:",
    "        return json.load(fh)",
    "for item in config['items']:",
    '    print("Weather in", config["city"])',
    "    total += item.price * item.count",
    "if __name__ == '__main__':",
    "    main()",
]


def _rand(rng: random.Random, n: int, chars: str = ALNUM) -> str:
    """Random characters; with both letters and digits when `chars` has both, as any real key has."""
    while True:
        s = "".join(rng.choice(chars) for _ in range(n))
        if all(any(c in kind for c in s) for kind in (string.ascii_letters, string.digits) if set(kind) & set(chars)):
            return s


# what the line shows before the secret, the secret, what follows
FORMATS: list[tuple[str, Callable[[random.Random], tuple[str, str, str]]]] = [
    ("Google API key in code", lambda r: ('GOOGLE_KEY = "', "AIza" + _rand(r, 35, ALNUM + "_-"), '"')),
    ("OpenAI key, shell export", lambda r: ("$ export OPENAI_API_KEY=", "sk-proj-" + _rand(r, 40), "")),
    ("GitHub token in YAML", lambda r: ("  token: ", "ghp_" + _rand(r, 36), "")),
    (
        "AWS key id in INI",
        lambda r: ("aws_access_key_id = ", "AKIA" + _rand(r, 16, string.ascii_uppercase + "234567"), ""),
    ),
    ("Slack token, .env", lambda r: ("SLACK_TOKEN=", f"xoxb-{_rand(r, 10, string.digits)}-{_rand(r, 24)}", "")),
    ("Stripe key in code", lambda r: ('stripe.api_key = "', "sk_live_" + _rand(r, 28), '"')),
    ("password in a URL", lambda r: ("DATABASE_URL=postgres://app:", _rand(r, 14), "@db:5432/app")),
    ("password, .env", lambda r: ("DB_PASSWORD=", _rand(r, 16), "")),
]


@dataclass
class Scene:
    size: int
    lines: list[str]
    secrets: list[tuple[int, str]]  # line index, secret

    def y(self, i: int) -> int:
        return 8 + i * self.line_h

    @property
    def line_h(self) -> int:
        return round(self.size * 1.36)


def scene(rng: random.Random, size: int) -> Scene:
    lines: list[str] = []
    secrets: list[tuple[int, str]] = []
    for k, (_, make) in enumerate(FORMATS):
        lines.append(CODE[k % len(CODE)])
        before, secret, after = make(rng)
        secrets.append((len(lines), secret))
        lines.append(before + secret + after)
    return Scene(size, lines, secrets)


async def show(painter: Painter, s: Scene, hide_secrets: bool = False) -> None:
    lines = list(s.lines)
    if hide_secrets:
        for i, secret in s.secrets:
            lines[i] = lines[i].replace(secret, " " * len(secret))
    await painter.draw(
        ["delete", "code"],
        *[["text", "code", EDITOR_X, s.y(i), line, "#d4d4d4", s.size] for i, line in enumerate(lines)],
    )


@dataclass
class Recall:
    masked: int = 0
    drawn: int = 0
    false: int = 0  # boxes over no secret
    withheld: int = 0  # secrets on images tesseract did not read in time: the daemon withholds such a frame

    def add(self, other: Recall) -> None:
        self.masked, self.drawn, self.false, self.withheld = (
            self.masked + other.masked,
            self.drawn + other.drawn,
            self.false + other.false,
            self.withheld + other.withheld,
        )

    def __str__(self) -> str:
        withheld = f", {self.withheld} withheld (OCR timed out)" if self.withheld else ""
        return f"{self.masked}/{self.drawn} ({self.masked / max(self.drawn, 1):.0%}){withheld}"


def mask(masker: OcrMasker, bgra: np.ndarray, ink: np.ndarray, result: Recall) -> bool:
    """Mask `bgra` in place as the masker would, counting the boxes that cover none of the secrets' ink; False when
    tesseract passed its time limit (a busy machine), which the daemon answers by withholding the frame."""
    try:
        boxes = masker.secret_boxes(masker.read(bgra))
    except OcrFailed:
        return False
    result.false += sum(not ink[y : y + h, x : x + w].any() for x, y, w, h in boxes)
    masker.paint(bgra, boxes)
    return True


def masked(after: np.ndarray, ink: np.ndarray) -> bool:
    return bool(ink.any()) and bool(np.all(after[ink] == FILL))


async def recall(painter: Painter, capture: ScreenCapture, masker: OcrMasker, s: Scene) -> tuple[Recall, Recall]:
    """Recall on the full frame and on a crop around each secret's line."""
    await show(painter, s, hide_secrets=True)
    without = capture.grab().copy()
    await show(painter, s)
    frame = capture.grab().copy()
    ink = np.any(frame[..., :3] != without[..., :3], axis=2)  # the pixels the secrets drew (alpha is no colour)
    full, crops = Recall(), Recall()
    after = frame.copy()
    read = mask(masker, after, ink, full)
    for i, _ in s.secrets:
        rows = slice(s.y(i) - 2, s.y(i) + s.line_h)
        line_ink = np.zeros_like(ink)
        line_ink[rows] = ink[rows]
        if read:
            full.masked += masked(after, line_ink)
            full.drawn += 1
        else:
            full.withheld += 1
        y0 = min(max(s.y(i) + s.line_h // 2 - CROP[1] // 2, 0), frame.shape[0] - CROP[1])
        x0 = EDITOR_X - 20
        if line_ink[:, x0 + CROP[0] :].any():
            continue  # the line runs past the crop: read-text mode would have sent a wider one
        crop = frame[y0 : y0 + CROP[1], x0 : x0 + CROP[0]].copy()
        if not mask(masker, crop, ink[y0 : y0 + CROP[1], x0 : x0 + CROP[0]], crops):
            crops.withheld += 1
            continue
        crops.masked += masked(crop, line_ink[y0 : y0 + CROP[1], x0 : x0 + CROP[0]])
        crops.drawn += 1
    return full, crops


def timed(fn: Callable[[], object], n: int = RUNS) -> list[float]:
    """Milliseconds per call; an OCR call that passed its time limit counts with the time it took to give up."""
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        try:
            fn()
        except OcrFailed as exc:
            print(f"  ({exc}: the frame would be withheld)")
        samples.append((time.perf_counter() - t) * 1000)
    return samples


async def main() -> None:
    problem = OcrMasker.problem()
    if problem is not None:
        raise SystemExit(f"bench_ocr: {problem}: run `make setup` (scripts/setup-screen.sh)")
    xvfb = Xvfb(1280, 800).start()
    os.environ["DISPLAY"] = xvfb.display
    painter = await Painter.start(xvfb.display)
    capture = ScreenCapture(monitor=0, region="")
    rng = random.Random(5)
    try:
        capture.open()
        await painter.draw(
            ["rect", "sidebar", 48, 0, 252, 778, "#252526"],
            *[["text", "files", 60, 10 + 20 * i, n, "#cccccc", 14] for i, n in enumerate(["f.py", "data/", ".env"])],
            ["rect", "status", 0, 778, 1280, 22, "#007acc"],
            ["text", "clock", 1200, 781, "10:00", "#ffffff", 13],
        )
        await cost(painter, capture, scene(rng, 14))
        for scale, rounds in ((SCALE, ROUNDS), *((k, 1) for k in (1, 2) if k != SCALE)):
            masker = OcrMasker(Redactor(), scale=scale)
            totals = (Recall(), Recall())
            for size in SIZES:
                parts = (Recall(), Recall())
                for _ in range(rounds):
                    for part, new in zip(parts, await recall(painter, capture, masker, scene(rng, size)), strict=True):
                        part.add(new)
                for total, part in zip(totals, parts, strict=True):
                    total.add(part)
                print(f"  {scale}x, {size} px: recall full frame {parts[0]}, crops {parts[1]}")
            label = "the default" if scale == SCALE else "for comparison"
            false = f"boxes over no secret: {totals[0].false} in frames, {totals[1].false} in crops"
            print(f"  {scale}x upscaling ({label}): recall full frame {totals[0]}, crops {totals[1]}; {false}")
            if scale == SCALE:
                share = (totals[0].masked + totals[1].masked) / (totals[0].drawn + totals[1].drawn)
                value = f"{totals[0]} in frames, {totals[1]} in crops"
                report("secrets masked, 12-20 px, 8 formats", value, ">= 95%", share >= 0.95)
    finally:
        capture.close()
        await painter.close()
        xvfb.stop()


def page_of_code() -> list[str]:
    """A full page of real code with no secret in it."""
    lines = [line[:110] for line in Path(sampler.__file__).read_text().splitlines()[:40]]
    assert not Redactor().find("\n".join(lines))
    return lines


async def cost(painter: Painter, capture: ScreenCapture, s: Scene) -> None:
    """Masking time against JPEG encoding: a page of code without secrets, the sparser screen with secrets, and
    a text crop of it."""
    masker = OcrMasker(Redactor())
    await show(painter, Scene(14, page_of_code(), []))
    page = capture.grab().copy()
    try:
        boxes: int | None = masker(page.copy())
    except OcrFailed:
        boxes = None  # not read in time: no verdict on false positives
    name = "false positives on a 40-line page of ordinary code (sampler.py)"
    report(name, "OCR timed out" if boxes is None else str(boxes), "0", boxes == 0)
    await show(painter, s)
    frame = capture.grab().copy()
    i = s.secrets[2][0]
    y0 = s.y(i) + s.line_h // 2 - CROP[1] // 2
    crop = np.ascontiguousarray(frame[y0 : y0 + CROP[1], EDITOR_X - 20 : EDITOR_X - 20 + CROP[0]])
    jpeg_full = timed(lambda: encode(page, 768, 80))
    jpeg_crop = timed(lambda: encode(crop, 768, 80, text=True))
    ocr_page = timed(lambda: masker(page.copy()), RUNS // 2)
    ocr_frame = timed(lambda: masker(frame.copy()), RUNS // 2)
    ocr_crop = timed(lambda: masker(crop.copy()))
    print(f"  1280x800 frame, JPEG for the model (baseline): {summary(jpeg_full)}")
    print(f"  1280x800 frame, 40 lines of code, OCR masking: {summary(ocr_page)}")
    print(f"  1280x800 frame, {len(s.lines)} lines with {len(s.secrets)} secrets, OCR masking: {summary(ocr_frame)}")
    print(f"  text crop {CROP[0]}x{CROP[1]}, JPEG (baseline): {summary(jpeg_crop)}")
    print(f"  text crop {CROP[0]}x{CROP[1]}, OCR masking: {summary(ocr_crop)}")
    full, part = (
        percentile(ocr_page, 50) / percentile(jpeg_full, 50),
        percentile(ocr_crop, 50) / percentile(jpeg_crop, 50),
    )
    print(f"  masking costs {full:.0f}x the JPEG encoding of a full frame, {part:.0f}x that of a crop (p50)")
    p99 = percentile(ocr_page, 99)
    report("masking a full frame of code (p99)", f"{p99:.0f} ms", "< 1000 ms: keeps up with 1 frame/s", p99 < 1000)
    p99 = percentile(ocr_crop, 99)
    report("masking a text crop (p99)", f"{p99:.0f} ms", "< 1000 ms", p99 < 1000)


def run() -> None:
    asyncio.run(main())


if __name__ == "__main__":
    run()
