"""What each Live model family accepts, and how the service refuses the rest.

From the public model pages (stored around late 2026; ../shared/facts/live-api.md "Models differ"):
- gemini-3.8-live (stable, the default Live model): "client content updates ... supported for the whole session";
  asynchronous function calls (NON_BLOCKING is the default); "Proactive audio is now permanently enabled" (setting it
  "returns an error"); "omit thinking_level (or thinking_config)"; "the supported response modality is audio".
- gemini-3.1-flash-live-preview (legacy preview): thinkingLevel, not thinkingBudget; "asynchronous function calls are
  not yet supported"; proactive audio "not yet supported ... remove any configuration"; client content only as
  initial history (later text goes as realtimeInput.text: livekit/agents#5251 saw 1007 otherwise).
- the 2.5 native-audio models: everything settable (proactivity on v1alpha), thinkingBudget, async calls.
- native-audio models "reject responseModalities=["TEXT"]".
- retired and unknown models close with 1008 "... is not found for API version v1beta".
- Field reports (../shared/facts/live-api.md "Field reports", each a switch below, on for the families reported):
  3.8 does not end the user's turn on `audioStreamEnd`, and its VAD only hears the end of speech while trailing
  audio keeps arriving — exact-zero samples count as no audio at all (openclaw/openclaw#152830, fix #152844; 3.1
  did end the turn on audioStreamEnd). Extended thinking sends `interactionStatus` with each turnComplete: a
  turnComplete while IN_PROGRESS (filler while background reasoning runs) is not the end of the request; IDLE is
  (model page of gemini-3.8-live-extended-thinking; the SDK's LiveServerContent.interaction_status). 3.8 repeats a
  function call 2-5 times when the tool returns an empty result (Vertex migration guide). Silent turns: a request's
  turn completes with no content at all (googleapis/python-genai#2117: about half the calls on one 3.1 deployment;
  gemini-live-api-examples#40); on 3.1, where it is reported (livekit/agents-js#1544: "~50% of production
  phone-call turns against gemini-3.1-flash-live-preview"), simulated deterministically as every other request of a
  connection, from the second (`silent_every`); a test may instead ask for the first `silent_turns`
  requests of every connection on any family (FakeLiveServer.silent_turns).
  Pings answered after 8-30 s, which trips websockets' default 20 s keepalive (close 1011 "keepalive ping
  timeout"), and a resumption refused with 1011 while an earlier socket of the same session is still open (close
  it first): aicc2025/sip-to-ai#14, "verified against the live service"; the report names no model, so both are on
  for every family (`slow_pongs`, `resume_needs_old_closed`; FakeLiveServer.pong_delay_s sets the range).
- Google Search grounding works on the current Live models; "combining Search with custom tools has produced 1007
  errors for some users": the legacy 3.1 preview is simulated as refusing googleSearch next to function
  declarations (backends/live_models.py makes the same call).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

Proactivity = Literal["settable", "always", "unsupported"]
Thinking = Literal["budget", "level", "none"]


@dataclass(frozen=True)
class Family:
    name: str
    models: tuple[str, ...]
    mid_session_client_content: bool = True
    proactivity: Proactivity = "settable"
    async_functions: bool = True
    thinking: Thinking = "budget"
    text_output: bool = False  # every current Live model answers in audio (with a transcription)
    search_with_functions: bool = True  # googleSearch and functionDeclarations in one setup
    # Field report switches (docstring); FakeLiveServer.field_reports = False turns them all off.
    stream_end_ends_speech: bool = True  # audioStreamEnd ends the user's turn at once
    zero_audio_heard: bool = True  # exact-zero samples are silence to the VAD (not: no audio at all)
    interaction_status: bool = False  # turnComplete carries interactionStatus (IN_PROGRESS fillers, then IDLE)
    repeats_empty_calls: bool = False  # an empty tool result makes the model call again (turns.py)
    silent_turns: int = 0  # this many requests on a connection get a bare turnComplete, no content (turns.py)
    silent_every: int = 0  # then every Nth request gets one (2: about half, as reported on 3.1)
    slow_pongs: bool = True  # a ping is answered after 8-30 s (live_server.py)
    resume_needs_old_closed: bool = True  # a resume while the session's earlier socket is open: 1011


FAMILIES = (
    Family(
        "gemini-3.8-live",
        ("gemini-3.8-live",),
        proactivity="always",
        thinking="none",
        stream_end_ends_speech=False,
        zero_audio_heard=False,
        repeats_empty_calls=True,
    ),
    Family(
        "gemini-3.8-live-xt",
        ("gemini-3.8-live-extended-thinking",),
        proactivity="always",
        thinking="level",
        stream_end_ends_speech=False,
        zero_audio_heard=False,
        interaction_status=True,
        repeats_empty_calls=True,
    ),
    Family(
        "gemini-3.1-flash-live",
        ("gemini-3.1-flash-live-preview",),
        mid_session_client_content=False,
        proactivity="unsupported",
        async_functions=False,
        thinking="level",
        search_with_functions=False,
        silent_every=2,
    ),
    Family(
        "gemini-2.5-native-audio",
        (
            "gemini-2.5-flash-native-audio-preview-12-2025",
            "gemini-live-2.5-flash-native-audio",
            "gemini-live-2.5-flash",
        ),
    ),
)
RETIRED = (
    "gemini-2.5-flash-native-audio-preview-09-2025",
    "gemini-live-2.5-flash-preview",
    "gemini-live-2.5-flash-preview-native-audio",
    "gemini-2.0-flash-live-001",
)


class Refusal(Exception):
    """The service closes the socket: `code` 1007 (invalid argument) or 1008 (policy: not found, bad key)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def family_of(model: str, api_version: str = "v1beta") -> Family:
    """The family of a setup's model (`models/x` or a Vertex resource name), or the service's 1008."""
    name = model.rsplit("/", 1)[-1]
    for family in FAMILIES:
        if name in family.models:
            return family
    raise Refusal(
        1008,
        f"models/{name} is not found for API version {api_version}, or is not supported for bidiGenerateContent.",
    )


