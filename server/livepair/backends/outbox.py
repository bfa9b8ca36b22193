"""What goes to the Live model next, by the service's turn-taking rules.

On the service "a message [clientContent] will interrupt any current model generation", and content sent with
`turnComplete=false` gets no reply by itself (../shared/facts/live-api.md, "Turn-taking"). So:
- while the model has the turn (from a request we sent, or its first content, until `turnComplete` or
  `interrupted`) editor context, explanations and failure reports wait; the context updates merge into one;
- the user's own question and tool responses go at once (a question may cut the senior dev off: the user asked);
- a request that goes carries the context still waiting, in the same message;
- on a model that takes client content only as initial history (`realtime_text`), context after the first reply
  waits for the next request instead of going alone (realtime text would ask for a reply each time);
- a request sent over a reply cuts that reply: the end the service then reports (`interrupted`, and the
  `turnComplete` that follows it, "interrupted > turn_complete") is the old reply's, and the new request's turn
  goes on — what waits keeps waiting until that turn ends too. Each request sent over a turn owes one such end:
  two asked in quick succession over a reply cut two replies (the second may be cut before we saw it start), and
  taking the second cut for the newest request's end would settle a question nobody answered;
- questions re-sent after a reconnect go one per turn, first, each as it was (one cutting another would be the
  daemon cutting its own reply off).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from livepair.backends.live_models import ContextPath

Purpose = Literal["ask", "explain", "failure"]
MAX_HELD_CONTEXT = 64 * 1024  # characters; the oldest updates go first (newer ones restate what changed)
MAX_HELD_REQUESTS = 4


@dataclass(frozen=True)
class Context:
    text: str
    restated: bool = False  # a fresh session's restatement of what the old one knew (never restated itself)


@dataclass(frozen=True)
class Request:
    purpose: Purpose
    text: str
    context: str = ""  # editor context that was waiting, sent in front of the request

    @property
    def full_text(self) -> str:
        return f"{self.context}\n\n{self.text}" if self.context else self.text


@dataclass(frozen=True)
class TurnEnd:
    """A reply ended. `request`: the request it answered, if any (None: the user's speech, or a reply cut by a
    newer request of ours); `over`: the model's turn is over, so what waited may go."""

    request: Request | None
    over: bool
    cut: bool
    filler: bool = False  # extended thinking said something while it works on (interaction_status IN_PROGRESS)


class Outbox:
    def __init__(self, context_path: ContextPath = "client_content") -> None:
        self.context_path = context_path
        self.model_turn = False  # the model has the turn: anything polite waits
        self.started = False  # the model has answered on this connection
        self.purpose: Purpose | None = None  # what the turn in progress answers (None: the user's speech)
        self.answering: Request | None = None  # the request the turn in progress answers
        self._announced = False
        # Requests that went while the model had the turn, oldest first: each ends an older reply ("streaming":
        # it had started; "quiet": not seen to start, so the service may fold both into one turn and report no cut
        # at all — an `interrupted` is then the older reply's, a clean end the newer request's).
        self._cuts: deque[Literal["streaming", "quiet"]] = deque()
        self._swallow_complete = False  # an `interrupted` came alone: the next bare turnComplete is its turn's
        self._replayed: deque[Request] = deque()
        self._context: deque[str] = deque()
        self._context_chars = 0
        self._requests: deque[Request] = deque()

    # -- what the session hands over ---------------------------------------------------------------------
    def add_context(self, text: str) -> None:
        self._context.append(text)
        self._context_chars += len(text)
        while self._context_chars > MAX_HELD_CONTEXT and len(self._context) > 1:
            self._context_chars -= len(self._context.popleft())

    def add_request(self, request: Request) -> None:
        if request in self._requests:
            return
        if len(self._requests) >= MAX_HELD_REQUESTS:
            self._requests.popleft()
        self._requests.append(request)

    def replay(self, requests: list[Request]) -> None:
        """Questions the service lost: they go first, one per turn, as they were (once: one still waiting from an
        earlier reconnect is not queued again)."""
        waiting = [r for r in requests if not any(r is q for q in self._replayed)]
        self._replayed.extendleft(reversed(waiting))

    @property
    def holding(self) -> bool:
        return bool(self._context or self._requests or self._replayed)

    # -- what the send task takes --------------------------------------------------------------------------
    def next_polite(self) -> Context | Request | None:
        """The next waiting item that may go now, or None."""
        if self.model_turn:
            return None
        if self._replayed:
            return self._replayed.popleft()
        if self._requests:
            return self.with_context(self._requests.popleft())
        if self._context and (self.context_path == "client_content" or not self.started):
            return Context(self._take_context())
        return None

    def with_context(self, request: Request) -> Request:
        """The request carrying the context that is still waiting."""
        if not self._context:
            return request
        context = "\n\n".join(filter(None, (request.context, self._take_context())))
        return Request(request.purpose, request.text, context)

    def sent(self, request: Request) -> None:
        if self.model_turn:
            self._cuts.append("streaming" if self._announced and not self._cuts else "quiet")
        self.model_turn = True
        self.purpose = request.purpose
        self.answering = request
        self._announced = False

    # -- what the model does ---------------------------------------------------------------------------------
    def model_content(self) -> Purpose | Literal["speech"] | None:
        """The model produced content: returns what its turn answers, once per turn (None after the first)."""
        self.model_turn = self.started = True
        self._swallow_complete = False
        if self._cuts and self._cuts[0] == "streaming":
            return None  # the rest of the reply being cut: not the new turn yet
        if self._announced:
            return None
        self._announced = True
        return self.purpose or "speech"

    def interrupted(self, with_complete: bool) -> TurnEnd:
        """The service cut a reply off (and said turnComplete in the same message or not)."""
        self._swallow_complete = not with_complete
        return self._end(cut=True)

    def turn_complete(self, in_progress: bool = False) -> TurnEnd | None:
        """A turnComplete alone; None when it only closes the reply an `interrupted` already ended.
        `in_progress` (interaction_status IN_PROGRESS): a filler ended, the request's turn goes on."""
        if self._swallow_complete:
            self._swallow_complete = False
            return None
        if in_progress and not self._cuts:
            self._announced = False
            return TurnEnd(None, over=False, cut=False, filler=True)
        return self._end(cut=False)

    def _end(self, cut: bool) -> TurnEnd:
        if self._cuts:
            kind = self._cuts.popleft()
            if kind == "streaming" or cut or self._cuts:  # an older reply ended: the newer request's turn goes on
                self._announced = False
                return TurnEnd(None, over=False, cut=cut)
            # "quiet" and a clean end: the service folded the newer request into the turn, which is now over
        request = self.answering
        self.turn_over()
        return TurnEnd(request, over=True, cut=cut)

    def turn_over(self) -> None:
        self.model_turn = False
        self.purpose = None
        self.answering = None
        self._announced = False
        self._cuts.clear()
        self._swallow_complete = False

    def new_connection(self, resumed: bool) -> None:
        """Nothing is in flight on a new socket; a fresh (not resumed) model has heard nothing yet."""
        self.turn_over()
        if not resumed:
            self.started = False

    def _take_context(self) -> str:
        text = "\n\n".join(self._context)
        self._context.clear()
        self._context_chars = 0
        return text
