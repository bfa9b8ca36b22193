"""The model and the faults of the daemon soak (daemon_soak.py), as a script for the Live service simulator.

The model answers each request: a question `qN?` with "Answer: qN?" (in two pieces, holding the reply open a moment
so an editor update that would cut it off has the chance to), anything else (a failed run's report, a new error)
with a short note. Requests that arrived together are one turn, as on the service; the model answers the question
among them if there is one. A queued fault fires at the next question, when it arrives or mid-reply, the way
test_chaos.py fires them. Each connection lasts at most `cap_s` (the service's connection cap): a goAway
`go_away_s` before, then, if the client is still there, a close; a goAway's time left is enforced the same way.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import deque

from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession, SessionClosed
from tests.live.held_reply import reply_held_open
from tests.live.test_faults import question_of

FAULTS = ("close-1011", "go-away", "stall", "broken", "handle-refused")
PHASES = ("on-question", "mid-reply")
QUESTION = re.compile(r"q\d+\?")
HOLD_S = 0.3  # a reply stays open this long for an editor update to (wrongly) arrive in it
DEADLINE_REASON = "Deadline expired: connection time limit."


class Service:
    def __init__(self, fake: FakeLiveServer, cap_s: float, go_away_s: float) -> None:
        self.fake = fake
        self.cap_s = cap_s
        self.go_away_s = go_away_s
        self.queued: deque[tuple[str, str]] = deque()
        self.fired: list[str] = []
        self.capped = 0  # connections that reached the cap's goAway

    def queue(self, fault: str, phase: str) -> None:
        assert fault in FAULTS and phase in PHASES
        self.queued.append((fault, phase))

    async def model(self, session: FakeSession) -> None:
        if self.fake.handles.reject_all:  # the refused handle was the fault; this fresh session is the recovery
            self.fake.handles.reject_all = False
        opened = time.monotonic()
        warn_at = opened + max(0.0, self.cap_s - self.go_away_s)
        close_at = opened + self.cap_s
        try:
            while True:
                now = time.monotonic()
                if now >= close_at:
                    await session.close(1011, DEADLINE_REASON)
                    return
                if warn_at <= now:
                    warn_at = float("inf")
                    self.capped += 1
                    await session.send_go_away(f"{close_at - now:.1f}s")
                try:
                    message = await session.next_message(
                        predicate=starts_turn, timeout=max(0.01, min(warn_at, close_at) - now)
                    )
                except TimeoutError:
                    continue
                batch = [message]
                with contextlib.suppress(TimeoutError):  # requests that arrived together are one turn
                    while True:
                        batch.append(await session.next_message(predicate=starts_turn, timeout=0))
                texts = [question_of("".join(m.texts())) for m in batch]
                questions = [t for t in texts if QUESTION.fullmatch(t)]
                if not questions:
                    await session.send_text("Noted: the run failed as the output shows.")
                    continue
                question = questions[-1]
                fault, phase = self.queued.popleft() if self.queued else (None, None)
                if fault and phase == "on-question":
                    close_at = await self.fire(session, fault, close_at)
                    if session.closed:
                        return

                async def mid_reply(fault: str | None = fault, phase: str | None = phase) -> bool:
                    nonlocal close_at
                    if fault and phase == "mid-reply":
                        close_at = await self.fire(session, fault, close_at)
                        return session.closed
                    return False

                if await reply_held_open(session, "Answer:", f" {question}", HOLD_S, mid_reply):
                    return
        except SessionClosed:
            return

    async def fire(self, session: FakeSession, fault: str, close_at: float) -> float:
        """Inject a fault; returns when the connection will be closed by the service (a goAway's deadline), and
        only once it is gone for the faults that end it."""
        self.fired.append(fault)
        if fault == "go-away":
            await session.send_go_away(f"{self.go_away_s:.1f}s")
            return min(close_at, time.monotonic() + self.go_away_s)
        if fault == "handle-refused":
            self.fake.handles.reject_all = True  # the next connection's resumption handle is refused
            await session.close(1011, "Internal error encountered.")
        elif fault == "close-1011":
            await session.close(1011, "Internal error encountered.")
        elif fault == "broken":
            await session.send_raw('{"serverContent": {"modelTurn": {"parts": [{"te')
        # "stall": the socket stays open and silent until the client gives up on it
        with contextlib.suppress(TimeoutError):
            await session.wait_closed(timeout=max(0.01, close_at - time.monotonic()))
        if not session.closed:
            await session.close(1011, DEADLINE_REASON)
        return close_at
