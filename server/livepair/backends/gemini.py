"""Gemini Live backend (google-genai SDK): one long-lived session with an outbound channel, a send task and a
receive task. What goes out when is the outbox's call (outbox.py: nothing polite interrupts the model's turn); the
setup is shaped per model (gemini_setup.py); every failure goes through one policy (reconnect.py); every message
sent is journaled until the service has it for good, and re-sent after a reconnect if not (journal.py).

The SDK is imported lazily so the daemon answers `initialize` quickly. SDK facts that shape this module
(../shared/facts/live-api.md): every websocket close surfaces as `errors.APIError(code=<close code>)` from
receive(); an unknown server message raises TypeError once its frame is read (so the next receive() goes on);
receive() returns after each turnComplete; leaving `connect()` on an exception closes the socket with 1011, so a
clean stop closes it first, with 1000.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from livepair.aio import Channel, ChannelClosed, TaskOwner
from livepair.backends import gemini_wire as wire
from livepair.backends.backend import (
    BackendClosed,
    BackendEvent,
    Capabilities,
    ExplainRequest,
    Failure,
    Interrupted,
    Status,
    Text,
    ToolCallCancelled,
    Transcript,
)
from livepair.backends.gemini_inbound import Inbound
from livepair.backends.gemini_refusals import SETUP, Refusing
from livepair.backends.gemini_setup import FatalSessionError, audio_out, client, live_config, non_blocking
from livepair.backends.journal import SPEECH_REPLAY_S, Item, Journal, Realtime, ToolResponse
from livepair.backends.live_models import grounding_note, live_model
from livepair.backends.outbox import Context, Outbox, Request
from livepair.backends.reconnect import (
    Backoff,
    NoSetupComplete,
    Refusals,
    Stalled,
    Verdict,
    classify,
    stall_bound,
    time_scale,
)
from livepair.config import Settings

if TYPE_CHECKING:
    from google.genai.live import AsyncSession

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 20.0  # connect + TLS + setupComplete
STALL_S = 20.0  # no frame at all for this long while an answer is due: the socket is dead
CLOSE_TIMEOUT_S = 2.0
REFUSED_IN_A_ROW = 3  # connections set up that fail before any reply ends: the service refuses; stop and say so
QUICK_FAILURE_S = 10.0  # an idle connection that fails sooner than this counts too (a flapping service)

_WAKE = object()  # something the outbox held may go now
_DITHER = b"\x01\x00\xff\xff"  # +1, -1 (16-bit little-endian): inaudible, and not exact-zero
_Out = Context | Request | ToolResponse


class GeminiBackend(Inbound, Refusing):
    name = "gemini"
    capabilities = Capabilities(local=False, trails_speech=True)

    def __init__(self, settings: Settings, api_key: str | None, tools: list[dict[str, Any]], system: str) -> None:
        self._settings = settings
        self._api_key = api_key
        self._tool_decls = tools
        self._system = system
        self._model = live_model(settings.model)
        self._events: asyncio.Queue[BackendEvent] = asyncio.Queue(maxsize=256)
        self._control: Channel[_Out | object] = Channel(maxsize=256)  # what goes at once, and wake-ups
        self._outbox = Outbox(self._model.context)
        # Mic audio and its activity markers, in order, with the time they were heard; ~5 s of 100 ms chunks.
        self._audio: Channel[tuple[float, Realtime]] = Channel(maxsize=50)
        self._video: Channel[tuple[float, bytes]] = Channel(maxsize=1)  # only the newest frame is worth sending
        self._tasks = TaskOwner("gemini")
        self._handle: str | None = None
        self._reconnect = asyncio.Event()
        self._closed = False
        self._session: AsyncSession | None = None
        self._journal = Journal()
        self._backoff = Backoff()
        self._refusals = Refusals()
        self._last_sent: Item | object | None = None  # the newest question, context or tool response sent
        self._go_away_pending = False
        self._go_away_deadline: float | None = None
        self._last_frame = 0.0
        self._awaiting_since: float | None = None  # a request or tool response went; no frame answered it yet
        self._turn_text: list[str] = []
        self._text_via: type[Text] | type[Transcript] | None = None  # how this reply's words come: shown one way
        self._unknown_seen = 0
        self._notice = ""  # told to the user when the next connection is up
        self._dropped: set[int] = set()  # ids of items refused twice
        self._replay: list[Item] = []  # what the service lost, sent first on the next connection
        # An identical call repeated in one turn has one effect (and one approval prompt): its first id, the
        # results sent, and the repeats waiting for a result.
        self._turn_calls: dict[str, str] = {}
        self._results: dict[str, dict[str, Any]] = {}
        self._repeats: dict[str, list[str]] = {}
        # Calls a reconnect took from the model (it never gets their results), and the calls made for a question
        # before a reconnect, kept until that question is answered: the model, asked it again, calls again, and
        # that call has the first one's effect (and approval).
        self._stale: set[str] = set()
        self._carried: dict[str, tuple[str, Request | None]] = {}  # call key -> (first id, the request it served)
        self._call_for: dict[str, Request | None] = {}  # call id -> the request being answered when it came
        self._refused_in_a_row = 0  # connections set up that failed before a reply ended
        self._connected_at = 0.0
        self._answered_here = False  # a reply ended on this connection
        self._turn_heard = False
        self._reprompted: Request | None = None
        self._spoken: list[str] = []
        self._audio_at = self._speech_answered_at = 0.0

    # -- Backend interface ------------------------------------------------------------------------
    async def start(self) -> None:
        self._tasks.spawn("main", self._main())

    async def next_event(self) -> BackendEvent:
        if self._closed and self._events.empty():
            raise BackendClosed
        return await self._events.get()

    @property
    def speaks_text(self) -> bool:
        """False when the model answers in audio (with a transcription) whatever the user chose."""
        return not audio_out(self._settings, self._model)

    def send_context(self, text: str) -> None:
        self._outbox.add_context(text)
        self._wake()

    def notice_failure(self, failure: Failure) -> None:
        self._outbox.add_request(Request("failure", failure.prompt))
        self._wake()

    def send_text(self, text: str) -> None:
        self._control.put_nowait(Request("ask", text))  # the user asked: it goes now, even over a reply

    def explain(self, request: ExplainRequest) -> None:
        self._outbox.add_request(Request("explain", request.prompt))  # a hover waits for the turn to end
        self._wake()

    def _wake(self) -> None:
        if not self._outbox.model_turn:
            self._control.put_nowait(_WAKE)

    def send_audio(self, pcm16k: bytes) -> None:
        if pcm16k and not pcm16k.strip(b"\x00"):  # digital silence is no audio to some models' VAD (3.8): dither
            pcm16k = (_DITHER * (len(pcm16k) // len(_DITHER) + 1))[: len(pcm16k)]
        self._audio.put_nowait((time.monotonic(), Realtime("audio", pcm16k)))

    def send_activity_start(self) -> None:
        self._audio.put_nowait((time.monotonic(), Realtime("activity_start")))

    def send_activity_end(self) -> None:
        self._audio.put_nowait((time.monotonic(), Realtime("activity_end")))

    def send_audio_stream_end(self) -> None:
        self._audio.put_nowait((time.monotonic(), Realtime("audio_stream_end")))

    def send_video(self, jpeg: bytes) -> None:
        self._video.put_nowait((time.monotonic(), jpeg))

    def send_tool_response(self, call_id: str, name: str, response: dict[str, Any]) -> None:
        # Never empty: 3.8 calls again, 2-5 times, on an empty result (field report, live-api.md).
        response = response if wire.informative(response) else dict(wire.NO_RESULTS)
        self._results[call_id] = response
        self._control.put_nowait(ToolResponse(call_id, name, response))
        for again in self._repeats.pop(call_id, []):  # the same call repeated in this turn: the same answer
            self._control.put_nowait(ToolResponse(again, name, response))

    def retry_now(self) -> None:
        """The user asked to reconnect now instead of waiting for the next attempt."""
        self._backoff.retry_now()

    async def close(self) -> None:
        self._closed = True
        session, self._session = self._session, None
        if session is not None:  # a clean stop says so (1000); leaving connect() on a cancel would say 1011
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_TIMEOUT_S):
                    await session.close()
        self._control.close()
        self._audio.close()
        self._video.close()
        await self._tasks.cancel_all()
        self._emit(Status("closed", "Session ended."))

    # -- connection lifecycle -----------------------------------------------------------------------
    def _emit(self, event: BackendEvent) -> None:
        try:
            self._events.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("event queue full; dropping %s", type(event).__name__)

    async def _put(self, event: BackendEvent) -> None:
        await self._events.put(event)  # backpressure onto the socket rather than an unbounded buffer

    async def _main(self) -> None:
        fresh = True  # the model has heard nothing yet (first session, or after a refused handle)
        first = True
        while not self._closed:
            resuming = self._handle is not None
            set_up = False
            self._emit(Status("connecting", "") if first else Status("reconnecting", self._notice_or("Reconnecting…")))
            try:
                genai = client(self._settings, self._api_key)
                config = live_config(self._settings, self._model, self._tool_decls, self._system, self._handle)
                self._last_sent = SETUP
                async with contextlib.AsyncExitStack() as stack:
                    async with asyncio.timeout(CONNECT_TIMEOUT_S * time_scale()):
                        session = await stack.enter_async_context(
                            genai.aio.live.connect(model=self._settings.model, config=config)
                        )
                    if session.setup_complete is None:
                        raise NoSetupComplete
                    set_up = True
                    self._last_sent = None  # a 1007 from now on is charged to what this connection sends
                    self._session = session
                    await self._connected(resumed=resuming, reseed=not resuming and not first and not fresh)
                    first = fresh = False
                    await self._serve(session)
                    self._session = None
                self._cut_off()  # a goAway deadline may come mid-reply
                continue  # a planned reconnect (goAway): go again at once, with the resumption handle
            except FatalSessionError as exc:
                self._emit(Status("error", str(exc), fatal=True))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # every failure goes through the one policy
                self._session = None
                if self._closed:
                    return  # our own clean stop closed the socket under the receive loop
                verdict = classify(exc, model=self._settings.model, resuming=resuming, set_up=set_up)
            owed = self._journal.unconsumed or self._outbox.model_turn
            self._cut_off()
            if self._handle_verdict(verdict, set_up):
                return
            first = False
            quick = time.monotonic() - self._connected_at < QUICK_FAILURE_S * time_scale()
            if set_up and not self._answered_here and (owed or quick):
                self._refused_in_a_row += 1
                if self._refused_in_a_row >= REFUSED_IN_A_ROW:
                    await self._stop_refused(verdict)
                    continue
            delay = 0.0 if verdict.kind == "fresh" else self._backoff.next_delay()
            wait = f" Reconnecting — next try in {wire.duration_text(delay)} s." if delay > 0 else " Reconnecting now."
            log.warning("%s%s (attempt %d)", verdict.message, wait, self._backoff.attempt)
            self._emit(Status("reconnecting", self._notice_or(verdict.message) + wait))
            await self._backoff.wait(delay)

    async def _stop_refused(self, verdict: Verdict) -> None:
        """The service keeps refusing: stop trying, say why in one line, keep what the user asked, and wait for
        Retry (livepair.retryNow)."""
        message = (
            f"Gemini failed {self._refused_in_a_row} connections in a row before answering ({verdict.message}); "
            "stopped retrying. What you asked is kept: choose Retry to try again."
        )
        log.warning("%s", message)
        # "reconnecting", not "error": the session stays up (questions are kept, livepair.retryNow works)
        self._emit(Status("reconnecting", message))
        self._refused_in_a_row = 0
        await self._backoff.wait(None)

    def _notice_or(self, message: str) -> str:
        return f"{self._notice} {message}".strip() if self._notice else message

    async def _connected(self, resumed: bool, reseed: bool) -> None:
        """A new socket is set up: tell the session, and queue what the service does not have yet."""
        self._go_away_pending = False
        self._go_away_deadline = None
        self._awaiting_since = None
        self._last_frame = self._connected_at = time.monotonic()
        self._answered_here = False
        self._restated_here = None  # this connection's restatement, until a reply ends
        self._turn_heard = False
        self._journal.new_connection()
        self._outbox.new_connection(resumed)
        notice, self._notice = self._notice, ""
        message = notice or ("Reconnected to Gemini Live." if resumed or reseed else "Connected to Gemini Live.")
        message = f"{message} {grounding_note(self._settings.google_search, self._model)}".strip()
        cancelled, replay, whole = self._journal.reconnected(resumed, reseed, time.monotonic())
        self._stale.update(cancelled)
        for key, first in self._turn_calls.items():
            self._carried.setdefault(key, (first, self._call_for.get(first)))
        self._turn_calls.clear()
        carried = {first for first, _ in self._carried.values()}
        # A call still waiting for the user (an approval) stays up: the model's repeat of it gets its result.
        if gone := tuple(c for c in cancelled if c not in carried or c in self._results):
            await self._put(ToolCallCancelled(gone))
        requests, self._replay = self._spoken_again([item for item in replay if id(item) not in self._dropped])
        self._outbox.replay(requests)  # one per turn, first
        self._emit(Status("connected", message, resumed=whole))

    def _cut_off(self) -> None:
        """The connection died: a reply in progress is cut off, and said to be."""
        if self._outbox.model_turn and self._turn_text:
            self._emit(Interrupted(cut_off=True))
        self._turn_text.clear()
        self._text_via = None
        self._outbox.turn_over()

    async def _serve(self, session: AsyncSession) -> None:
        """Run send and receive until one fails (raise) or a planned reconnect is due (return)."""
        self._reconnect.clear()
        for item in self._replay:  # first what the service lost, in order
            await self._send(session, item)
        self._replay = []
        tasks = TaskOwner("gemini-session", log_failures=False)  # the first failure is raised below
        loops = {
            tasks.spawn("recv", self._recv_loop(session)),
            tasks.spawn("send", self._send_loop(session)),
            tasks.spawn("audio", self._audio_loop(session)),
            tasks.spawn("video", self._video_loop(session)),
            tasks.spawn("watchdog", self._watchdog()),
        }
        again = tasks.spawn("reconnect", self._reconnect.wait())
        try:
            done, _ = await asyncio.wait({*loops, again}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await tasks.cancel_all(timeout=1.0)
        for task in done:
            if task is not again and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        with contextlib.suppress(Exception):  # planned: close first (1000), then connect again
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await session.close()

    async def _watchdog(self) -> None:
        """An open socket that says nothing while an answer is due is dead; so is a goAway deadline."""
        stall = stall_bound(STALL_S)
        while True:
            await asyncio.sleep(min(1.0, stall / 4))
            now = time.monotonic()
            due = self._awaiting_since is not None or (self._outbox.model_turn and not self._journal.open_calls())
            if due and now - max(self._awaiting_since or 0.0, self._last_frame) > stall:
                raise Stalled
            if self._go_away_deadline is not None and now >= self._go_away_deadline:
                log.info("goAway deadline near and no quiet moment came: reconnecting now")
                self._reconnect.set()

    async def _send_loop(self, session: AsyncSession) -> None:
        while True:
            out = self._outbox.next_polite()
            if out is None:
                item = await self._control.get()
                if not isinstance(item, Context | Request | ToolResponse):
                    continue  # a wake-up: what the outbox held may go now
                if isinstance(item, ToolResponse) and item.call_id in self._stale:
                    continue  # its call is not in this model's state (its repeat gets the result)
                out = self._outbox.with_context(item) if isinstance(item, Request) else item
            await self._send(session, out)

    async def _send(self, session: AsyncSession, out: Item) -> None:
        """Journal, then send: a message the socket dies on is re-sent on the next connection."""
        now = time.monotonic()
        self._journal.sent(out, now)
        if isinstance(out, Realtime):
            await wire.send_realtime(session, out)
            return
        self._last_sent = out
        if isinstance(out, Context) and out.restated:
            self._restated_here = out
        if isinstance(out, Request):
            self._outbox.sent(out)
        if not isinstance(out, Context):
            self._awaiting_since = self._awaiting_since or now
        await wire.send_message(
            session,
            out,
            # a result the model may take at a quiet moment; a question as realtime text where the model takes
            # client content only at first
            when_idle=isinstance(out, ToolResponse) and out.name in non_blocking(self._model, self._tool_decls),
            as_realtime_text=self._outbox.context_path == "realtime_text" and self._outbox.started,
        )

    async def _audio_loop(self, session: AsyncSession) -> None:
        with contextlib.suppress(ChannelClosed):
            while True:
                heard, item = await self._audio.get()
                if time.monotonic() - heard > SPEECH_REPLAY_S:
                    continue  # held through a reconnect for too long: the user has moved on
                self._audio_at = time.monotonic() if item.kind == "audio" else self._audio_at
                await self._send(session, item)

    async def _video_loop(self, session: AsyncSession) -> None:
        with contextlib.suppress(ChannelClosed):
            while True:
                _taken, jpeg = await self._video.get()
                await self._send(session, Realtime("video", jpeg))
