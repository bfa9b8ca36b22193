"""Typed settings, read from initializationOptions and workspace/didChangeConfiguration.

The editor sends camelCase keys (the `livepair.*` settings of the extension). A bad value never stops the daemon:
it falls back to the default and the caller shows the returned warning to the user.
"""

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from livepair.held_secrets import API_KEY_VARS, held

Proactivity = Literal["quiet", "balanced", "chatty"]
BackendChoice = Literal["auto", "gemini", "offline"]
Modality = Literal["audio", "text"]
ApiVersion = Literal["v1beta", "v1alpha"]
ScreenShare = Literal["ask", "monitor", "window", "off"]
ReadText = Literal["auto", "always", "off"]
MediaResolution = Literal["low", "medium"]
Duplex = Literal["half", "full"]
AutoStart = Literal["offline", "always", "never"]
Mode = Literal["pair", "tutor"]  # tutor: hints before answers, the why with its source, a private learning log
LearnerLevel = Literal["beginner", "intermediate"]

DEFAULT_MODEL = "gemini-3.8-live"  # the stable Live model (backends/live_models.py has the table)
Sensitivity = Literal["high", "low"]


def _region(value: str) -> bool:
    return value == "" or re.fullmatch(r" *-?\d+ *, *-?\d+ *, *[1-9]\d* *, *[1-9]\d* *", value) is not None


# Estimated cost: USD per million tokens by direction and modality (the Live API's published audio-model rates);
# the `prices` setting overrides any of them, e.g. "audioIn=3,audioOut=12".
PRICES: dict[str, float] = {"textIn": 0.5, "audioIn": 3.0, "imageIn": 3.0, "textOut": 2.0, "audioOut": 12.0}
_PRICE_ITEM = re.compile(r" *(textIn|audioIn|imageIn|textOut|audioOut) *= *\d+(\.\d+)? *")


def _prices(value: str) -> bool:
    return value == "" or all(_PRICE_ITEM.fullmatch(item) for item in value.split(","))


def prices(settings: "Settings") -> dict[str, float]:
    """The price table with the user's overrides applied."""
    table = dict(PRICES)
    for item in filter(None, settings.prices.split(",")):
        key, _, value = item.partition("=")
        table[key.strip()] = float(value)
    return table


