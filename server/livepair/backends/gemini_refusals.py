"""What the Live service refuses (close 1007), as the Gemini backend handles it: the message charged with the refusal
(the setup, the newest message sent, or this connection's restatement, the likeliest culprit), a restatement
shrunk before it goes again, and anything refused twice dropped with a word to the user (reconnect.Refusals)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from livepair.backends import gemini_wire as wire
from livepair.backends.backend import BackendEvent, Status
from livepair.backends.journal import Item, Journal
from livepair.backends.outbox import Context
from livepair.backends.reconnect import Refusals, Verdict

log = logging.getLogger("livepair.backends.gemini")

SETUP = object()  # the setup, as a message the service may refuse with 1007
_RESTATEMENT = object()  # every restatement of a fresh session counts as one message for the refusal rule
SETUP_REFUSED = (
    "Gemini refused the session setup twice: check livepair.model and the settings it may not support, then start "
    "again."
)


class Refusing:
    """The refusal side of GeminiBackend: the attributes below are the backend's, set in its __init__."""

    _journal: Journal
    _refusals: Refusals
    _handle: str | None
    _last_sent: Item | object | None
    _restated_here: Context | None
    _dropped: set[int]
    _notice: str

    _emit: Callable[[BackendEvent], None]  # the backend's own

    def _handle_verdict(self, verdict: Verdict, set_up: bool) -> bool:
        """Apply a failure's verdict; True when the session must stop."""
        if verdict.kind == "fatal":
            self._emit(Status("error", verdict.message, fatal=True))
            return True
        if verdict.kind == "fresh":
            self._handle = None  # one fresh session, re-seeded from what we know
            return False
        if verdict.code == 1007:
            refused = self._last_sent if set_up else SETUP
            if set_up and self._restated_here is not None:
                refused = self._restated_here  # the likeliest culprit of what this connection sent: the largest
            restated = isinstance(refused, Context) and refused.restated
            if isinstance(refused, Context) and refused.restated:  # not re-sent as it was: the next is smaller
                self._journal.forget(refused)
                self._journal.shrink_restatement(len(refused.text))
            if refused is not None and self._refusals.refused(_RESTATEMENT if restated else refused):
                if refused is SETUP:
                    self._emit(Status("error", f"{verdict.message} {SETUP_REFUSED}", fatal=True))
                    return True
                if restated:
                    self._journal.shrink_restatement(0, to_nothing=True)
                self._dropped.add(id(refused))
                self._journal.forget(refused)
                self._notice = f"Gemini refused a message twice; it was dropped: {wire.describe(refused)}."
                log.warning("dropping a message Gemini refused twice: %s", wire.describe(refused))
        return False
