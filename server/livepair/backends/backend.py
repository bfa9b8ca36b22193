"""The model face: a Backend protocol and the typed events every backend emits.

The session talks to any backend (Gemini Live, the offline advisor) through this interface only, so advice,
transcripts and tools behave the same whichever model is answering.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from livepair.model import Diagnostic, EditorState, TerminalRun

Role = Literal["user", "model"]
LinkState = Literal["connecting", "connected", "reconnecting", "error", "closed"]


@dataclass(frozen=True)
class AudioOut:
    pcm: bytes
    rate: int = 24_000


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Transcript:
    role: Role
    text: str
    final: bool = False


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCallCancelled:
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Interrupted:
    """The model's reply stopped: the user cut it off, or (`cut_off`) the connection died under it."""

    cut_off: bool = False


@dataclass(frozen=True)
class TurnComplete:
    pass


@dataclass(frozen=True)
class TurnStarted:
    """The model's turn began; `purpose` is what it answers: the user's question or speech, an explanation the
    user is reading (shown, not played), or a failure the senior dev looks at unasked (a remark)."""

    purpose: Literal["ask", "speech", "explain", "failure"]


@dataclass(frozen=True)
class Sources:
    """Where a grounded answer came from (Google Search): (title, http(s) uri) links and the queries searched."""

    links: tuple[tuple[str, str], ...]
    queries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Usage:
    """One turn's token use, as the service reports it (per turn; the session sums it)."""

    prompt_tokens: int = 0
    response_tokens: int = 0
    total_tokens: int = 0
    prompt_by_modality: tuple[tuple[str, int], ...] = ()  # (modality, tokens): TEXT, AUDIO, IMAGE, ...
    response_by_modality: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Status:
    """The link to the model. `message` is for the user and never contains a secret."""

    state: LinkState
    message: str = ""
    resumed: bool = False
    fatal: bool = False


@dataclass(frozen=True)
class ExplainRequest:
    """The user wants a diagnostic explained. `prompt` is the redacted text form for a remote model."""

    uri: str
    line: int  # 0-based
    message: str
    source: str | None
    line_text: str
    prompt: str


@dataclass(frozen=True)
class Capabilities:
    """What a backend does, so callers never test its name."""

    local: bool  # everything stays on this machine (so the screen is not captured for it)
    # The end of the user's speech is heard in trailing audio (a service VAD; 3.8 ignores audioStreamEnd), so the
    # mic keeps streaming after speech until the turn is taken. False: audioStreamEnd at once (the offline decoder
    # decodes the utterance then, and trailing seconds would push it past its length cap).
    trails_speech: bool = False


@dataclass(frozen=True)
class Failure:
    """Something failed in the editor that the senior dev may look at unasked. `prompt` is redacted."""

    key: str  # the same problem is raised once
    prompt: str
    run: TerminalRun | None = None


BackendEvent = (
    AudioOut
    | Text
    | Transcript
    | ToolCall
    | ToolCallCancelled
    | Interrupted
    | TurnStarted
    | TurnComplete
    | Usage
    | Status
    | Sources
)


class ContextView(Protocol):
    """The editor's context as a backend that reads it itself (the offline advisor) is handed it: read-only.

    The session's context store is one; a backend never imports the store, the session or the editor face.
    """

    @property
    def root(self) -> Path | None:
        """The workspace folder; None: none is open."""
        ...

    @property
    def editor(self) -> EditorState:
        """What the user is looking at."""
        ...

    @property
    def last_edited(self) -> str | None:
        """The URI of the document the user typed in last."""
        ...

    @property
    def diagnostics(self) -> Mapping[str, Sequence[Diagnostic]]:
        """The editor's diagnostics, per document URI."""
        ...

    def text(self, uri: str) -> str | None:
        """The document as the editor has it, else as it is on disk; None if neither can be read."""
        ...

    def relative(self, uri: str) -> str:
        """A short, workspace-relative name for a URI."""
        ...

    def last_run(self) -> TerminalRun | None:
        """The last command run in the editor's terminal."""
        ...


class Backend(Protocol):
    """A realtime model session. Sends never block: they enqueue onto the backend's outbound channel."""

    name: str
    capabilities: Capabilities

    async def start(self) -> None:
        """Begin connecting; progress arrives as Status events."""
        ...

    async def next_event(self) -> BackendEvent:
        """The next event; raises `BackendClosed` after close()."""
        ...

    def send_context(self, text: str) -> None:
        """Editor context the model should know; does not ask for a reply."""
        ...

    def notice_failure(self, failure: Failure) -> None:
        """A run failed: look at it (the session decides when, and whether the reply may be heard)."""
        ...

    def send_text(self, text: str) -> None:
        """A user turn that asks for a reply."""
        ...

    def explain(self, request: ExplainRequest) -> None:
        """Explain a diagnostic: answer with an annotate call on its line, or in prose."""
        ...

    def send_audio(self, pcm16k: bytes) -> None: ...

    def send_activity_start(self) -> None:
        """Push-to-talk pressed: the user's turn starts (automatic activity detection is off)."""
        ...

    def send_activity_end(self) -> None:
        """Push-to-talk released: the user's turn ends and the model answers."""
        ...

    def send_audio_stream_end(self) -> None:
        """The mic stream pauses (local VAD heard silence): lets the service end the turn without waiting."""
        ...

    def send_video(self, jpeg: bytes) -> None:
        """A screen frame (JPEG). Only the newest matters: a backend keeps at most one waiting."""
        ...

    def send_tool_response(self, call_id: str, name: str, response: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


@runtime_checkable
class WatchesDocuments(Protocol):
    """A backend that looks at documents unasked, as a linter would (the offline advisor). Optional: a backend
    without it hears of documents through the context digest."""

    def notice_documents(self) -> None:
        """Documents were opened, edited or saved, or the session started: look at them (each finding once)."""
        ...


@runtime_checkable
class Reconnects(Protocol):
    """A backend with a link that can drop and be retried (Gemini Live). Optional."""

    def retry_now(self) -> None:
        """Try to reconnect now rather than at the next scheduled attempt."""
        ...


class BackendClosed(Exception):
    """The backend was closed and will emit nothing more."""
