"""The livepair/* LSP extension: method names and payload types, in one place.

Mirrored by extension/src/protocol.ts. Client payloads are parsed strictly here so a malformed message becomes
a clear `PayloadError` at the edge instead of a confusing failure deep inside the daemon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

# client -> server notifications
DIAGNOSTICS = "livepair/diagnostics"
TERMINAL = "livepair/terminal"
EDITOR_STATE = "livepair/editorState"
CLIENT_NOTIFICATIONS = frozenset({DIAGNOSTICS, TERMINAL, EDITOR_STATE})
# server -> client notifications / requests
STATUS = "livepair/status"
TRANSCRIPT = "livepair/transcript"
ADVICE = "livepair/advice"
APPROVAL = "livepair/approval"

# workspace/executeCommand
CMD_START = "livepair.start"
CMD_STOP = "livepair.stop"
CMD_ASK = "livepair.ask"
CMD_EXPLAIN = "livepair.explain"
CMD_TOGGLE_MIC = "livepair.toggleMic"
CMD_TOGGLE_SCREEN = "livepair.toggleScreen"
CMD_SHOW_SENT_LOG = "livepair.showSentLog"  # returns the path of the local log of what was sent
CMD_PTT_START = "livepair.pushToTalkStart"  # bind to key down; pushToTalkEnd to key up
CMD_PTT_END = "livepair.pushToTalkEnd"

SessionState = Literal["idle", "connecting", "listening", "thinking", "speaking", "reconnecting", "error"]
Role = Literal["user", "model"]

_converter = get_converter()
MAX_TERMINAL_OUTPUT = 64 * 1024  # keep the tail; a runaway build log must not fill memory


class PayloadError(ValueError):
    """A client payload that does not match the livepair/* protocol."""


def plain(value: Any) -> Any:
    """pygls hands custom params over as namedtuples (`Object`); turn them back into JSON values."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _obj(params: Any, method: str) -> dict[str, Any]:
    params = plain(params)
    if not isinstance(params, dict):
        raise PayloadError(f"{method}: params must be an object, got {type(params).__name__}")
    return params


def _str(d: dict[str, Any], key: str, method: str, *, required: bool = True) -> str | None:
    value = d.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{method}: '{key}' must be a string")
    return value


def _structure(value: Any, kind: type[Any], what: str) -> Any:
    try:
        return _converter.structure(value, kind)
    except Exception as exc:  # cattrs raises several exception types; all mean "malformed"
        raise PayloadError(f"{what}: {exc}") from None


@dataclass(frozen=True)
class DiagnosticsParams:
    """All diagnostics the editor knows for one document, from every source."""

    uri: str
    diagnostics: list[lsp.Diagnostic]

    @classmethod
    def parse(cls, params: Any) -> DiagnosticsParams:
        d = _obj(params, DIAGNOSTICS)
        uri = _str(d, "uri", DIAGNOSTICS)
        items = d.get("diagnostics")
        if not isinstance(items, list):
            raise PayloadError(f"{DIAGNOSTICS}: 'diagnostics' must be a list")
        diags = [_structure(item, lsp.Diagnostic, f"{DIAGNOSTICS}: diagnostic {i}") for i, item in enumerate(items)]
        return cls(uri=uri or "", diagnostics=diags)


@dataclass(frozen=True)
class TerminalRun:
    """A finished terminal command."""

    command: str
    output: str
    exit_code: int | None = None
    cwd: str | None = None

    @classmethod
    def parse(cls, params: Any) -> TerminalRun:
        d = _obj(params, TERMINAL)
        command = _str(d, "command", TERMINAL) or ""
        output = _str(d, "output", TERMINAL, required=False) or ""
        exit_code = d.get("exitCode")
        if exit_code is not None and (not isinstance(exit_code, int) or isinstance(exit_code, bool)):
            raise PayloadError(f"{TERMINAL}: 'exitCode' must be an integer or null")
        cwd = _str(d, "cwd", TERMINAL, required=False)
        return cls(command=command, output=output[-MAX_TERMINAL_OUTPUT:], exit_code=exit_code, cwd=cwd)


@dataclass(frozen=True)
class EditorState:
    """What the user is looking at."""

    uri: str | None = None
    selection: lsp.Range | None = None
    visible_ranges: list[lsp.Range] = field(default_factory=list)
    visible_uris: list[str] = field(default_factory=list)  # every document on screen (split editors)

    @classmethod
    def parse(cls, params: Any) -> EditorState:
        d = _obj(params, EDITOR_STATE)
        uri = _str(d, "uri", EDITOR_STATE, required=False)
        selection = d.get("selection")
        sel = None if selection is None else _structure(selection, lsp.Range, f"{EDITOR_STATE}: selection")
        ranges = d.get("visibleRanges") or []
        if not isinstance(ranges, list):
            raise PayloadError(f"{EDITOR_STATE}: 'visibleRanges' must be a list")
        visible = [_structure(r, lsp.Range, f"{EDITOR_STATE}: visibleRanges") for r in ranges]
        uris = d.get("visibleUris") or []
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise PayloadError(f"{EDITOR_STATE}: 'visibleUris' must be a list of strings")
        return cls(uri=uri, selection=sel, visible_ranges=visible, visible_uris=uris)


def range_json(r: lsp.Range) -> dict[str, Any]:
    return _converter.unstructure(r)


def to_json(value: Any) -> Any:
    """lsprotocol objects -> JSON-ready values (camelCase)."""
    return _converter.unstructure(value)
