"""The Live connection and its setup, shaped per model: each model is sent only what it accepts.

See backends/live_models.py for the table. Audio-only models answer in audio with a transcription even when the
user wants text (the session then keeps the speaker closed and shows the transcription).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from livepair.aio import give_back_freed
from livepair.backends.live_models import LiveModel
from livepair.config import TURN_TAKING, Settings
from livepair.held_secrets import VERTEX_TOKEN_VAR, held
from livepair.model import ToolDeclaration

if TYPE_CHECKING:
    from google.genai import types


VERTEX_API_VERSION = "v1beta1"  # the Live websocket's version on Vertex AI (LlmBidiService)
VERTEX_TOKEN_ENV = VERTEX_TOKEN_VAR  # e.g. `gcloud auth print-access-token`; else ADC
MAX_FRAME = 16 * 2**20  # the service's frames are audio chunks and text; nothing honest comes near this


class FatalSessionError(Exception):
    """The service refused the session in a way a retry cannot fix."""


def client(s: Settings, api_key: str | None) -> Any:
    from google import genai
    from google.genai import types

    if not api_key and not s.vertex:
        raise FatalSessionError("No Gemini API key: set it with 'LivePair: Set Gemini API key' or GEMINI_API_KEY.")
    give_back_freed()  # a client per connection: what the last connection freed in C goes back first (aio.py)
    # The service may take longer than websockets' default 20 s to answer pings: keepalive off (the backend's
    # watchdog notices a dead socket instead). A frame over MAX_FRAME closes the socket (1009), then reconnects.
    ws_args: dict[str, Any] = {"ping_interval": None, "max_size": MAX_FRAME}
    if s.base_url and urlparse(s.base_url).hostname in ("127.0.0.1", "localhost", "::1"):
        ws_args["proxy"] = None  # HTTPS_PROXY would otherwise apply to loopback too
    if s.vertex:
        # Vertex AI: bearer auth from Application Default Credentials, or a token given in the environment.
        http = types.HttpOptions(api_version=VERTEX_API_VERSION, base_url=s.base_url or None, async_client_args=ws_args)
        return genai.Client(
            vertexai=True,
            project=s.vertex_project or None,
            location=s.vertex_location,
            credentials=_token_credentials(),
            http_options=http,
        )
    http = types.HttpOptions(api_version=s.api_version, base_url=s.base_url or None, async_client_args=ws_args)
    return genai.Client(api_key=api_key, http_options=http)


def _token_credentials() -> Any:
    token = (held(VERTEX_TOKEN_ENV) or "").strip()  # taken from the environment at start
    if not token:
        return None  # the SDK loads Application Default Credentials
    from google.oauth2.credentials import Credentials

    return Credentials(token=token)


def audio_out(s: Settings, model: LiveModel) -> bool:
    return s.response_modality == "audio" or not model.text_output


def live_config(
    s: Settings, model: LiveModel, tools: list[dict[str, Any]], system: str, handle: str | None
) -> types.LiveConnectConfig:
    from google.genai import types

    audio = audio_out(s, model)
    # Where calls may be asynchronous, ours block (a hint or a read is part of the answer that follows it), except
    # those declared NON_BLOCKING (a long run must not hold the conversation); elsewhere no behavior is sent.
    decls = [{"behavior": "BLOCKING", **d} if model.async_functions else without_behavior(d) for d in tools]
    proactive = model.proactivity == "settable" and s.api_version == "v1alpha"
    return types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO if audio else types.Modality.TEXT],
        system_instruction=system,
        tools=[
            types.Tool(function_declarations=[types.FunctionDeclaration.model_validate(d) for d in decls]),
            *([types.Tool(google_search=types.GoogleSearch())] if searches(s, model) else []),
        ],
        speech_config=types.SpeechConfig(
            voice_config=types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=s.voice))
        )
        if audio
        else None,
        output_audio_transcription=types.AudioTranscriptionConfig() if audio else None,
        input_audio_transcription=types.AudioTranscriptionConfig(),
        # Vertex AI says which client message each handle includes (`lastConsumedClientMessageIndex`); the Gemini
        # API refuses `transparent`, so there the journal marks a handle by when it arrived.
        session_resumption=types.SessionResumptionConfig(handle=handle, transparent=True if s.vertex else None),
        media_resolution=types.MediaResolution.MEDIA_RESOLUTION_LOW
        if s.media_resolution == "low"
        else types.MediaResolution.MEDIA_RESOLUTION_MEDIUM,
        context_window_compression=types.ContextWindowCompressionConfig(
            trigger_tokens=100_000, sliding_window=types.SlidingWindow(target_tokens=60_000)
        ),
        realtime_input_config=realtime_input_config(s),
        # Settable only on some models, and documented for v1alpha only; "always on" models refuse the field.
        proactivity=types.ProactivityConfig(proactive_audio=True)
        if audio and proactive and TURN_TAKING[s.proactivity].proactive_audio
        else None,
    )


def searches(s: Settings, model: LiveModel) -> bool:
    """Google Search grounding: wanted, and the model takes it together with our function declarations."""
    return s.google_search and model.search_with_functions


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


def declarations(tools: Iterable[ToolDeclaration]) -> list[dict[str, Any]]:
    """The adapter from the daemon's neutral declarations to the Live API's: its OpenAPI-style schema (`OBJECT`,
    `STRING`, ...) and `behavior` NON_BLOCKING for a call that must not hold the conversation (`live_config` keeps it
    only where the model allows asynchronous calls)."""
    out = []
    for t in tools:
        d: dict[str, Any] = {"name": t.name, "description": t.description, "parameters": _typed(t.parameters)}
        if not t.blocking:
            d["behavior"] = "NON_BLOCKING"
        out.append(d)
    return out


def _typed(schema: dict[str, object]) -> dict[str, Any]:
    """JSON Schema -> the Live API's schema: the same keywords, type names in capitals, recursively."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, str):
            out[key] = value.upper()
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _typed(sub) for name, sub in value.items()}
        elif key == "items" and isinstance(value, dict):
            out[key] = _typed(value)
        else:
            out[key] = value
    return out


def without_behavior(declaration: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in declaration.items() if k != "behavior"}


def non_blocking(model: LiveModel, tools: list[dict[str, Any]]) -> frozenset[str]:
    """The functions whose responses are scheduled (WHEN_IDLE): declared NON_BLOCKING, on a model that allows it."""
    if not model.async_functions:
        return frozenset()
    return frozenset(str(d["name"]) for d in tools if d.get("behavior") == "NON_BLOCKING")
