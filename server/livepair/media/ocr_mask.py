"""Optional OCR masking: read the text in a frame with tesseract and paint solid boxes over whatever the Redactor
calls a secret, before the frame is encoded.

The privacy gate withholds frames while a known-sensitive file is visible; this catches a key on screen anywhere
else (a terminal echoing it, a browser, a chat). It reuses the Redactor on the recognised text, so what is masked
in editor context is masked on screen too. Slow, so a setting, off by default: ~0.3 s for a 700x180 text crop,
0.6-1.7 s for a 1280x800 frame (sparse to full of code), nearly all of it tesseract (bench/bench_ocr.py).

Tesseract runs as a subprocess (a crash or a hang cannot take the daemon with it, and a timeout can end it) on a
PGM piped to its stdin; pytesseract would do the same through temporary files. Any failure raises OcrFailed: the
caller withholds the frame rather than send it unmasked.
"""

from __future__ import annotations

import os
import shutil
import string
import subprocess
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise
from statistics import median

import numpy as np
from PIL import Image

from livepair.context.redact import Redactor

TESSERACT = "tesseract"
TIMEOUT_S = 5.0
PSM = "11"  # sparse text: a screen is panels and fragments, not a page of paragraphs
SCALE = 2  # 12-20 px text is small for tesseract: 2x masks ~100% of the secrets instead of ~88%, in 1.6-2x the time
# pixels around a box: for anti-aliased edges and boxes a pixel off; less above and below, where the next
# line's tallest glyphs may be 2 pixels away
PAD_X, PAD_Y = 3, 1
FILL = (128, 128, 128, 255)  # BGRA: a grey bar, visibly a redaction on dark and light themes alike
# OCR splits tokens at gaps between glyphs. Measured on the pixels, in character widths (bench_ocr's screens,
# 12-20 px): 0.1-0.76 inside a token (`sk-proj` `-4fT9...`), 0.85-1.7 for a space. So the text is read three
# ways: as tesseract spaced it, with gaps under GLUE glued, and also those under GLUE_NARROW beside narrow
# punctuation. A reading that glues too much adds a box now and then, never hides a match.
GLUE, GLUE_NARROW = 0.8, 1.1
_NARROW = frozenset("-:;.,'\"!|()[]{}")  # punctuation drawn narrow in the middle of its cell
INK = 60  # grey levels darker than the gap's background: a character OCR dropped, most often an underscore
# OCR reads straight quotes and dashes as typographic ones, which no code pattern expects
_PLAIN = str.maketrans({"“": '"', "”": '"', "„": '"', "″": '"', "‘": "'", "’": "'", "‚": "'", "′": "'", "—": "-"})
_PLAIN.update(str.maketrans({"–": "-", "‐": "-", "‑": "-", "‒": "-", "«": '"', "»": '"'}))
_DESCENDING = frozenset("gjpqy_,;()[]{}|$@")  # characters that reach an underscore's depth
_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)  # never changes a length, unlike str.upper
Rect = tuple[int, int, int, int]  # x, y, w, h


class OcrFailed(Exception):
    """OCR could not run or its output could not be read; the frame must not be sent unmasked."""


@dataclass(frozen=True)
class Word:
    """One recognised word, in pixels of the image given to the masker."""

    x: int
    y: int
    w: int
    h: int
    text: str
    gap: float = float("inf")  # from the previous word on its line, in character widths
    dropped: int = 0  # underscores OCR dropped between them: strokes in the gap


