"""What goes to the Live model next, by the service's turn-taking rules.

On the service "a message [clientContent] will interrupt any current model generation", and content sent with
`turnComplete=false` gets no reply by itself (../shared/facts/live-api.md, "Turn-taking"). So:
- while the model has the turn (from a request we sent, or its first content, until `turnComplete` or
  `interrupted`) editor context, explanations and failure reports wait; the context updates merge into one;
- the user's own question and tool responses go at once (a question may cut the senior dev off: the user asked);
- a request that goes carries the context still waiting, in the same message;
- on a model that takes client content only as initial history (`realtime_text`), context after the first reply
  waits for the next request instead of going alone (realtime text would ask for a reply each time).
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


@dataclass(frozen=True)
class Request:
    purpose: Purpose
    text: str


class Outbox:
    def __init__(self, context_path: ContextPath = "client_content") -> None:
        self.context_path = context_path
        self.model_turn = False  # the model has the turn: anything polite waits
        self.started = False  # the model has answered on this connection
        self.purpose: Purpose | None = None  # what the turn in progress answers (None: the user's speech)
        self._announced = False
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

    @property
    def holding(self) -> bool:
        return bool(self._context or self._requests)

    # -- what the send task takes --------------------------------------------------------------------------
    def next_polite(self) -> Context | Request | None:
        """The next waiting item that may go now, or None."""
        if self.model_turn:
            return None
        if self._requests:
            return self.with_context(self._requests.popleft())
        if self._context and (self.context_path == "client_content" or not self.started):
            return Context(self._take_context())
        return None

    def with_context(self, request: Request) -> Request:
        """The request carrying the context that is still waiting."""
        if not self._context:
            return request
        return Request(request.purpose, f"{self._take_context()}\n\n{request.text}")

    def sent(self, request: Request) -> None:
        self.model_turn = True
        self.purpose = request.purpose
        self._announced = False

    # -- what the model does ---------------------------------------------------------------------------------
    def model_content(self) -> Purpose | Literal["speech"] | None:
        """The model produced content: returns what its turn answers, once per turn (None after the first)."""
        self.model_turn = self.started = True
        if self._announced:
            return None
        self._announced = True
        return self.purpose or "speech"

    def turn_over(self) -> None:
        self.model_turn = False
        self.purpose = None
        self._announced = False

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
