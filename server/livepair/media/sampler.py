"""When to send a frame, and which: the policy behind "sees what matters, costs little".

`FrameSampler.offer` is called with every capture (every POLL_S) and a clock reading; it returns a JPEG to send
or None. Pure and synchronous, so the benchmark replays it on a virtual clock.

- The first frame, a refresh (new model session, resume, gate reopened) and keep-alives are full frames.
- Cells are compared with what the model last saw (pending) and with the previous capture (moving). A few
  cells (fewer than `change_cells`) that moved at every one of the last HOT captures are a spinner, a progress
  counter or a video thumbnail: ignored until they stop.
- A settled change of at least `change_cells` cells with nothing pending still moving goes at once: the screen
  has come to rest.
- Otherwise changes are gathered until `wait_s` after the screen first differed from what the model saw (a burst
  of typing becomes one frame instead of five), then sent. A blinking cursor reverts before that, so it never
  costs a frame. `wait_s` is sized to the delivery bound: a change is seen within POLL_S and sent `wait_s`
  later, within 1.25 s, plus the privacy hold (screen.GRACE_S) and encoding: under the 1.5 s promised.
- Typing in the editor (media/typing.py) reaches the model as text within a second; when `typing_defer_s` is set
  (the session sends edits), changes that are only keystrokes wait for the typing to pause, or `typing_defer_s`
  at most, and go as one frame. Any other change meanwhile is sent within the usual bound, keystrokes included.
- At most one frame every `min_interval_s`.
- Read-text mode sends the changed region at native resolution instead of the downscaled screen: always, or in
  "auto" when the region fits `max_side` natively and covers at most a third of the screen (a terminal error,
  a dialog, a line being typed), where downscaling the whole screen would blur the very text that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from livepair.media.frames import CELL, Box, Encoded, cells_box, changed, changed_bands, encode, grow, signature
from livepair.media.typing import TypingTracker

ReadText = Literal["auto", "always", "off"]
Reason = Literal["first", "refresh", "change", "keepalive"]
POLL_S = 0.25  # capture period; judging a capture costs ~0.3 ms of numpy on a still screen, ~2 ms on a busy one
MIN_CROP = (320, 160)  # a crop keeps some surroundings so the model can tell what it is looking at
EPS = 0.02  # scheduling jitter tolerated on the clock comparisons
HOT = 3  # captures in a row a cell must move to count as an animation


@dataclass(frozen=True)
class Policy:
    min_interval_s: float = 1.0
    keepalive_s: float = 60.0  # 0: never
    wait_s: float = 1.0
    change_cells: int = 3
    max_side: int = 768
    quality: int = 80
    read_text: ReadText = "auto"
    typing_defer_s: float = 0.0  # 0: typing is a change like any other (no text path carries it)


@dataclass(frozen=True)
class Outgoing:
    jpeg: bytes
    width: int
    height: int
    reason: Reason
    crop: Box | None  # the region (pixels of the captured area) when a read-text crop, else None
    cells: int  # changed cells behind it (0 for first / refresh / keep-alive)
    masked: int = 0  # boxes painted over secret-looking text (OCR masking)


class FrameSampler:
    def __init__(self, policy: Policy, mask: Callable[[np.ndarray], int] | None = None) -> None:
        """`mask` paints over what must not leave the machine in a BGRA image, in place (media/ocr_mask.py)."""
        self.policy = policy
        self._mask = mask
        self._seen: np.ndarray | None = None  # signature of what the model last saw
        self._prev: np.ndarray | None = None  # signature of the previous capture
        self._last_sent = float("-inf")
        self._first_seen: float | None = None  # since when the screen has differed from what the model saw
        self._runs: np.ndarray | None = None  # per cell: captures in a row it moved
        self._pixels: np.ndarray | None = None  # a copy of the previous capture, to re-profile only what changed
        self._refresh = False
        self._foreign_at: float | None = None  # since when a pending change is not typing
        self.typing = TypingTracker()

    def refresh(self) -> None:
        """The next frame is a full one (the model lost its picture, or the screen was hidden from it)."""
        self._refresh = True

    def offer(self, bgra: np.ndarray, now: float) -> Outgoing | None:
        p = self.policy
        sig = self._signature(bgra)
        prev, self._prev = self._prev, sig
        rested = now - self._last_sent >= p.min_interval_s - EPS
        if self._seen is None or self._seen.shape != sig.shape or self._refresh:
            if not rested:
                return None
            reason: Reason = "first" if self._seen is None else "refresh"
            self._refresh = False
            return self._full(bgra, sig, now, reason)
        pending = changed(sig, self._seen)
        moving = changed(sig, prev) if prev is not None and prev.shape == sig.shape else pending
        runs = self._runs if self._runs is not None and self._runs.shape == moving.shape else np.zeros(moving.shape)
        self._runs = runs = (runs + 1) * moving
        hot = runs >= HOT
        if int(hot.sum()) < p.change_cells:
            pending &= ~hot
        fresh = pending & moving
        self._judge_typing(fresh, now)
        if not pending.any():
            self._first_seen = self._foreign_at = None
        elif self._first_seen is None:
            self._first_seen = now
        if rested and self._first_seen is not None:
            if self._foreign_at is None and p.typing_defer_s > 0 and self.typing.active(now):
                due = self._first_seen + p.typing_defer_s  # the text path carries the keystrokes meanwhile
            else:
                at_rest = int((pending & ~moving).sum()) >= p.change_cells and not fresh.any()
                since = self._foreign_at if self._foreign_at is not None else self._first_seen
                due = now if at_rest else since + p.wait_s
            if now >= due - EPS:
                return self._change(bgra, sig, pending, now)
        if p.keepalive_s > 0 and now - self._last_sent >= p.keepalive_s - EPS:
            return self._full(bgra, sig, now, "keepalive")
        return None

    def _judge_typing(self, fresh: np.ndarray, now: float) -> None:
        """Notes since when a pending change is not typing (`_foreign_at`): that one is due within the bound."""
        typing = self.policy.typing_defer_s > 0
        if fresh.any() and not (typing and self.typing.explains(fresh, now)) and self._foreign_at is None:
            self._foreign_at = now
        late = self.typing.unexplained(now) if typing else None
        if late is not None and late > self._last_sent:  # what looked like a first keystroke was not one:
            self._foreign_at = late if self._foreign_at is None else min(late, self._foreign_at)  # due from then

    def _signature(self, bgra: np.ndarray) -> np.ndarray:
        """The capture's signature, recomputed only for the bands whose pixels changed since the previous one."""
        last, prev = self._pixels, self._prev
        if last is None or prev is None or last.shape != bgra.shape or not bgra.flags["C_CONTIGUOUS"]:
            self._pixels = bgra.copy()
            return signature(bgra)
        bands = changed_bands(bgra, last)
        if len(bands) * 2 > len(prev):  # most of the screen changed (a scroll, a new window): all at once
            np.copyto(last, bgra)
            return signature(bgra)
        sig = prev.copy() if len(bands) else prev  # signatures are never modified once made
        for r in bands:
            rows = slice(r * CELL, (r + 1) * CELL)
            sig[r] = signature(bgra[rows])[0]
            last[rows] = bgra[rows]
        return sig

    def _encode(self, pixels: np.ndarray, text: bool = False) -> tuple[Encoded, int]:
        """JPEG of a frame or crop, masked first if a masker is set (on a copy: the capture stays as it was).
        A masker's failure propagates before any state changes, so the change stays pending."""
        masked = 0
        if self._mask is not None:
            pixels = pixels.copy()
            masked = self._mask(pixels)
        return encode(pixels, self.policy.max_side, self.policy.quality, text=text), masked

    def _full(self, bgra: np.ndarray, sig: np.ndarray, now: float, reason: Reason) -> Outgoing:
        out, masked = self._encode(bgra)
        self._sent(sig, now)
        return Outgoing(out.jpeg, out.width, out.height, reason, None, 0, masked)

    def _change(self, bgra: np.ndarray, sig: np.ndarray, pending: np.ndarray, now: float) -> Outgoing:
        p = self.policy
        h, w = bgra.shape[:2]
        box = grow(cells_box(pending), *MIN_CROP, w, h)
        fits = max(box.w, box.h) <= p.max_side and box.area * 3 <= w * h
        crop = p.read_text == "always" or (p.read_text == "auto" and fits and max(w, h) > p.max_side)
        if crop and box.area < w * h:
            out, masked = self._encode(bgra[box.y : box.y + box.h, box.x : box.x + box.w], text=True)
        else:
            (out, masked), box = self._encode(bgra), None
        self._sent(sig, now)  # the box covers every pending cell, so the model is now up to date everywhere
        return Outgoing(out.jpeg, out.width, out.height, "change", box, int(pending.sum()), masked)

    def _sent(self, sig: np.ndarray, now: float) -> None:
        self._seen = sig
        self._last_sent = now
        self._first_seen = self._foreign_at = None