def _https_url(value: str) -> bool:
    return value.startswith("https://") and len(value) > len("https://")


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure. Field metadata: `key` (camelCase name), optional `range` / `check`."""

    model: str = field(default=DEFAULT_MODEL, metadata={"key": "model"})
    api_version: ApiVersion = field(default="v1beta", metadata={"key": "apiVersion"})
    base_url: str = field(default="", metadata={"key": "baseUrl", "check": lambda v: v == "" or _https_url(v)})
    backend: BackendChoice = field(default="auto", metadata={"key": "backend"})
    # Editors without the VS Code extension have no button: the daemon starts a session itself after `initialized`
    # (offline: the offline advisor, nothing leaves the machine; always: as `backend` chooses; never: wait).
    auto_start: AutoStart = field(default="offline", metadata={"key": "autoStart"})
    vertex: bool = field(default=False, metadata={"key": "vertex"})
    vertex_project: str = field(default="", metadata={"key": "vertexProject"})
    vertex_location: str = field(default="us-central1", metadata={"key": "vertexLocation"})
    voice: str = field(default="Puck", metadata={"key": "voice"})
    response_modality: Modality = field(default="audio", metadata={"key": "responseModality"})
    proactivity: Proactivity = field(default="balanced", metadata={"key": "proactivity"})
    redaction: bool = field(default=True, metadata={"key": "redaction"})
    look_at_failures: bool = field(default=True, metadata={"key": "lookAtFailures"})  # speak up when a run fails
    # Google Search grounding, where the model takes it together with function calls (backends/live_models.py)
    google_search: bool = field(default=True, metadata={"key": "googleSearch"})
    prices: str = field(default="", metadata={"key": "prices", "check": _prices})
    digest_debounce_ms: int = field(default=300, metadata={"key": "digestDebounceMs", "range": (0, 10_000)})
    hover_wait_ms: int = field(default=1500, metadata={"key": "hoverWaitMs", "range": (0, 10_000)})
    excerpt_lines: int = field(default=6, metadata={"key": "excerptLines", "range": (0, 50)})
    terminal_tail_lines: int = field(default=40, metadata={"key": "terminalTailLines", "range": (1, 500)})
    max_diagnostics: int = field(default=50, metadata={"key": "maxDiagnostics", "range": (1, 1000)})
    # voice (docs/architecture.md, "Voice")
    mic_enabled: bool = field(default=True, metadata={"key": "micEnabled"})
    mic_device: str = field(default="", metadata={"key": "micDevice"})  # "" default, digits index, else name
    speaker_device: str = field(default="", metadata={"key": "speakerDevice"})
    mic_chunk_ms: int = field(default=40, metadata={"key": "micChunkMs", "range": (20, 100)})
    jitter_ms: int = field(default=80, metadata={"key": "jitterMs", "range": (0, 500)})
    duplex: Duplex = field(default="half", metadata={"key": "duplex"})
    barge_in: bool = field(default=False, metadata={"key": "bargeIn"})
    push_to_talk: bool = field(default=False, metadata={"key": "pushToTalk"})
    remark_interval_s: int = field(default=120, metadata={"key": "remarkIntervalS", "range": (0, 3600)})
    # screen (docs/architecture.md, "Screen")
    screen_enabled: bool = field(default=True, metadata={"key": "screenEnabled"})
    # ask: the editor asks on first use and sends the answer with livepair.start; unanswered, nothing is shared
    screen_share: ScreenShare = field(default="ask", metadata={"key": "screenShare"})
    screen_interval_ms: int = field(default=1000, metadata={"key": "screenIntervalMs", "range": (1000, 60_000)})
    screen_monitor: int = field(default=0, metadata={"key": "screenMonitor", "range": (-1, 16)})  # 0 auto, -1 all
    screen_region: str = field(default="", metadata={"key": "screenRegion", "check": _region})  # "x,y,w,h"
    screen_max_size: int = field(default=768, metadata={"key": "screenMaxSize", "range": (256, 4096)})
    screen_jpeg_quality: int = field(default=80, metadata={"key": "screenJpegQuality", "range": (30, 95)})
    screen_keep_alive_s: int = field(default=60, metadata={"key": "screenKeepAliveS", "range": (0, 3600)})
    screen_change_cells: int = field(default=3, metadata={"key": "screenChangeCells", "range": (1, 10_000)})
    screen_read_text: ReadText = field(default="auto", metadata={"key": "screenReadText"})
    screen_exclude: tuple[str, ...] = field(default=(), metadata={"key": "screenExclude"})  # globs, added
    screen_gitignore: bool = field(default=False, metadata={"key": "screenGitignore"})
    # More environment variables an approved command may see (names or globs; session/environment.py)
    command_env_allow: tuple[str, ...] = field(default=(), metadata={"key": "commandEnvAllow"})
    screen_ocr_mask: bool = field(default=False, metadata={"key": "screenOcrMask"})  # tesseract: ~0.3-1.7 s a frame
    media_resolution: MediaResolution = field(default="medium", metadata={"key": "mediaResolution"})
    # learning (session/tutor.py)
    mode: Mode = field(default="pair", metadata={"key": "mode"})
    learner_level: LearnerLevel = field(default="beginner", metadata={"key": "learnerLevel"})


# The proactivity dial's turn-taking: sent in the Live setup (backends/gemini.py) and used by the local VAD.
@dataclass(frozen=True)
class TurnTaking:
    start_sensitivity: Sensitivity  # high: short utterances start a turn (never lose "wait!")
    end_sensitivity: Sensitivity  # high: a pause ends the turn sooner
    silence_ms: int  # pause that ends the user's turn
    prefix_padding_ms: int  # speech needed before a start is committed
    interrupts: bool  # the user's speech interrupts the model (START_OF_ACTIVITY_INTERRUPTS)
    proactive_audio: bool  # the model may choose not to answer input that is not for it


TURN_TAKING: dict[Proactivity, TurnTaking] = {
    "quiet": TurnTaking("low", "low", 1200, 300, True, True),
    "balanced": TurnTaking("high", "low", 800, 200, True, True),
    "chatty": TurnTaking("high", "high", 500, 100, True, False),
}


_FIELDS = {f.metadata["key"]: f for f in dataclasses.fields(Settings)}


def _validator(f: dataclasses.Field[Any]) -> Callable[[Any], bool]:
    kind = f.type  # a real type: this module does not postpone annotations
    choices = get_args(kind)
    check: Callable[[Any], bool] | None = f.metadata.get("check")
    bounds: tuple[int, int] | None = f.metadata.get("range")

    def valid(value: Any) -> bool:
        if get_origin(kind) is tuple:  # a list of strings, e.g. globs
            return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        if choices:
            return value in choices
        if kind is bool:
            return isinstance(value, bool)
        if kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            return ok and (bounds is None or bounds[0] <= value <= bounds[1])
        if kind is str:
            return isinstance(value, str) and (check is None or check(value))
        return False

    return valid


_VALIDATORS = {key: _validator(f) for key, f in _FIELDS.items()}


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client payload, plus one warning per rejected value.

    Accepts `{"livepair": {...}}` (didChangeConfiguration) or the bare mapping (initializationOptions).
    Unknown keys are ignored so older daemons work with newer extensions.
    """
    base = base or Settings()
    if raw is None:
        return base, []
    if not isinstance(raw, Mapping):
        return base, [f"LivePair settings must be an object, got {type(raw).__name__}; using defaults."]
    section = raw.get("livepair", raw)
    if not isinstance(section, Mapping):
        return base, ["LivePair settings: 'livepair' must be an object; using defaults."]
    changes: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in section.items():
        f = _FIELDS.get(key)
        if f is None or value is None:
            continue
        if _VALIDATORS[key](value):
            changes[f.name] = tuple(value) if isinstance(value, list) else value
        else:
            default = getattr(Settings(), f.name)
            warnings.append(f"LivePair setting '{key}' has an invalid value {value!r}; using {default!r}.")
    return dataclasses.replace(base, **changes), warnings


def env_api_key() -> str | None:
    """The key from the environment (the editor may pass one from its secret storage instead)."""
    return next((v for v in (held(k) for k in API_KEY_VARS) if v), None)