def as_documented(family: Family) -> Family:
    """The family without the field reports' behaviours."""
    return replace(
        family,
        stream_end_ends_speech=True,
        zero_audio_heard=True,
        interaction_status=False,
        repeats_empty_calls=False,
        silent_turns=0,
        silent_every=0,
        slow_pongs=False,
        resume_needs_old_closed=False,
    )


def check_setup(setup: dict[str, Any], api_version: str = "v1beta") -> Family:
    """Refuse what the model does not accept, as the service does at setup."""
    family = family_of(str(setup.get("model", "")), api_version)
    config = setup.get("generationConfig") or {}
    modalities = [str(m).upper() for m in config.get("responseModalities") or []]
    if "TEXT" in modalities and not family.text_output:
        raise Refusal(1007, "Request contains an invalid argument: response modality TEXT is not supported.")
    if "proactivity" in setup and family.proactivity != "settable":
        raise Refusal(1007, "Request contains an invalid argument: proactivity is not supported for this model.")
    thinking = config.get("thinkingConfig")
    if thinking:
        wrong = {"none": thinking, "level": "thinkingBudget" in thinking, "budget": "thinkingLevel" in thinking}
        if wrong[family.thinking]:
            raise Refusal(1007, "Request contains an invalid argument: thinking_config is not supported as sent.")
    if not family.async_functions and any(
        d.get("behavior") == "NON_BLOCKING"
        for tool in setup.get("tools") or []
        for d in tool.get("functionDeclarations") or []
    ):
        raise Refusal(1007, "Request contains an invalid argument: NON_BLOCKING functions are not supported.")
    if (
        not family.search_with_functions
        and searches(setup)
        and any(tool.get("functionDeclarations") for tool in setup.get("tools") or [])
    ):
        raise Refusal(1007, "Request contains an invalid argument: google_search with function calling is unsupported.")
    return family


def searches(setup: dict[str, Any]) -> bool:
    """The setup asked for Google Search grounding (keys are camelCased by tests/fakes/wire.py)."""
    return any("googleSearch" in tool for tool in setup.get("tools") or [])