class OcrMasker:
    """Masks secret-looking text in BGRA images in place. Runs in the screen worker thread; the Redactor it is
    given must not be used by another thread meanwhile (it is not thread-safe)."""

    def __init__(self, redactor: Redactor, lang: str = "eng", *, scale: int = SCALE) -> None:
        self._redactor = redactor
        self._lang = lang
        self._scale = scale

    @staticmethod
    def problem(lang: str = "eng") -> str | None:
        """Why OCR masking cannot run here (one line for the user), or None."""
        exe = shutil.which(TESSERACT)
        if exe is None:
            return "tesseract not installed (Debian: tesseract-ocr)"
        try:
            out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"tesseract does not run ({exc})"
        if lang not in out.stdout.splitlines()[1:]:  # after a header naming the data directory
            return f"tesseract has no {lang!r} language data (Debian: tesseract-ocr-{lang})"
        return None

    def __call__(self, bgra: np.ndarray) -> int:
        """Paint over the secrets in `bgra` (HxWx4 uint8, writable: a frame or a crop view); the boxes painted.
        Raises OcrFailed, leaving `bgra` as it was."""
        return self.paint(bgra, self.secret_boxes(self.read(bgra)))

    @staticmethod
    def paint(bgra: np.ndarray, boxes: list[Rect]) -> int:
        """Fill each box, PAD_X and PAD_Y larger, with FILL; the number of boxes."""
        h, w = bgra.shape[:2]
        for x, y, bw, bh in boxes:
            bgra[max(y - PAD_Y, 0) : min(y + bh + PAD_Y, h), max(x - PAD_X, 0) : min(x + bw + PAD_X, w)] = FILL
        return len(boxes)

    def read(self, bgra: np.ndarray) -> list[list[Word]]:
        """The text tesseract finds in `bgra`, as lines of words (boxes in `bgra`'s pixels). Raises OcrFailed."""
        h, w = bgra.shape[:2]
        if h < 4 or w < 4:
            return []
        grey = _grey(bgra)
        big = grey
        if self._scale != 1:
            size = (w * self._scale, h * self._scale)
            big = np.asarray(Image.fromarray(grey).resize(size, Image.Resampling.BICUBIC))
        pgm = f"P5 {big.shape[1]} {big.shape[0]} 255\n".encode() + big.tobytes()
        # one thread: tesseract's OpenMP threads spin on busy cores, 3-6x slower here (a crop: 0.83 s, not 0.23)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(
                [TESSERACT, "stdin", "stdout", "-l", self._lang, "--psm", PSM, "tsv"],
                input=pgm,
                capture_output=True,
                timeout=TIMEOUT_S,
                env=env,
            )
        except FileNotFoundError as exc:
            raise OcrFailed("tesseract not installed (Debian: tesseract-ocr)") from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrFailed(f"tesseract took more than {TIMEOUT_S:g} s on a {w}x{h} image") from exc
        except OSError as exc:
            raise OcrFailed(f"tesseract did not run: {exc}") from exc
        if done.returncode != 0:
            why = done.stderr.decode(errors="replace").strip().splitlines()
            raise OcrFailed(f"tesseract failed (exit {done.returncode}): {why[-1] if why else 'no message'}")
        lines = _parse_tsv(done.stdout.decode(errors="replace"), self._scale)
        return [_glue(words, cw, grey) for words, cw in zip(lines, _char_widths(lines), strict=True)]

    def secret_boxes(self, lines: list[list[Word]]) -> list[Rect]:
        """Boxes over the secrets the Redactor finds in `lines`, overlapping ones merged. A box is as tall as its
        words and at least as tall as most words on its line: a word box tesseract made too short cannot leave a
        secret's top or bottom visible, and one it made too tall elsewhere on the line does not stretch it.

        The lines are read as tesseract spaced them, then with the words it split inside a token glued back
        (`API_KEY=sk-proj` `-4fT9...`, `"sk` `live` `51Hx...` where it lost the underscores): see GLUE.
        """
        found: dict[int, list[tuple[int, int, int]]] = {}  # line index -> x0, x1, word index
        widths = _char_widths(lines)
        seen: set[str] = set()
        for reading in range(3):
            text, spans = _layout(lines, reading)
            if text in seen:
                continue
            seen.add(text)
            starts = [s for s, _, _, _ in spans]
            for match in self._redactor.find(text):
                i = max(bisect_right(starts, match.start) - 1, 0)
                while i < len(spans) and spans[i][0] < match.end:
                    start, end, li, wi = spans[i]
                    if end > match.start:
                        part = _part(lines[li][wi], match.start - start, match.end - start, widths[li])
                        found.setdefault(li, []).append((*part, wi))
                    i += 1
        boxes: list[Rect] = []
        for li, parts in found.items():
            words = lines[li]
            usual = int(median(w.y for w in words)), int(median(w.y + w.h for w in words))
            merged: list[list[int]] = []  # x0, x1, top, bottom
            for x0, x1, wi in sorted(parts):
                top, bottom = _extent([words[wi]])
                top, bottom = min(top, usual[0]), max(bottom, usual[1])
                if merged and x0 <= merged[-1][1] + 2 * PAD_X:
                    last = merged[-1]
                    last[1:] = max(last[1], x1), min(last[2], top), max(last[3], bottom)
                else:
                    merged.append([x0, x1, top, bottom])
            boxes += [(x0, top, x1 - x0, bottom - top) for x0, x1, top, bottom in merged]
        return boxes


def _grey(bgra: np.ndarray) -> np.ndarray:
    """Grey with dark text on a light ground: what tesseract reads best and fastest."""
    b, g, r = (bgra[..., c].astype(np.uint16) for c in range(3))
    grey = ((b * 29 + g * 150 + r * 77) >> 8).astype(np.uint8)  # ITU-R 601 luma in fixed point
    return 255 - grey if grey[::8, ::8].mean() < 128 else grey  # a dark theme: inverted


