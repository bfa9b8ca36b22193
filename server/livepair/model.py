"""The daemon's own data: what the editor told us, what the session is doing, what the user is asked.

Everything below the editor face (context, media, advice, backends, session) speaks these types; only
`lsp/protocol.py` turns them into and out of wire payloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lsprotocol import types as lsp

SessionState = Literal["idle", "connecting", "listening", "thinking", "speaking", "reconnecting", "error"]
VoiceActivity = Literal["listening", "userSpeaking", "speaking", "idle"]
DeviceState = Literal["off", "on", "muted", "unavailable"]
Duplex = Literal["half", "full"]
MAX_TERMINAL_OUTPUT = 64 * 1024  # keep the tail; a runaway build log must not fill memory


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
    selection: lsp.Range | None = None
    visible_ranges: list[lsp.Range] = field(default_factory=list)
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


@dataclass(frozen=True)
class CommandApproval:
    """The model wants to run a command: the user sees exactly this and says yes or no."""

    command: str
    cwd: str
    reason: str  # the model's own words
