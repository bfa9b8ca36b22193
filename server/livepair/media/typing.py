"""Which screen changes are the user typing in the editor.

What is typed reaches the model as text within a second (live/session.py's context pump sends the edited lines),
exact and for a few tokens, where a frame costs ~256. So while the user types, the sampler may hold back the
frames that only show those keystrokes and send one when the typing pauses (media/sampler.py).

A change counts as typing when all three hold:
- the editor reported an edit (or a cursor move) in the last `quiet_s` — or, for the first keystroke of a burst,
  reports one within LAG_S after it was seen (its pixels can beat its LSP notification);
- it is keystroke-sized: at most `max_cells` cells changed since the previous capture;
- it lands near the keystrokes before it in this burst (within REACH), so a small change elsewhere on the
  screen — a line printed in a terminal, a notification — is not mistaken for typing. The first keystroke of a
  burst seeds the area (it also catches the keystroke's companions: the status bar's "Ln, Col").
Anything else is a change like any other and reaches the model within the usual bound.
"""

from __future__ import annotations

import numpy as np

# Cell rows and columns (a cell is 16 px: about a line, two characters): the next line, back to its indentation.
# Rows are what sets typing apart from a terminal or a notification, which sit well above or below the line.
REACH = (2, 40)
LAG_S = 0.3  # how long an edit report may trail the keystroke's pixels (LSP round trip under load)


class TypingTracker:
    def __init__(self, quiet_s: float = 0.75, max_cells: int = 12) -> None:
        self.quiet_s = quiet_s
        self.max_cells = max_cells
        self._edited_at = float("-inf")
        self._burst: np.ndarray | None = None  # cells the keystrokes of the current burst changed
        self._doubt: tuple[float, np.ndarray] | None = None  # a change that may be a keystroke not yet reported

    def typed(self, now: float) -> None:
        """The editor reported an edit at `now` (called from the event loop; the worker thread only reads it)."""
        if now - self._edited_at > self.quiet_s:
            self._burst = None  # a new burst: it may start anywhere
        self._edited_at = now

    def active(self, now: float) -> bool:
        return now - self._edited_at <= self.quiet_s

    def explains(self, fresh: np.ndarray, now: float) -> bool:
        """Whether the cells that changed since the previous capture (`fresh`, boolean rows x cols) are typing.

        The first keystroke of a burst may be on screen before its edit report arrives: a keystroke-sized change
        with no edit yet is given the benefit of the doubt for LAG_S; `unexplained` says if no edit came."""
        if not self.active(now):
            self._burst = None
            if int(fresh.sum()) <= self.max_cells and self._doubt is None:
                self._doubt = (now, fresh.copy())
                return True
            return False
        if int(fresh.sum()) > self.max_cells:
            return False
        if self._burst is not None and self._burst.shape == fresh.shape:
            if (fresh & ~_dilate(self._burst)).any():
                return False
            self._burst |= fresh
        else:
            self._burst = fresh.copy()
        return True

    def unexplained(self, now: float) -> float | None:
        """When a change given the benefit of the doubt was seen, once it is clear no edit explains it."""
        if self._doubt is None:
            return None
        at, cells = self._doubt
        if self._edited_at >= at - self.quiet_s:  # the edit came: typing after all, and where the burst starts
            self._doubt = None
            if self._burst is None:
                self._burst = cells
            return None
        if now - at >= LAG_S:
            self._doubt = None
            return at
        return None


def _dilate(mask: np.ndarray) -> np.ndarray:
    """The cells within REACH of a marked cell."""
    dr, dc = REACH
    rows, cols = mask.shape
    padded = np.zeros((rows + 2 * dr, cols + 2 * dc), dtype=bool)
    for r in range(2 * dr + 1):
        for c in range(2 * dc + 1):
            padded[r : r + rows, c : c + cols] |= mask
    return padded[dr : dr + rows, dc : dc + cols]
