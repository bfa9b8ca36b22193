"""Gemini Live backend (google-genai SDK): one long-lived session with an outbound channel, a send task and a
receive task, reconnecting with bounded backoff and session resumption.

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
from urllib.parse import urlparse

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
    Usage,
)
from livepair.config import TURN_TAKING, Settings

if TYPE_CHECKING:
    from google.genai import types
    from google.genai.live import AsyncSession

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)
AUTH_CODES = {1008}  # policy violation: bad key, unknown model, no permission — retrying cannot help


@dataclass(frozen=True)
class _Out:
    kind: str  # "context" | "text" | "tool"
    payload: Any


class FatalSessionError(Exception):
    """The service refused the session in a way a retry cannot fix."""


def describe_close(code: int | None, detail: str) -> tuple[str, bool]:
    """A user-facing reason for a close code, and whether it is fatal."""
    detail = detail.strip() or "no detail"
    if code in AUTH_CODES:
        return f"Gemini refused the session ({code}: {detail}). Check the API key and the model name.", True
    if code == 1007:
        return f"Gemini rejected a message ({code}: {detail}).", False
    if code == 1011:
        return f"Gemini had an internal error ({code}: {detail}).", False
    return f"The Gemini session closed ({code}: {detail}).", False


class GeminiBackend:
    name = "gemini"
    capabilities = Capabilities(local=False, invites_remarks=True)

    def __init__(self, settings: Settings, api_key: str | None, tools: list[dict[str, Any]], system: str) -> None:
        self._settings = settings
        self._api_key = api_key
        self._tool_decls = tools
        self._system = system
        self._events: asyncio.Queue[BackendEvent] = asyncio.Queue(maxsize=256)
        self._control: Channel[_Out] = Channel(maxsize=256)
        # Mic audio and its activity markers, in order; ~5 s of 100 ms chunks, older audio is stale.
        self._audio: Channel[bytes | str] = Channel(maxsize=50)
        self._video: Channel[bytes] = Channel(maxsize=1)  # on a slow link only the newest frame is worth sending
        self._tasks = TaskOwner("gemini")
        self._handle: str | None = None
        self._in_turn = False
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

    def send_context(self, text: str) -> None:
        self._control.put_nowait(_Out("context", text))

    def notice_failure(self, failure: Failure) -> None:
        return None  # the context digest carries the run to the model

    def send_text(self, text: str) -> None:
        self._control.put_nowait(_Out("text", text))

    def explain(self, request: ExplainRequest) -> None:
        self.send_text(request.prompt)

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
        self._control.put_nowait(_Out("tool", (call_id, name, response)))

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

    def _client(self) -> Any:
        from google import genai
        from google.genai import types

        s = self._settings
        if s.vertex:
            return genai.Client(
                vertexai=True,
                project=s.vertex_project or None,
                location=s.vertex_location,
                http_options=types.HttpOptions(api_version=s.api_version),
            )
        if not self._api_key:
            raise FatalSessionError("No Gemini API key: set it with 'LivePair: Set API Key' or GEMINI_API_KEY.")
        # The service may take longer than websockets' default 20 s to answer pings: keepalive off.
        ws_args: dict[str, Any] = {"ping_interval": None, "max_size": None}
        if s.base_url and urlparse(s.base_url).hostname in ("127.0.0.1", "localhost", "::1"):
            ws_args["proxy"] = None  # HTTPS_PROXY would otherwise apply to loopback too
        http = types.HttpOptions(api_version=s.api_version, base_url=s.base_url or None, async_client_args=ws_args)
        return genai.Client(api_key=self._api_key, http_options=http)

    def _config(self) -> types.LiveConnectConfig:
        from google.genai import types

        s = self._settings
        audio = s.response_modality == "audio"
        return types.LiveConnectConfig(
            response_modalities=[types.Modality.AUDIO if audio else types.Modality.TEXT],
            system_instruction=self._system,
            tools=[
                types.Tool(
                    function_declarations=[types.FunctionDeclaration.model_validate(d) for d in self._tool_decls]
                )
            ],
            speech_config=types.SpeechConfig(
                voice_config=types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=s.voice))
            )
            if audio
            else None,
            output_audio_transcription=types.AudioTranscriptionConfig() if audio else None,
            input_audio_transcription=types.AudioTranscriptionConfig(),
            session_resumption=types.SessionResumptionConfig(handle=self._handle),
            media_resolution=types.MediaResolution.MEDIA_RESOLUTION_LOW
            if s.media_resolution == "low"
            else types.MediaResolution.MEDIA_RESOLUTION_MEDIUM,
            context_window_compression=types.ContextWindowCompressionConfig(
                trigger_tokens=100_000, sliding_window=types.SlidingWindow(target_tokens=60_000)
            ),
            realtime_input_config=realtime_input_config(s),
            # Documented for v1alpha only; v1beta may reject the field.
            proactivity=types.ProactivityConfig(proactive_audio=True)
            if audio and s.api_version == "v1alpha" and TURN_TAKING[s.proactivity].proactive_audio
            else None,
        )

    async def _main(self) -> None:
        from google.genai import errors
        from websockets.exceptions import ConnectionClosed, InvalidStatus

        attempt = 0
        while not self._closed:
            self._emit(Status("connecting" if attempt == 0 and self._handle is None else "reconnecting"))
            try:
                client = self._client()
                resumed = self._handle is not None
                async with client.aio.live.connect(model=self._settings.model, config=self._config()) as session:
                    attempt = 0
                    self._in_turn = self._go_away_pending = False
                    self._emit(Status("connected", "Connected to Gemini Live.", resumed=resumed))
                    await self._serve(session)
                continue  # a planned reconnect (goAway): go again at once, with the resumption handle
            except FatalSessionError as exc:
                self._emit(Status("error", str(exc), fatal=True))
                return
            except errors.APIError as exc:
                detail = exc.message or (exc.details if isinstance(exc.details, str) else "")
                message, fatal = describe_close(exc.code, detail or "")
            except ConnectionClosed as exc:
                message, fatal = describe_close(
                    exc.rcvd.code if exc.rcvd else None, exc.rcvd.reason if exc.rcvd else ""
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
        from google.genai import types

        while True:
            out = self._inflight or await self._control.get()
            self._inflight = out  # re-sent after a reconnect if the socket dies mid-send
            if out.kind == "tool":
                call_id, name, response = out.payload
                await session.send_tool_response(
                    function_responses=[types.FunctionResponse(id=call_id, name=name, response=response)]
                )
            else:
                turn = types.Content(role="user", parts=[types.Part(text=out.payload)])
                await session.send_client_content(turns=turn, turn_complete=out.kind == "text")
                if out.kind == "text":
                    self._in_turn = True
            self._inflight = None

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
            if sc.model_turn and sc.model_turn.parts:
                self._in_turn = True
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
            if sc.interrupted:
                await self._put(Interrupted())
            if sc.turn_complete:
                self._in_turn = False
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
            u = msg.usage_metadata
            await self._put(Usage(u.prompt_token_count or 0, u.response_token_count or 0, u.total_token_count or 0))
        if msg.go_away is not None:
            # The server will close soon: reconnect (with the resumption handle) at the next quiet moment.
            self._go_away_pending = True
            if not self._in_turn:
                self._reconnect.set()


def realtime_input_config(s: Settings) -> types.RealtimeInputConfig:
    """Turn-taking for the proactivity dial; push-to-talk turns automatic activity detection off."""
    from google.genai import types

    t = TURN_TAKING[s.proactivity]
    start = types.StartSensitivity
    end = types.EndSensitivity
    return types.RealtimeInputConfig(
        automatic_activity_detection=types.AutomaticActivityDetection(disabled=True)
        if s.push_to_talk
        else types.AutomaticActivityDetection(
            disabled=False,
            start_of_speech_sensitivity=start.START_SENSITIVITY_HIGH
            if t.start_sensitivity == "high"
            else start.START_SENSITIVITY_LOW,
            end_of_speech_sensitivity=end.END_SENSITIVITY_HIGH
            if t.end_sensitivity == "high"
            else end.END_SENSITIVITY_LOW,
            prefix_padding_ms=t.prefix_padding_ms,
            silence_duration_ms=t.silence_ms,
        ),
        activity_handling=types.ActivityHandling.START_OF_ACTIVITY_INTERRUPTS
        if t.interrupts
        else types.ActivityHandling.NO_INTERRUPTION,
    )


def _rate(mime: str) -> int:
    for piece in mime.split(";"):
        key, _, value = piece.strip().partition("=")
        if key == "rate" and value.isdigit():
            return int(value)
    return 24_000
