"""Pixels -> bytes worth sending: a cheap change grid, downscaled full frames and native-resolution crops, JPEG.

Pure and synchronous; runs in the screen worker thread. Numbers on a 1280x800 frame here (bench/bench_screen.py
measures them again): the change signature ~2 ms, the Pillow box downscale to 768 px ~5 ms, JPEG ~1 ms.
JPEG encoder, whichever measured faster here for each path: simplejpeg for native-resolution frames and crops
(it reads BGRA numpy views directly: 1.8 vs 2.2 ms for 1280x800, 0.4 vs 0.8 ms for a text crop), Pillow for
downscaled frames (it already holds the resized image: 0.6 vs 0.8 ms). Pillow also resizes, and is the fallback.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

try:
    import simplejpeg
except ImportError:  # pragma: no cover - a wheel missing on some platform; Pillow does the job a little slower
    simplejpeg = None

CELL = 16  # change-detection cell size in pixels: about one character of editor text
TOL = 3 * CELL  # a profile entry changed when it moved by more than 1 level a channel along its 16 pixels


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of the captured area."""

    x: int
    y: int
    w: int
    h: int

    @property
    def area(self) -> int:
        return self.w * self.h

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.w, self.h]


def signature(bgra: np.ndarray) -> np.ndarray:
    """The change detector's downscaled copy: for each CELLxCELL cell, its column profile (the B+G+R sum of each
    of its 16 pixel columns) and its row profile (of each of its 16 pixel rows), shape (rows, cols, 32).

    A plain per-cell sum (~1 ms) misses changes that keep the amount of ink: `b` -> `d`, `6` -> `9`, a clock
    going from 10:03 to 10:04. The profiles see those and cost ~2 ms on a 1280x800 frame; both sums run over
    contiguous memory. A right or bottom strip narrower than a cell is not watched.
    """
    h, w = bgra.shape[:2]
    gh, gw = h // CELL, w // CELL
    if not bgra.flags["C_CONTIGUOUS"]:
        bgra = np.ascontiguousarray(bgra)
    # The alpha byte is summed too (it is constant on a screen) so that every sum runs over whole rows.
    cols = bgra[: gh * CELL].reshape(gh, CELL, w * 4).sum(axis=1, dtype=np.int32)  # (gh, w*4)
    cols = cols[:, : gw * CELL * 4].reshape(gh, gw, CELL, 4).sum(axis=3)  # (gh, gw, CELL)
    rows = bgra[: gh * CELL].reshape(gh * CELL, w * 4)[:, : gw * CELL * 4]
    rows = rows.reshape(gh, CELL, gw, CELL * 4).sum(axis=3, dtype=np.int32).transpose(0, 2, 1)  # (gh, gw, CELL)
    return np.concatenate((cols, rows), axis=2)


def changed_bands(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Indexes of the CELL-pixel-high bands in which two contiguous frames of one shape differ: ~0.3 ms for
    1280x800, an eighth of a full signature, so a still or blinking screen costs almost nothing to watch."""
    gh = a.shape[0] // CELL
    va = a[: gh * CELL].reshape(gh, -1).view(np.uint64)  # a band is 64 * width bytes: always whole uint64s
    vb = b[: gh * CELL].reshape(gh, -1).view(np.uint64)
    return np.flatnonzero((va != vb).any(axis=1))


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Boolean (rows, cols) mask of the cells whose signatures differ."""
    return np.asarray((np.abs(a - b) > TOL).any(axis=2))


def cells_box(mask: np.ndarray, pad: int = 1) -> Box:
    """The pixel box around the marked cells, padded by `pad` cells (clamped to the grid)."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    gh, gw = mask.shape
    r0, r1 = max(int(rows[0]) - pad, 0), min(int(rows[-1]) + 1 + pad, gh)
    c0, c1 = max(int(cols[0]) - pad, 0), min(int(cols[-1]) + 1 + pad, gw)
    return Box(c0 * CELL, r0 * CELL, (c1 - c0) * CELL, (r1 - r0) * CELL)


def grow(box: Box, min_w: int, min_h: int, width: int, height: int) -> Box:
    """`box` enlarged around its centre to at least min_w x min_h, kept inside width x height."""
    w, h = min(max(box.w, min_w), width), min(max(box.h, min_h), height)
    x = min(max(box.x + box.w // 2 - w // 2, 0), width - w)
    y = min(max(box.y + box.h // 2 - h // 2, 0), height - h)
    return Box(x, y, w, h)


def fit(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The size that keeps the aspect ratio with the long side at most `max_side` (never upscaled)."""
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass(frozen=True)
class Encoded:
    jpeg: bytes
    width: int
    height: int


def encode(bgra: np.ndarray, max_side: int, quality: int, text: bool = False) -> Encoded:
    """JPEG of a BGRA image (a full frame or a crop view), downscaled to `max_side` on its long side if larger.

    `text` keeps full chroma (4:4:4): coloured text in a crop stays legible, for ~10% more bytes.
    """
    h, w = bgra.shape[:2]
    tw, th = fit(w, h, max_side)
    if (tw, th) == (w, h):
        if simplejpeg is not None:
            return Encoded(simplejpeg.encode_jpeg(bgra, quality, "BGRA", "444" if text else "420"), w, h)
        image = _pil(bgra)
    else:
        # Box filter: each output pixel averages the input pixels it covers, so thin text strokes stay visible.
        image = _pil(bgra).resize((tw, th), Image.Resampling.BOX)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, subsampling=0 if text else 2)
    return Encoded(out.getvalue(), tw, th)


def _pil(bgra: np.ndarray) -> Image.Image:
    h, w = bgra.shape[:2]
    data = bgra if bgra.flags["C_CONTIGUOUS"] else np.ascontiguousarray(bgra)
    return Image.frombuffer("RGB", (w, h), data, "raw", "BGRX", 0, 1)  # type: ignore[arg-type]  # numpy buffer
