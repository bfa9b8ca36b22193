"""The daemon's own data: what the editor told us, what the session is doing, what the user is asked.

Everything below the editor face (context, media, advice, backends, session) speaks these types; only
`lsp/protocol.py` turns them into and out of wire payloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

SessionState = Literal["idle", "connecting", "listening", "thinking", "speaking", "reconnecting", "error"]
VoiceActivity = Literal["listening", "userSpeaking", "speaking", "idle"]
DeviceState = Literal["off", "on", "muted", "unavailable"]
Duplex = Literal["half", "full"]
MAX_TERMINAL_OUTPUT = 64 * 1024  # keep the tail; a runaway build log must not fill memory


@dataclass(frozen=True, order=True)
class Position:
    """A place in a document: 0-based line and character (UTF-16 code units, as LSP editors count)."""

    line: int
    character: int = 0


@dataclass(frozen=True)
class Range:
    """A span of a document, its end exclusive; `lsp/` converts it to and from the wire's."""

    start: Position
    end: Position

    @classmethod
    def lines(cls, first: int, last: int) -> Range:
        """Whole lines first..last (0-based, inclusive)."""
        return cls(Position(first, 0), Position(last + 1, 0))


class DiagnosticSeverity(IntEnum):
    """How bad a diagnostic is, numbered as editors number it: the lower, the worse."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4


@dataclass(frozen=True)
class RelatedInformation:
    """Another place a diagnostic points at (where the clashing name was first defined, say)."""

    uri: str
    range: Range
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """A problem on a span of a document, from one of the editor's tools or from LivePair itself.

    No severity means the reporter gave none; the daemon counts that as an error, as editors do.
    """

    range: Range
    message: str
    severity: DiagnosticSeverity | None = None
    source: str | None = None
    code: int | str | None = None
    related: tuple[RelatedInformation, ...] = ()
    # Opaque to the daemon; it goes back to the editor with the diagnostic (LivePair's own carry their advice id).
    data: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class TerminalRun:
    """A finished terminal command."""

    command: str
    output: str
    exit_code: int | None = None
    cwd: str | None = None

    @property
    def failed(self) -> bool:
        return self.exit_code not in (None, 0) or "Traceback" in self.output


@dataclass(frozen=True)
class EditorState:
    """What the user is looking at."""

    uri: str | None = None
    selection: Range | None = None
    visible_ranges: list[Range] = field(default_factory=list)
    visible_uris: list[str] = field(default_factory=list)  # every document on screen (split editors)


@dataclass(frozen=True)
class DeviceStatus:
    """A microphone or speaker as the user should see it."""

    state: DeviceState
    device: str = ""
    reason: str = ""


@dataclass(frozen=True)
class VoiceStatus:
    mic: DeviceStatus
    speaker: DeviceStatus
    activity: VoiceActivity
    push_to_talk: bool
    duplex: Duplex
    mic_dropped: int  # chunks the mic channel dropped because the loop fell behind


@dataclass(frozen=True)
class UsageTotals:
    """Tokens used over the whole session (all turns, across reconnects) and what they cost, estimated."""

    prompt_tokens: int = 0
    response_tokens: int = 0
    total_tokens: int = 0
    turns: int = 0
    prompt_by_modality: dict[str, int] = field(default_factory=dict)  # TEXT, AUDIO, IMAGE
    response_by_modality: dict[str, int] = field(default_factory=dict)
    estimated_cost_usd: float = 0.0


@dataclass(frozen=True)
class StatusSnapshot:
    """The whole state the editor shows (status bar, panel). `message` never contains a secret."""

    state: SessionState
    backend: str | None = None
    message: str = ""
    usage: UsageTotals | None = None
    screen: str | None = None  # "off", "sharing", "paused: <why>", "unavailable: <why>"; None: no session
    voice: VoiceStatus | None = None
    mode: str = "pair"  # "tutor": shown as "LivePair (tutor)"


@dataclass(frozen=True)
class CommandApproval:
    """The model wants to run something: the user sees exactly this and says yes or no.

    `kind` "command" is a shell command line run in `cwd`; "python" is `code` run in the sandbox. The heading the
    user reads is the daemon's own; `reason` is the model's and is shown labelled as such, never as the heading.
    """

    command: str
    cwd: str
    reason: str  # the model's own words
    kind: Literal["command", "python"] = "command"
    code: str = ""  # kind "python": the snippet, shown in full
    isolation: tuple[str, ...] = ()  # kind "python": what the sandbox does and does not isolate on this machine
    # Set when "always allow this command in this workspace" may be offered; called if the user chooses it.
    remember: Callable[[], None] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TerminalRequest:
    """A command the editor runs in a terminal the user sees, with these bounds and exactly this environment."""

    run_id: str
    command: str
    cwd: str
    env: dict[str, str]
    timeout_s: float
    max_output: int


@dataclass(frozen=True)
class ToolRunReport:
    """What a run the model asked for did, for the panel: the command or code, its exit code and output tail."""

    tool: Literal["run_command", "run_python"]
    what: str  # the command line or the code
    exit_code: int | None
    output: str  # redacted tail
    outcome: Literal["finished", "timedOut", "cancelled", "denied", "refused"]
    where: Literal["terminal", "daemon", "sandbox", "none"] = "none"


@dataclass(frozen=True)
class ToolDeclaration:
    """A tool as the model is told of it, in no vendor's dialect: `parameters` is plain JSON Schema (lowercase
    types); a backend's adapter turns it into what its service accepts (backends/gemini_setup.py)."""

    name: str
    description: str
    parameters: dict[str, object]
    blocking: bool = True  # False: a long run must not hold the conversation (where the model allows async calls)


@dataclass(frozen=True)
class Replacement:
    """New text for a span of a document."""

    range: Range
    new_text: str


@dataclass(frozen=True)
class FileEdit:
    uri: str
    replacements: tuple[Replacement, ...]


@dataclass(frozen=True)
class ProposedEdit:
    """Changes across files that the user sees as a preview and applies or discards: nothing changes without them."""

    files: tuple[FileEdit, ...]
    label: str  # what the change does, shown to the user
    description: str = "Proposed by the senior dev (the model)"
