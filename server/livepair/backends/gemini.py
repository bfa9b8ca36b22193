"""Gemini Live backend (google-genai SDK): one long-lived session with an outbound channel, a send task and a
receive task, reconnecting with bounded backoff and session resumption. What goes out when is the outbox's call
(outbox.py: nothing polite interrupts the model's turn); the setup is shaped per model (gemini_setup.py).

The SDK is imported lazily so the daemon answers `initialize` quickly. SDK facts that shape this module
(../shared/facts/live-api.md): every websocket close surfaces as `errors.APIError(code=<close code>)` from
receive(); an unknown server message raises TypeError; receive() returns after each turnComplete.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from livepair.aio import Channel, ChannelClosed, TaskOwner
from livepair.backends.backend import (
    AudioOut,
    BackendClosed,
    BackendEvent,
    Capabilities,
    ExplainRequest,
    Failure,
    Interrupted,
    Status,
    Text,
    ToolCall,
    ToolCallCancelled,
    Transcript,
    TurnComplete,
    TurnStarted,
    Usage,
)
from livepair.backends.gemini_setup import FatalSessionError, audio_out, client, live_config, non_blocking
from livepair.backends.grounding import sources_of
from livepair.backends.live_models import grounding_note, live_model, not_available
from livepair.backends.outbox import Context, Outbox, Request
from livepair.config import Settings

if TYPE_CHECKING:
    from google.genai import types
    from google.genai.live import AsyncSession

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)
AUTH_CODES = {1008}  # policy violation: bad key, unknown model, no permission — retrying cannot help


@dataclass(frozen=True)
class _ToolResponse:
    call_id: str
    name: str
    response: dict[str, Any]


_WAKE = object()  # something the outbox held may go now
_Out = Context | Request | _ToolResponse


def describe_close(code: int | None, detail: str, model: str = "") -> tuple[str, bool]:
    """A user-facing reason for a close code, and whether it is fatal."""
    detail = detail.strip() or "no detail"
    if code in AUTH_CODES and "not found" in detail.lower():
        return not_available(model), True
    if code in AUTH_CODES:
        return f"Gemini refused the session ({code}: {detail}). Check the API key and the model name.", True
    if code == 1007:
        return f"Gemini rejected a message ({code}: {detail}).", False
    if code == 1011:
        return f"Gemini had an internal error ({code}: {detail}).", False
    return f"The Gemini session closed ({code}: {detail}).", False


class GeminiBackend:
    name = "gemini"
    capabilities = Capabilities(local=False)

    def __init__(self, settings: Settings, api_key: str | None, tools: list[dict[str, Any]], system: str) -> None:
        self._settings = settings
        self._api_key = api_key
        self._tool_decls = tools
        self._system = system
        self._model = live_model(settings.model)
        self._events: asyncio.Queue[BackendEvent] = asyncio.Queue(maxsize=256)
        self._control: Channel[_Out | object] = Channel(maxsize=256)  # what goes at once, and wake-ups
        self._outbox = Outbox(self._model.context)
        # Mic audio and its activity markers, in order; ~5 s of 100 ms chunks, older audio is stale.
        self._audio: Channel[bytes | str] = Channel(maxsize=50)
        self._video: Channel[bytes] = Channel(maxsize=1)  # on a slow link only the newest frame is worth sending
        self._tasks = TaskOwner("gemini")
        self._handle: str | None = None
        self._reconnect = asyncio.Event()
        self._closed = False
        self._inflight: _Out | None = None
        self._go_away_pending = False

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
        self._audio.put_nowait(pcm16k)

    def send_activity_start(self) -> None:
        self._audio.put_nowait("activity_start")

    def send_activity_end(self) -> None:
        self._audio.put_nowait("activity_end")

    def send_audio_stream_end(self) -> None:
        self._audio.put_nowait("audio_stream_end")

    def send_video(self, jpeg: bytes) -> None:
        self._video.put_nowait(jpeg)

    def send_tool_response(self, call_id: str, name: str, response: dict[str, Any]) -> None:
        self._control.put_nowait(_ToolResponse(call_id, name, response))

    async def close(self) -> None:
        self._closed = True
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
        from google.genai import errors
        from websockets.exceptions import ConnectionClosed, InvalidStatus

        attempt = 0
        while not self._closed:
            self._emit(Status("connecting" if attempt == 0 and self._handle is None else "reconnecting"))
            try:
                genai = client(self._settings, self._api_key)
                resumed = self._handle is not None
                config = live_config(self._settings, self._model, self._tool_decls, self._system, self._handle)
                async with genai.aio.live.connect(model=self._settings.model, config=config) as session:
                    attempt = 0
                    self._go_away_pending = False
                    self._outbox.new_connection(resumed)
                    note = grounding_note(self._settings.google_search, self._model)
                    self._emit(Status("connected", f"Connected to Gemini Live. {note}".strip(), resumed=resumed))
                    await self._serve(session)
                continue  # a planned reconnect (goAway): go again at once, with the resumption handle
            except FatalSessionError as exc:
                self._emit(Status("error", str(exc), fatal=True))
                return
            except errors.APIError as exc:
                detail = exc.message or (exc.details if isinstance(exc.details, str) else "")
                message, fatal = describe_close(exc.code, detail or "", self._settings.model)
            except ConnectionClosed as exc:
                message, fatal = describe_close(
                    exc.rcvd.code if exc.rcvd else None, exc.rcvd.reason if exc.rcvd else "", self._settings.model
                )
            except InvalidStatus as exc:
                code = exc.response.status_code
                message, fatal = f"Gemini answered HTTP {code} when connecting.", code in (401, 403, 404)
            except TypeError as exc:  # the SDK cannot parse a server message it does not know
                message, fatal = f"Gemini sent a message this version does not understand ({exc}).", False
            except (TimeoutError, OSError) as exc:
                message, fatal = f"Cannot reach Gemini ({type(exc).__name__}: {exc}).", False
            attempt += 1
            if fatal or attempt > MAX_ATTEMPTS:
                suffix = "" if fatal else f" Gave up after {MAX_ATTEMPTS} attempts."
                self._emit(Status("error", message + suffix, fatal=True))
                return
            log.warning("%s Reconnecting (attempt %d).", message, attempt)
            self._emit(Status("reconnecting", message))
            await asyncio.sleep(BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1])

    async def _serve(self, session: AsyncSession) -> None:
        """Run send and receive until one fails (raise) or a planned reconnect is due (return)."""
        self._reconnect.clear()
        tasks = TaskOwner("gemini-session", log_failures=False)  # the first failure is raised below
        recv = tasks.spawn("recv", self._recv_loop(session))
        send = tasks.spawn("send", self._send_loop(session))
        audio = tasks.spawn("audio", self._audio_loop(session))
        video = tasks.spawn("video", self._video_loop(session))
        again = tasks.spawn("reconnect", self._reconnect.wait())
        try:
            done, _ = await asyncio.wait({recv, send, audio, video, again}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await tasks.cancel_all(timeout=1.0)
        for task in done:
            if task is not again and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    async def _send_loop(self, session: AsyncSession) -> None:
        while True:
            out = self._inflight or self._outbox.next_polite()
            if out is None:
                item = await self._control.get()
                if not isinstance(item, Context | Request | _ToolResponse):
                    continue  # a wake-up: what the outbox held may go now
                out = self._outbox.with_context(item) if isinstance(item, Request) else item
            self._inflight = out  # re-sent after a reconnect if the socket dies mid-send
            await self._send(session, out)
            self._inflight = None

    async def _send(self, session: AsyncSession, out: _Out) -> None:
        from google.genai import types

        if isinstance(out, _ToolResponse):
            response = types.FunctionResponse(id=out.call_id, name=out.name, response=out.response)
            if out.name in non_blocking(self._model, self._tool_decls):  # the result waits for a quiet moment
                response.scheduling = types.FunctionResponseScheduling.WHEN_IDLE
            await session.send_tool_response(function_responses=[response])
            return
        turn = types.Content(role="user", parts=[types.Part(text=out.text)])
        if isinstance(out, Context):
            await session.send_client_content(turns=turn, turn_complete=False)
            return
        self._outbox.sent(out)
        if self._outbox.context_path == "realtime_text" and self._outbox.started:
            await session.send_realtime_input(text=out.text)  # this model takes client content only at first
        else:
            await session.send_client_content(turns=turn, turn_complete=True)

    async def _audio_loop(self, session: AsyncSession) -> None:
        from google.genai import types

        with contextlib.suppress(ChannelClosed):
            while True:
                item = await self._audio.get()
                if isinstance(item, bytes):
                    await session.send_realtime_input(audio=types.Blob(data=item, mime_type="audio/pcm;rate=16000"))
                elif item == "activity_start":
                    await session.send_realtime_input(activity_start=types.ActivityStart())
                elif item == "activity_end":
                    await session.send_realtime_input(activity_end=types.ActivityEnd())
                else:
                    await session.send_realtime_input(audio_stream_end=True)

    async def _video_loop(self, session: AsyncSession) -> None:
        from google.genai import types

        with contextlib.suppress(ChannelClosed):
            while True:
                jpeg = await self._video.get()
                await session.send_realtime_input(video=types.Blob(data=jpeg, mime_type="image/jpeg"))

    async def _recv_loop(self, session: AsyncSession) -> None:
        while True:
            async for message in session.receive():
                await self._dispatch(message)

    async def _dispatch(self, msg: types.LiveServerMessage) -> None:
        sc = msg.server_content
        if sc is not None:
            if (sc.model_turn and sc.model_turn.parts) or (sc.output_transcription and sc.output_transcription.text):
                purpose = self._outbox.model_content()
                if purpose is not None:
                    await self._put(TurnStarted(purpose))
            if sc.model_turn and sc.model_turn.parts:
                for part in sc.model_turn.parts:
                    if part.text and not part.thought:
                        await self._put(Text(part.text))
                    blob = part.inline_data
                    if blob and blob.data and (blob.mime_type or "").startswith("audio/pcm"):
                        await self._put(AudioOut(blob.data, _rate(blob.mime_type or "")))
                        await asyncio.sleep(0)  # hand it to the speaker now, not after the rest of a burst
            if sc.input_transcription and sc.input_transcription.text:
                t = sc.input_transcription
                await self._put(Transcript("user", t.text or "", bool(t.finished)))
            if sc.output_transcription and sc.output_transcription.text:
                t = sc.output_transcription
                await self._put(Transcript("model", t.text or "", bool(t.finished)))
            if sc.grounding_metadata is not None and (found := sources_of(sc.grounding_metadata)) is not None:
                await self._put(found)  # a grounded answer's sources (Google Search)
            if sc.interrupted:
                await self._put(Interrupted())
            if sc.turn_complete or sc.interrupted:
                self._outbox.turn_over()
                self._wake()  # what waited for the turn to end may go now
            if sc.turn_complete:
                await self._put(TurnComplete())
                if self._go_away_pending:
                    self._reconnect.set()
        if msg.tool_call and msg.tool_call.function_calls:
            for call in msg.tool_call.function_calls:
                await self._put(ToolCall(call.id or "", call.name or "", dict(call.args or {})))
        if msg.tool_call_cancellation and msg.tool_call_cancellation.ids:
            await self._put(ToolCallCancelled(tuple(msg.tool_call_cancellation.ids)))
        if msg.session_resumption_update:
            update = msg.session_resumption_update
            if update.resumable and update.new_handle:
                self._handle = update.new_handle
        if msg.usage_metadata:
            await self._put(usage_of(msg.usage_metadata))
        if msg.go_away is not None:
            # The server will close soon: reconnect (with the resumption handle) at the next quiet moment.
            self._go_away_pending = True
            if not self._outbox.model_turn:
                self._reconnect.set()


def usage_of(u: types.UsageMetadata) -> Usage:
    """One turn's usage, per modality (the service reports it per turn: the session sums it)."""

    def by_modality(details: list[types.ModalityTokenCount] | None) -> tuple[tuple[str, int], ...]:
        return tuple((str(d.modality.value if d.modality else "?"), d.token_count or 0) for d in details or [])

    return Usage(
        u.prompt_token_count or 0,
        u.response_token_count or 0,
        u.total_token_count or 0,
        by_modality(u.prompt_tokens_details),
        by_modality(u.response_tokens_details),
    )


def _rate(mime: str) -> int:
    for piece in mime.split(";"):
        key, _, value = piece.strip().partition("=")
        if key == "rate" and value.isdigit():
            return int(value)
    return 24_000
