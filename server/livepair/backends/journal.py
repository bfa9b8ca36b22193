"""Every message sent to the Live service, numbered, until the service has it for good.

The service's resumption handle stands for its state at one moment; a message sent after that moment is not in
it, so after a reconnect it is sent again, in order (API reference: "buffering messages sent since last
SessionResumptionTokenUpdate"). With `transparent` resumption (Vertex AI) the update says exactly which message it
includes (`lastConsumedClientMessageIndex`: the zero-based index of the client's messages on that connection,
setup not counted); without it, the moment the update arrived is the mark. What is replayed:
- questions whose answer had not ended, whatever the mark: the service is "not resumable while generating", so no
  handle holds a question still being answered (and the mark cannot tell a question sent just before it);
- context sent after the mark; tool responses only if their call is in the resumed state (the service is not
  resumable while calls are open, so a call that arrived after the mark is gone);
- speech younger than `SPEECH_REPLAY_S` (older speech is stale: the user has moved on) and the newest frame if
  younger than `FRAME_REPLAY_S`.
A question answered after the mark is not asked again (that would answer it twice): the exchange is restated
as context instead. A fresh session (no handle, or a refused one) resumes nothing: it gets the questions still
unanswered, after a restatement of the recent conversation and the newest editor context (`reseed`), bounded by
`MAX_RESTATEMENT_CHARS` and never containing an earlier restatement (it is not journaled as context).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from livepair.backends.outbox import Context, Request

SPEECH_REPLAY_S = 3.0
FRAME_REPLAY_S = 2.0
MAX_ENTRIES = 4096  # ~6 min of 100 ms audio chunks without a single resumption update: older ones go
MAX_CONTEXT_CHARS = 64 * 1024  # editor context kept for a restatement
MAX_RESTATEMENT_CHARS = 15 * 1024  # a fresh session's restatement (UTF-8 may grow it a little: stays < 16 KB)
MAX_CONVERSATION_CHARS = 6 * 1024  # of the restatement, the recent conversation; the rest is editor context
MAX_LINE_CHARS = 1200  # one turn of the conversation, as restated
RESTATEMENT_HEAD = "(The connection to you was reset; this restates where we were.)"
REPLAY_HEAD = "(Restated after a reconnect: what was said since your last saved state.)"


@dataclass(frozen=True)
class ToolResponse:
    call_id: str
    name: str
    response: dict[str, Any]


@dataclass(frozen=True)
class Realtime:
    """Mic audio, an activity marker or a screen frame."""

    kind: Literal["audio", "video", "activity_start", "activity_end", "audio_stream_end"]
    data: bytes = b""


Item = Context | Request | ToolResponse | Realtime


@dataclass
class Entry:
    seq: int
    item: Item
    at: float  # monotonic time it was handed to the socket
    tick: int  # order among sends and arrivals
    index: int  # its index on the connection it went out on
    answer: str | None = None  # a question's answer, once its turn ended
    # Answered, and no resumption handle has come since: a handle that arrived while the question was in flight
    # may predate it (the service issues handles on its own schedule), so only one issued after the answer, which
    # the service sends once the turn completes, proves the exchange is in its state.
    unconfirmed: bool = False


class Journal:
    def __init__(self) -> None:
        self._entries: deque[Entry] = deque()
        self._seq = 0
        self._tick = 0
        self._index = 0  # next index on the current connection
        self._by_index: dict[int, int] = {}  # index on this connection -> seq
        self._mark_tick = 0  # the resumption handle's moment
        self._calls: dict[str, int] = {}  # open call id -> tick it arrived
        self._unanswered: deque[Request] = deque()  # sent, its answer not complete
        self._conversation: deque[str] = deque()
        self._conversation_chars = 0
        self._context: deque[str] = deque()
        self._context_chars = 0
        self._context_overflow = False
        self.resumable = False
        self._restatement_chars = MAX_RESTATEMENT_CHARS

    def shrink_restatement(self, refused_chars: int, to_nothing: bool = False) -> None:
        """The service refused a restatement of `refused_chars`: the next one is at most half that (or none)."""
        self._restatement_chars = 0 if to_nothing else min(self._restatement_chars, refused_chars) // 2

    # -- outbound --------------------------------------------------------------------------------------------
    def sent(self, item: Item, now: float) -> Entry:
        self._seq += 1
        self._tick += 1
        entry = Entry(self._seq, item, now, self._tick, self._index)
        self._by_index[self._index] = self._seq
        self._index += 1
        self._entries.append(entry)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popleft()
        if isinstance(item, Request) and not any(r is item for r in self._unanswered):
            self._unanswered.append(item)
            self._remember(f"User: {item.text}")
            if item.context:
                self._keep_context(item.context)
        elif isinstance(item, Context) and not item.restated:
            self._keep_context(item.text)
        elif isinstance(item, ToolResponse):
            self._calls.pop(item.call_id, None)
        return entry

    def _keep_context(self, text: str) -> None:
        self._context.append(text)
        self._context_chars += len(text)
        while self._context_chars > MAX_CONTEXT_CHARS and self._context:
            self._context_chars -= len(self._context.popleft())
            self._context_overflow = True

    @property
    def last_seq(self) -> int:
        return self._seq

    # -- inbound ---------------------------------------------------------------------------------------------
    def call_arrived(self, call_id: str) -> None:
        self._tick += 1
        self._calls[call_id] = self._tick

    def forget(self, item: object) -> None:
        """A message the service refused for good: never re-sent, and no answer is owed for it."""
        self._unanswered = deque(r for r in self._unanswered if r is not item)
        self._entries = deque(e for e in self._entries if e.item is not item)

    def open_calls(self) -> tuple[str, ...]:
        return tuple(self._calls)

    def calls_cancelled(self, ids: tuple[str, ...]) -> None:
        for call_id in ids:
            self._calls.pop(call_id, None)

    def answered(self, text: str, request: Request | None) -> None:
        """A model reply ended: it answered `request` and every question sent before it (the service folds
        questions that arrive together into one turn); None: the user's speech. `text` is what it said."""
        if request is not None and any(r is request for r in self._unanswered):
            self._settle(lambda r: r is request, text, inclusive=True)
        if text:
            self._remember(f"You: {text}")

    def superseded(self, newer: Request | None, text: str) -> None:
        """A newer request cut a reply off: the questions before it are settled (the user moved on)."""
        if newer is not None and any(r is newer for r in self._unanswered):
            self._settle(lambda r: r is newer, text, inclusive=False)
        if text:
            self._remember(f"You: {text}")

    def _settle(self, until: Callable[[Request], bool], text: str, inclusive: bool) -> None:
        while self._unanswered:
            if until(self._unanswered[0]) and not inclusive:
                return
            request = self._unanswered.popleft()
            for entry in self._entries:
                if entry.item is request:
                    entry.answer, entry.unconfirmed = text, True
            if until(request):
                return

    def handle(self, resumable: bool, consumed_index: int | None) -> None:
        """A resumption update: everything up to its mark is in the service's state."""
        self.resumable = resumable
        if not resumable:
            return
        self._tick += 1
        for entry in self._entries:
            entry.unconfirmed = False  # issued after the answer ended: the exchange is in this state
        if consumed_index is not None and consumed_index in self._by_index:
            seq = self._by_index[consumed_index]
            self._mark_tick = next((e.tick for e in self._entries if e.seq == seq), self._mark_tick)
        else:
            self._mark_tick = self._tick
        self._entries = deque(e for e in self._entries if e.tick > self._mark_tick or self._open_request(e))

    def _open_request(self, entry: Entry) -> bool:
        """A question whose answer has not ended: never in a resumable state, whatever the mark says."""
        return isinstance(entry.item, Request) and any(r is entry.item for r in self._unanswered)

    @property
    def unconsumed(self) -> bool:
        """A question, context or tool response the service may not have for good yet."""
        return bool(self._unanswered) or any(
            not isinstance(e.item, Realtime) for e in self._entries if e.tick > self._mark_tick or e.unconfirmed
        )

    # -- after a reconnect -----------------------------------------------------------------------------------
    def new_connection(self) -> None:
        self._index = 0
        self._by_index.clear()

    def stale_calls(self) -> tuple[str, ...]:
        """Open calls the resumed state does not hold (they arrived after the mark): cancelled locally."""
        stale = tuple(c for c, tick in self._calls.items() if tick > self._mark_tick)
        self.calls_cancelled(stale)
        return stale

    def replay(self, now: float) -> list[Item]:
        """What a resumed session must be sent again, oldest first (and forgets it: it is sent anew)."""
        items: list[Item] = []
        newest_frame: Entry | None = None
        exchanges: list[str] = []  # questions answered after the mark: restated, never asked again
        for entry in self._entries:
            if entry.tick <= self._mark_tick and not self._open_request(entry) and not entry.unconfirmed:
                continue
            item = entry.item
            if isinstance(item, Request) and not self._open_request(entry):
                exchanges.append(_line(f"User: {item.text}"))
                if entry.answer:
                    exchanges.append(_line(f"You: {entry.answer}"))
                continue
            if isinstance(item, Realtime):
                if item.kind == "video":
                    newest_frame = entry
                elif now - entry.at <= SPEECH_REPLAY_S:
                    items.append(item)
            elif isinstance(item, ToolResponse):
                continue  # its call arrived after the mark too (see stale_calls)
            else:
                items.append(item)
        if newest_frame is not None and now - newest_frame.at <= FRAME_REPLAY_S:
            items.append(newest_frame.item)
        if exchanges:
            items.insert(0, Context(f"{REPLAY_HEAD}\n" + "\n".join(exchanges), restated=True))
        # A question before the mark is in the resumed state: answered there or cut off, never asked twice.
        self._unanswered = deque(i for i in items if isinstance(i, Request))
        self._forget()
        return items

    def reconnected(self, resumed: bool, reseed: bool, now: float) -> tuple[tuple[str, ...], list[Item], bool]:
        """A new connection is up: the calls to cancel locally, what to send first, and whether the model's state
        is whole (resumed, or restated whole) so the session need not send its whole digest again."""
        if resumed:
            return self.stale_calls(), self.replay(now), True
        if reseed:
            calls = self.open_calls()  # the fresh model never made them
            context, questions, whole = self.reseed()
            return calls, [*([context] if context else []), *questions], whole
        return (), [], False

    def reseed(self) -> tuple[Context | None, list[Request], bool]:
        """For a fresh session: the conversation and context to restate (bounded; the newest first to stay), the
        unanswered questions, and whether the restated context is whole (False: the session must send its whole
        digest again). The editor context is kept: the next restatement restates it again, never this one."""
        parts = []
        conversation = _newest(self._conversation, min(MAX_CONVERSATION_CHARS, self._restatement_chars), "\n")
        if conversation:
            parts.append("Recent conversation:\n" + conversation)
        room = self._restatement_chars - len(RESTATEMENT_HEAD) - sum(len(p) + 2 for p in parts) - 64
        editor = _newest(self._context, room, "\n\n")
        whole = not self._context_overflow and len(editor) == len("\n\n".join(self._context))
        if editor:
            parts.append("What you knew of the editor:\n" + editor)
        context = Context(f"{RESTATEMENT_HEAD}\n\n" + "\n\n".join(parts), restated=True) if parts else None
        questions = list(self._unanswered)
        self._unanswered.clear()
        self._calls.clear()
        self._forget()
        return context, questions, whole

    def _forget(self) -> None:
        self._entries.clear()
        self._mark_tick = self._tick

    def _remember(self, line: str) -> None:
        line = _line(line)
        self._conversation.append(line)
        self._conversation_chars += len(line)
        while self._conversation_chars > MAX_CONVERSATION_CHARS and len(self._conversation) > 1:
            self._conversation_chars -= len(self._conversation.popleft())


def _line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"


def _newest(pieces: deque[str], budget: int, sep: str) -> str:
    """The newest pieces that fit in `budget` characters, oldest first."""
    kept: list[str] = []
    used = 0
    for piece in reversed(pieces):
        if used + len(piece) + len(sep) > budget:
            break
        kept.append(piece)
        used += len(piece) + len(sep)
    return sep.join(reversed(kept))
