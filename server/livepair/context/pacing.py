"""When a stream of small changes is worth sending: after a quiet moment, but never later than a bound.

A plain debounce waits for the user to stop; a user who types for ten seconds would leave the model ten seconds
behind. `Pacer` sends `quiet_s` after the last change or `max_wait_s` after the first unsent one, whichever comes
first, so what is typed reaches the model within `max_wait_s` (the screen relies on that: media/sampler.py).
Pure and clock-agnostic, so the benchmark replays it on a scripted clock.
"""

from __future__ import annotations


class Pacer:
    def __init__(self, quiet_s: float, max_wait_s: float) -> None:
        self.quiet_s = quiet_s
        self.max_wait_s = max(max_wait_s, 0.0)
        self._first: float | None = None  # the first change not sent yet
        self._last = 0.0

    def poke(self, now: float) -> None:
        """A change happened at `now`."""
        if self._first is None:
            self._first = now
        self._last = now

    def due_at(self) -> float | None:
        """When to send what has changed, or None when nothing has."""
        if self._first is None:
            return None
        return min(self._last + self.quiet_s, self._first + self.max_wait_s)

    def sent(self) -> None:
        self._first = None
