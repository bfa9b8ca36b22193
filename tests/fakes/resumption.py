"""Session resumption as the service documents it (API reference, SessionResumptionConfig and
LiveServerSessionResumptionUpdate; ../shared/facts/live-api.md):

- updates are sent only when the setup carried `sessionResumption`;
- a handle stands for the conversation state at one moment; resuming with it restores exactly that state, so
  what the client sent after it is not in the resumed session (the client must send it again);
- "It might be not possible to resume session at some points ... Example of such case could be model executing
  function calls or just generating": no resumable update while a turn is generated or delivered or a call is open;
- `lastConsumedClientMessageIndex` only when `transparent` is set: the index of the last client message the
  state includes. Assumed zero-based over the connection's messages after the setup (the docs give no base);
- handles stay valid 2 hours; an unknown or expired handle refuses the setup;
- a handle belongs to one session, whichever of its connections issued it (its `lineage`): a field report says a
  resume is refused while an earlier socket of that session is still open (families.py).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from tests.fakes.wire import ClientMessage

HANDLE_TTL_S = 2 * 3600
INVALID_HANDLE_REASON = "Session resumption handle is invalid or expired."


@dataclass(frozen=True)
class Snapshot:
    history: tuple[ClientMessage, ...]
    issued: float
    lineage: int = 0


class Handles:
    """Every handle the server issued, with the state it stands for (server-wide: any connection may resume)."""

    def __init__(self) -> None:
        self._states: dict[str, Snapshot] = {}
        self._ids = itertools.count(1)
        self.ttl_s = HANDLE_TTL_S
        #: Fault: refuse every handle (as after a service restart that lost them).
        self.reject_all = False

    def issue(self, history: list[ClientMessage], name: str | None = None, lineage: int = 0) -> str:
        handle = name or f"handle-{next(self._ids)}"
        self._states[handle] = Snapshot(tuple(history), time.monotonic(), lineage)
        return handle

    def lineage(self, handle: str) -> int:
        """The session a handle belongs to (the index of the connection that began it)."""
        snapshot = self._states.get(handle)
        return snapshot.lineage if snapshot is not None else -1

    def restore(self, handle: str) -> list[ClientMessage] | None:
        snapshot = self._states.get(handle)
        if self.reject_all or snapshot is None or time.monotonic() - snapshot.issued > self.ttl_s:
            return None
        return list(snapshot.history)
