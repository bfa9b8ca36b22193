"""What the Live service sends, as the Gemini backend reads it: each server message's content, tool calls, turn
ends, resumption handles, usage and goAway (the receive side of gemini.py, which owns the state it updates).

Server fields co-occur in one message, so each is handled on its own (../shared/facts/live-api.md); a turn that
carries its words both as text and as transcription is shown once; an identical call repeated in one turn has one
effect (3.8 repeats a call on an empty result: field report)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from livepair.aio import Channel
from livepair.backends import gemini_wire as wire
from livepair.backends.backend import (
    AudioOut,
    BackendEvent,
    Interrupted,
    Status,
    Text,
    ToolCall,
    ToolCallCancelled,
    Transcript,
    TurnComplete,
    TurnStarted,
)
from livepair.backends.journal import Journal, Realtime, ToolResponse
from livepair.backends.outbox import Context, Outbox, Request, TurnEnd
from livepair.backends.reconnect import Backoff, time_scale

if TYPE_CHECKING:
    from google.genai import types
    from google.genai.live import AsyncSession

log = logging.getLogger("livepair.backends.gemini")
GO_AWAY_MARGIN_S = 2.0  # reconnect this long before the goAway deadline if no quiet moment came


class Inbound:
    """The receive side of GeminiBackend: the attributes below are the backend's, set in its __init__."""

    _outbox: Outbox
    _journal: Journal
    _backoff: Backoff
    _control: Channel[Any]
    _reconnect: asyncio.Event
    _handle: str | None
    _go_away_pending: bool
    _go_away_deadline: float | None
    _last_frame: float
    _awaiting_since: float | None
    _turn_text: list[str]
    _text_via: type[Text] | type[Transcript] | None
    _unknown_seen: int
    _turn_calls: dict[str, str]
    _results: dict[str, dict[str, Any]]
    _repeats: dict[str, list[str]]
    _carried: dict[str, tuple[str, Request | None]]
    _call_for: dict[str, Request | None]
    _refused_in_a_row: int
    _answered_here: bool
    _restated_here: Context | None
    _turn_heard: bool  # the model said or called something in this turn
    _reprompted: Request | None  # the request a silent turn was answered for with a quiet re-prompt
    _spoken: list[str]  # the user's words the service heard (its transcription) and no reply to them ended yet
    _audio_at: float  # the last mic audio sent
    _speech_answered_at: float  # the last reply to the user's speech ended

    # the backend's own methods this side calls
    _put: Callable[[BackendEvent], Awaitable[None]]
    _wake: Callable[[], None]
    _emit: Callable[[BackendEvent], None]

    async def _recv_loop(self, session: AsyncSession) -> None:
        await wire.receive_all(session, self._dispatch, self._frame, self._unknown_message)

    def _frame(self) -> None:
        self._last_frame = time.monotonic()

    def _unknown_message(self) -> None:
        self._unknown_seen += 1
        if self._unknown_seen == 1:
            log.warning("Gemini sent a message type this version does not know; ignoring such messages")

    def _quiet(self) -> bool:
        """Between turns, with nothing the service may not have yet: the moment to change sockets."""
        return not self._outbox.model_turn and not self._journal.unconsumed and not self._spoken

    def _heard_user(self, words: str) -> None:
        """The service heard the user speak: a reply is due (a silent socket is noticed), and the words are kept
        until a reply to them ends. Words that come after that reply, with no audio since, are late words of an
        utterance already answered (the transcription comes independently of the turn): not kept."""
        if self._speech_answered_at > self._audio_at:
            return
        self._spoken.append(words)
        if not self._outbox.model_turn:
            self._awaiting_since = self._awaiting_since or time.monotonic()

    def _spoken_again(self, replay: list[Any]) -> tuple[list[Request], list[Any]]:
        """After a reconnect: the questions to ask again, and the rest of what the service lost. A spoken question
        the service heard but never answered is asked again in its words (its audio is stale by now, or only its
        tail would be replayed, so it is not sent again: one question, one answer)."""
        requests = [item for item in replay if isinstance(item, Request)]
        rest = [item for item in replay if not isinstance(item, Request)]
        words = "".join(self._spoken).strip()
        self._spoken.clear()
        if words:
            log.info("a spoken question was not answered before the connection ended: asking it again as text")
            requests.append(Request("ask", words))
            rest = [item for item in rest if not (isinstance(item, Realtime) and item.kind == "audio")]
        return requests, rest

    async def _tool_call(self, call_id: str, name: str, args: dict[str, Any]) -> None:
        """A repeat of an identical call in this turn, while the first is pending or after it found nothing (the
        3.8 field report), or made again after a reconnect lost the first (the model asks the question again),
        gets the first one's result: one effect, one approval. A deliberate repeat after a real result in the same
        turn runs again."""
        key = wire.call_key(name, args)
        carried = self._carried.get(key)
        first = carried[0] if carried is not None else self._turn_calls.get(key)
        if first is not None and first not in self._results:
            self._repeats.setdefault(first, []).append(call_id)
        elif first is not None and (carried is not None or self._results[first] == wire.NO_RESULTS):
            log.info("the model repeated a call (%s): answered with the first result", name)
            self._control.put_nowait(ToolResponse(call_id, name, self._results[first]))
        else:
            self._turn_calls[key] = call_id
            self._call_for[call_id] = self._outbox.answering
            await self._put(ToolCall(call_id, name, args))

    async def _turn_ended(self, end: TurnEnd) -> None:
        """A reply ended: settle the journal, tell the session, and let what waited go if the turn is over."""
        text = "".join(self._turn_text).strip()
        self._turn_text.clear()
        self._text_via = None
        heard, self._turn_heard = self._turn_heard, False
        asked = end.request is not None and end.request.purpose in ("ask", "explain")  # the user waits for words
        if end.over and not end.cut and not heard and asked and self._silent_turn(end.request):
            return
        if end.over and end.request is None and not end.cut:
            self._speech_answered_at = time.monotonic()
        if (end.over and end.request is None and not end.cut) or not (end.over or end.filler):
            self._spoken.clear()  # the speech's reply ended, or the user moved on (a newer question cut it)
        if end.over:
            self._turn_calls.clear()
            self._call_for.clear()
            # the answered request's calls from before a reconnect are done with (and speech is never asked again)
            self._carried = {k: c for k, c in self._carried.items() if c[1] not in (None, end.request)}
            kept = {first for first, _ in self._carried.values()}
            self._results = {i: r for i, r in self._results.items() if i in kept}
            self._journal.answered(text, end.request)
            self._awaiting_since = None
            if not end.cut:
                self._backoff.succeeded()  # a turn worked: the link is good again
                self._refused_in_a_row = 0
                self._answered_here = True
                self._restated_here = None  # taken
        elif end.filler:
            self._journal.answered(text, None)  # remembered; the request is still being worked on
        else:
            self._journal.superseded(self._outbox.answering, text)
        await self._put(Interrupted() if end.cut else TurnComplete())
        self._wake()  # what waited for the turn to end may go now

    def _silent_turn(self, request: Request | None) -> bool:
        """A turn that completed with no content at all (field report: python-genai#2117) for something the user
        asked. The first time, the request goes again, quietly (True: the turn is not over for anyone); the second,
        the user is told. A failure report may rightly get silence: it says "reply only if" the user needs it."""
        if request is None:
            return False
        if self._reprompted is not request:
            self._reprompted = request
            log.info("Gemini ended a turn with nothing in it: asking again, once")
            self._awaiting_since = None
            self._journal.forget(request)  # journaled anew when it goes: one entry, so a replay sends it once
            self._outbox.replay([request])  # as it was, first
            self._wake()
            return True
        self._reprompted = None
        message = f"Gemini sent an empty reply twice to {wire.describe(request)}; ask again or rephrase it."
        log.warning("%s", message)
        self._emit(Status("connected", message, resumed=True))  # the link is fine: a line in the status
        return False

    async def _dispatch(self, msg: types.LiveServerMessage) -> None:
        sc = msg.server_content
        if sc is not None:
            if (sc.model_turn and sc.model_turn.parts) or (sc.output_transcription and sc.output_transcription.text):
                self._turn_heard = True
                purpose = self._outbox.model_content()
                if purpose is not None:
                    await self._put(TurnStarted(purpose))
            for event in wire.content_events(sc):
                if isinstance(event, Transcript) and event.role == "user" and event.text.strip():
                    self._heard_user(event.text)
                if isinstance(event, Text) or (isinstance(event, Transcript) and event.role == "model"):
                    if self._text_via not in (None, type(event)):
                        continue  # the same words again, the other way (text and transcription): shown once
                    self._text_via = type(event)
                    self._turn_text.append(event.text)  # the reply's text, for the journal and a cut-off mark
                await self._put(event)
                if isinstance(event, AudioOut):
                    await asyncio.sleep(0)  # hand it to the speaker now, not after the rest of a burst
            if sc.interrupted:
                await self._turn_ended(self._outbox.interrupted(with_complete=bool(sc.turn_complete)))
            elif sc.turn_complete and (end := self._outbox.turn_complete(wire.in_progress(sc))) is not None:
                await self._turn_ended(end)
        if msg.tool_call and msg.tool_call.function_calls:
            self._turn_heard = True
            self._awaiting_since = None  # the model waits for us now
            for call in msg.tool_call.function_calls:
                self._journal.call_arrived(call.id or "")
                await self._tool_call(call.id or "", call.name or "", dict(call.args or {}))
        if msg.tool_call_cancellation and msg.tool_call_cancellation.ids:
            self._journal.calls_cancelled(tuple(msg.tool_call_cancellation.ids))
            await self._put(ToolCallCancelled(tuple(msg.tool_call_cancellation.ids)))
        if msg.session_resumption_update:
            update = msg.session_resumption_update
            if update.resumable and update.new_handle:
                self._handle = update.new_handle
            index = update.last_consumed_client_message_index
            self._journal.handle(bool(update.resumable and update.new_handle), index)
        if msg.usage_metadata:
            await self._put(wire.usage_of(msg.usage_metadata))
        if msg.go_away is not None:
            # The server will close soon: reconnect (with the resumption handle) at the next quiet moment, or just
            # before the deadline if none comes.
            self._go_away_pending = True
            left = wire.seconds_of(msg.go_away.time_left)
            self._go_away_deadline = time.monotonic() + max(0.0, left - GO_AWAY_MARGIN_S * time_scale())
        if self._go_away_pending and self._quiet():
            self._reconnect.set()