def _parse_tsv(tsv: str, scale: int) -> list[list[Word]]:
    """Tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height, conf, text) -> lines
    of words, left to right, boxes scaled back to the caller's pixels."""
    rows = tsv.splitlines()
    if not rows or not rows[0].startswith("level"):
        raise OcrFailed(f"unreadable tesseract output: {tsv[:80]!r}")
    lines: dict[tuple[str, ...], list[Word]] = {}
    for row in rows[1:]:
        f = row.split("\t")
        if len(f) != 12 or f[0] != "5" or not f[11].strip():
            continue
        try:
            x, y, w, h = (int(v) for v in f[6:10])
        except ValueError as exc:
            raise OcrFailed(f"unreadable tesseract output: {row[:80]!r}") from exc
        x0, y0 = x // scale, y // scale
        word = Word(x0, y0, -(-(x + w) // scale) - x0, -(-(y + h) // scale) - y0, f[11].strip().translate(_PLAIN))
        lines.setdefault(tuple(f[1:5]), []).append(word)
    return [sorted(words, key=lambda w: w.x) for words in lines.values()]


def _glue(words: list[Word], cw: float, grey: np.ndarray) -> list[Word]:
    """Each word's gap to the previous one, measured on the pixels (tesseract's boxes can be a pixel or two off,
    a third of a gap), and the underscores in it: a stroke low in the gap is a character OCR dropped, and on
    screen nearly always an underscore (drawn lower than the other glyphs)."""
    top, bottom = _extent(words)
    low = (top + bottom) // 2  # where an underscore is and `=` or `"` is not
    out = [words[0]]
    for prev, word in pairwise(words):
        end = prev.x + prev.w
        if word.x <= end:  # overlapping boxes: one ran away
            out.append(replace(word, gap=0.0))
            continue
        area = grey[top:bottom, max(end - 2, 0) : word.x + 2].astype(np.int16)
        ink = area < area.max() - INK
        blank = _longest_run(~ink.any(axis=0))
        stroke = ink[low - top :, 3:-3]  # strictly between the boxes
        # an underscore is a stroke across the gap, not a neighbour's edge that its box left out
        dropped = stroke.size and blank < cw and (stroke.mean(axis=1) >= 0.6).any()
        out.append(replace(word, gap=blank / cw, dropped=max(1, round((word.x - end) / cw)) if dropped else 0))
    return out


def _extent(words: list[Word]) -> tuple[int, int]:
    """The rows a line of words covers, down to the depth of an underscore (which may be below every box)."""
    top, bottom = min(w.y for w in words), max(w.y + w.h for w in words)
    if any(c in _DESCENDING for w in words for c in w.text):  # `bottom` is about that deep already
        return top, bottom + max(2, (bottom - top) // 8)
    return top, bottom + max(3, (bottom - top) * 2 // 5)


def _longest_run(flags: np.ndarray) -> int:
    """The longest run of True in a 1-d boolean array."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    return int((edges[1::2] - edges[::2]).max()) if len(edges) else 0


def _char_widths(lines: list[list[Word]]) -> list[float]:
    """A character's width on each line (exact for monospace text): the median over its words, or over all the
    words when it has too few to outvote a runaway box (tesseract sometimes makes one twice as wide as its word)."""
    sized = [[w.w / len(w.text) for w in words if len(w.text) >= 3] for words in lines]
    everywhere = [cw for line in sized for cw in line]
    default = median(everywhere) if everywhere else 8.0
    return [median(line) if len(line) >= 3 else default for line in sized]


def _layout(lines: list[list[Word]], reading: int) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The lines as one text for the Redactor, and each word's (start, end, line, word) in it. Reading 0 spaces
    words as tesseract did; 1 glues those closer than GLUE or with dropped underscores between them; 2 also
    glues those closer than GLUE_NARROW beside a narrow glyph."""
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    at = 0
    for li, words in enumerate(lines):
        for wi, word in enumerate(words):
            if wi == 0:
                sep = "\n"
            elif reading == 0:
                sep = " "
            elif word.dropped:
                sep = "_" * word.dropped
            elif word.gap < GLUE:
                sep = ""
            else:
                narrow = words[wi - 1].text[-1] in _NARROW or word.text[0] in _NARROW
                sep = "" if reading == 2 and narrow and word.gap < GLUE_NARROW else " "
            if li or wi:
                parts.append(sep)
                at += len(sep)
            text = _upper(word.text) if reading else word.text
            parts.append(text)
            spans.append((at, at + len(text), li, wi))
            at += len(text)
    return "".join(parts), spans


def _upper(text: str) -> str:
    """A word in capitals (an AWS key id...) as OCR would have read it but for the odd `c o s u v w x z`, which are
    the same shape in either case; other words as they are."""
    letters = [c for c in text if c in string.ascii_letters]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.85 * len(letters):
        return text.translate(_UPPER)
    return text


def _part(word: Word, start: int, end: int, cw: float) -> tuple[int, int]:
    """The x span of word.text[start:end] and one character more each side: tesseract's boxes can be a few pixels
    short, and it may have missed or doubled a character. A span ending inside the word is estimated two ways,
    from the word's box and from the line's character width, and the wider taken."""
    n, x, w = len(word.text), word.x, word.w
    x0 = x if start <= 0 else min(x + w * start // n, x + int(start * cw))
    x1 = x + w if end >= n else max(x + -(-w * end // n), x + int(end * cw + 1))
    return x0 - int(cw + 1), x1 + int(cw + 1)
