"""The livepair/* LSP extension: method names, parsing into the daemon's types, and typed outbound payloads.

Mirrored by extension/src/common/protocol.ts: every TypedDict here has an interface of the same name there, with
the same fields (tests/contract/test_payload_shapes.py compares them). Client payloads are parsed strictly so a
malformed message becomes a clear `PayloadError` at the edge instead of a confusing failure deep inside the daemon.
Only this package builds wire dicts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict

import attrs
from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from livepair import model
from livepair.advice.store import Advice
from livepair.lsp.limits import (
    MAX_COMMAND_CHARS,
    MAX_DIAGNOSTIC_CHARS,
    MAX_DIAGNOSTICS,
    MAX_SOURCE_CHARS,
    MAX_URI_CHARS,
    MAX_VISIBLE,
    too_long,
)
from livepair.model import MAX_TERMINAL_OUTPUT, CommandApproval, EditorState, StatusSnapshot, TerminalRun

# client -> server notifications
DIAGNOSTICS = "livepair/diagnostics"
TERMINAL = "livepair/terminal"
EDITOR_STATE = "livepair/editorState"
CLIENT_NOTIFICATIONS = frozenset({DIAGNOSTICS, TERMINAL, EDITOR_STATE})
# server -> client notifications / requests
STATUS = "livepair/status"
TRANSCRIPT = "livepair/transcript"
ADVICE = "livepair/advice"
SOURCES = "livepair/sources"  # the web sources of the answer just finished (Google Search grounding)
APPROVAL = "livepair/approval"
RUN_IN_TERMINAL = "livepair/runInTerminal"  # request: run an approved command in a terminal the user sees
CANCEL_RUN = "livepair/cancelRun"  # notification: the model cancelled that run; kill it
TOOL_RUN = "livepair/toolRun"  # notification: what a run the model asked for did (the panel shows it)

# initializationOptions: a LivePair client announces itself ({"name": "vscode" | "neovim", "version": ...});
# a client without it is a plain LSP client (lsp/features/plain_client.py)
CLIENT_INFO = "livepairClient"
# ... with {"terminal": true} it can answer livepair/runInTerminal; without, approved commands run in the daemon
CLIENT_TERMINAL = "terminal"

# workspace/executeCommand
CMD_START = "livepair.start"
CMD_STOP = "livepair.stop"
CMD_ASK = "livepair.ask"
CMD_EXPLAIN = "livepair.explain"
CMD_TOGGLE_MIC = "livepair.toggleMic"
CMD_TOGGLE_SCREEN = "livepair.toggleScreen"
CMD_SHOW_SENT_LOG = "livepair.showSentLog"  # returns the path of the local log of what was sent
CMD_RETRY_NOW = "livepair.retryNow"  # reconnect now rather than at the next scheduled attempt
CMD_SHOW_AUDIT_LOG = "livepair.showAuditLog"  # returns the path of the tool audit log
CMD_ALLOWED_COMMANDS = "livepair.allowedCommands"  # lists, or with {"revoke": cmd | null} revokes, always-allowed
CMD_PTT_START = "livepair.pushToTalkStart"  # bind to key down; pushToTalkEnd to key up
CMD_PTT_END = "livepair.pushToTalkEnd"

_converter = get_converter()
log = logging.getLogger(__name__)
Warn = Callable[[str], None]  # how a parse says it cut something down (the editor's log, by default stderr)


# -- wire shapes (mirror protocol.ts) -------------------------------------------------------------------
class Position(TypedDict):
    line: int
    character: int


class Range(TypedDict):
    start: Position
    end: Position


class Usage(TypedDict):
    promptTokens: int
    responseTokens: int
    totalTokens: int
    turns: int
    promptByModality: dict[str, int]
    responseByModality: dict[str, int]
    estimatedCostUsd: float


class DeviceStatus(TypedDict):
    state: str
    device: NotRequired[str]
    reason: NotRequired[str]


class StatusParams(TypedDict):
    state: str
    backend: str | None
    message: str
    usage: Usage | None
    mic: NotRequired[DeviceStatus]
    speaker: NotRequired[DeviceStatus]
    screen: NotRequired[str]
    voice: NotRequired[str]
    pushToTalk: NotRequired[bool]
    duplex: NotRequired[str]
    micDropped: NotRequired[int]


class TranscriptParams(TypedDict):
    role: Literal["user", "model"]
    text: str
    final: bool


class Fix(TypedDict):
    title: str
    range: Range
    newText: str


class AdviceParams(TypedDict):
    id: str
    uri: str
    range: Range
    message: str
    severity: str
    fix: Fix | None
    spoken: bool


class SourceLink(TypedDict):
    title: str
    uri: str


class SourcesParams(TypedDict):
    sources: list[SourceLink]
    queries: list[str]


class TerminalParams(TypedDict):
    command: str
    cwd: str | None
    exitCode: int | None
    output: str


class EditorStateParams(TypedDict):
    uri: str | None
    selection: Range | None
    visibleRanges: list[Range]
    visibleUris: list[str]


class TextEdit(TypedDict):
    range: Range
    newText: str


class VersionedDocument(TypedDict):
    uri: str
    version: NotRequired[int | None]


class DocumentChange(TypedDict):
    textDocument: VersionedDocument
    edits: list[TextEdit]


class WorkspaceEdit(TypedDict):
    """The subset of an LSP WorkspaceEdit an approval request can carry."""

    changes: NotRequired[dict[str, list[TextEdit]]]
    documentChanges: NotRequired[list[DocumentChange]]


class ApprovalParams(TypedDict):
    kind: Literal["edit", "command", "python"]
    title: str  # the daemon's own heading, never the model's words
    detail: NotRequired[str]
    reason: NotRequired[str]  # the model's reason, shown labelled as the model's
    edit: NotRequired[WorkspaceEdit]
    command: NotRequired[str]
    cwd: NotRequired[str]
    code: NotRequired[str]  # kind "python": the snippet, in full
    allowAlways: NotRequired[bool]  # offer "Always allow this command in this workspace"


class ApprovalResult(TypedDict):
    approved: bool
    always: NotRequired[bool]  # the user chose "Always allow this command in this workspace"


class RunInTerminalParams(TypedDict):
    runId: str
    command: str
    cwd: str
    env: dict[str, str]  # exactly the environment to run with (already scrubbed of keys and tokens)
    timeoutMs: int
    maxOutput: int


class RunInTerminalResult(TypedDict):
    exitCode: int | None
    output: str
    timedOut: bool
    truncated: NotRequired[bool]
    error: NotRequired[str]  # the terminal could not run it at all


class CancelRunParams(TypedDict):
    runId: str


class ToolRunParams(TypedDict):
    tool: str
    what: str
    exitCode: int | None
    output: str
    outcome: str
    where: str


class StartResult(TypedDict):
    state: str
    backend: NotRequired[str]
    message: NotRequired[str]


# -- outbound: the daemon's types -> wire -----------------------------------------------------------------
def _device(d: model.DeviceStatus) -> DeviceStatus:
    return {"state": d.state, "device": d.device, "reason": d.reason}


def status_params(s: StatusSnapshot) -> StatusParams:
    u = s.usage
    out: StatusParams = {
        "state": s.state,
        "backend": s.backend,
        "message": s.message,
        "usage": None
        if u is None
        else {
            "promptTokens": u.prompt_tokens,
            "responseTokens": u.response_tokens,
            "totalTokens": u.total_tokens,
            "turns": u.turns,
            "promptByModality": u.prompt_by_modality,
            "responseByModality": u.response_by_modality,
            "estimatedCostUsd": u.estimated_cost_usd,
        },
    }
    if s.screen is not None:
        out["screen"] = s.screen
    if (v := s.voice) is not None:
        out.update(
            mic=_device(v.mic),
            speaker=_device(v.speaker),
            voice=v.activity,
            pushToTalk=v.push_to_talk,
            duplex=v.duplex,
            micDropped=v.mic_dropped,
        )
    return out


def transcript_params(role: Literal["user", "model"], text: str, final: bool) -> TranscriptParams:
    return {"role": role, "text": text, "final": final}


def advice_params(a: Advice) -> AdviceParams:
    fix: Fix | None = None
    if a.fix is not None:
        fix = {"title": a.fix.title, "range": to_json(a.fix.range), "newText": a.fix.new_text}
    return {
        "id": a.id,
        "uri": a.uri,
        "range": to_json(a.diagnostic().range),
        "message": a.message,
        "severity": a.severity,
        "fix": fix,
        "spoken": a.spoken,
    }


def sources_params(links: tuple[tuple[str, str], ...], queries: tuple[str, ...]) -> SourcesParams:
    return {"sources": [{"title": t, "uri": u} for t, u in links], "queries": list(queries)}


APPROVAL_TITLES = {
    "command": "LivePair wants to run this command in a terminal (no API keys or tokens in its environment)",
    "python": "LivePair wants to run this Python code in the sandbox (no network, workspace read-only)",
}


def approval_params(a: CommandApproval) -> ApprovalParams:
    # The heading is the daemon's; what runs is shown exactly; the model's reason goes in its own, labelled field.
    out: ApprovalParams = {
        "kind": a.kind,
        "title": APPROVAL_TITLES[a.kind],
        "detail": "",
        "reason": a.reason.strip(),
        "command": a.command,
        "cwd": a.cwd,
    }
    if a.kind == "python":
        out["code"] = a.code
    if a.remember is not None:
        out["allowAlways"] = True
    return out


def run_in_terminal_params(r: model.TerminalRequest) -> RunInTerminalParams:
    return {
        "runId": r.run_id,
        "command": r.command,
        "cwd": r.cwd,
        "env": r.env,
        "timeoutMs": round(r.timeout_s * 1000),
        "maxOutput": r.max_output,
    }


def tool_run_params(r: model.ToolRunReport) -> ToolRunParams:
    return {
        "tool": r.tool,
        "what": r.what,
        "exitCode": r.exit_code,
        "output": r.output,
        "outcome": r.outcome,
        "where": r.where,
    }


def parse_run_result(reply: Any, max_output: int) -> tuple[int | None, str, bool, bool]:
    """A livepair/runInTerminal reply -> (exit code, output, timed out, truncated); PayloadError if malformed."""
    reply = plain(reply)
    if not isinstance(reply, dict):
        raise PayloadError("runInTerminal: the reply is not an object")
    if isinstance(reply.get("error"), str):
        raise PayloadError(f"runInTerminal: {reply['error'][:300]}")
    code, output = reply.get("exitCode"), reply.get("output")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        raise PayloadError("runInTerminal: exitCode must be an integer or null")
    if not isinstance(output, str):
        raise PayloadError("runInTerminal: output must be a string")
    truncated = reply.get("truncated") is True or len(output) > max_output
    return code, output[:max_output], reply.get("timedOut") is True, truncated


def device_params(d: model.DeviceStatus) -> DeviceStatus:
    return _device(d)


def to_json(value: Any) -> Any:
    """lsprotocol objects -> JSON-ready values (camelCase)."""
    return _converter.unstructure(value)


# -- inbound: wire -> the daemon's types ------------------------------------------------------------------
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


def _str(d: dict[str, Any], key: str, method: str, *, required: bool = True, limit: int | None = None) -> str | None:
    value = d.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"{method}: '{key}' must be a string")
    if limit is not None and len(value) > limit:
        raise PayloadError(f"{method}: {too_long(repr(key), len(value), limit)}")
    return value


def _list(d: dict[str, Any], key: str, method: str, limit: int) -> list[Any]:
    items = d.get(key) or []
    if not isinstance(items, list):
        raise PayloadError(f"{method}: '{key}' must be a list")
    if len(items) > limit:
        raise PayloadError(f"{method}: too many '{key}' ({len(items)}, max {limit})")
    return items


def _severity(item: Any) -> int:
    """For keeping the most severe: 1 (error) .. 4 (hint); none given counts as an error, as elsewhere."""
    sev = item.get("severity") if isinstance(item, dict) else None
    return sev if isinstance(sev, int) and not isinstance(sev, bool) and 1 <= sev <= 4 else 1


def _bounded(d: lsp.Diagnostic) -> lsp.Diagnostic:
    if len(d.message) <= MAX_DIAGNOSTIC_CHARS and len(d.source or "") <= MAX_SOURCE_CHARS:
        return d
    message = d.message if len(d.message) <= MAX_DIAGNOSTIC_CHARS else d.message[:MAX_DIAGNOSTIC_CHARS] + "…"
    return attrs.evolve(d, message=message, source=d.source[:MAX_SOURCE_CHARS] if d.source else d.source)


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
    def parse(cls, params: Any, warn: Warn = log.warning) -> DiagnosticsParams:
        d = _obj(params, DIAGNOSTICS)
        uri = _str(d, "uri", DIAGNOSTICS, limit=MAX_URI_CHARS)
        items = d.get("diagnostics")
        if not isinstance(items, list):
            raise PayloadError(f"{DIAGNOSTICS}: 'diagnostics' must be a list")
        if len(items) > MAX_DIAGNOSTICS:
            warn(f"{DIAGNOSTICS}: {len(items)} diagnostics for one document; kept the {MAX_DIAGNOSTICS} most severe")
            items = sorted(items, key=_severity)[:MAX_DIAGNOSTICS]
        diags = [
            _bounded(_structure(item, lsp.Diagnostic, f"{DIAGNOSTICS}: diagnostic {i}")) for i, item in enumerate(items)
        ]
        return cls(uri=uri or "", diagnostics=diags)


def parse_terminal_run(params: Any, warn: Warn = log.warning) -> TerminalRun:
    d = _obj(params, TERMINAL)
    command = _str(d, "command", TERMINAL) or ""
    if len(command) > MAX_COMMAND_CHARS:
        warn(f"{TERMINAL}: {too_long('command', len(command), MAX_COMMAND_CHARS)}; kept its start")
        command = f"{command[:MAX_COMMAND_CHARS]}… (cut: {len(command)} chars)"
    output = _str(d, "output", TERMINAL, required=False) or ""
    exit_code = d.get("exitCode")
    if exit_code is not None and (not isinstance(exit_code, int) or isinstance(exit_code, bool)):
        raise PayloadError(f"{TERMINAL}: 'exitCode' must be an integer or null")
    cwd = _str(d, "cwd", TERMINAL, required=False, limit=MAX_URI_CHARS)
    return TerminalRun(command=command, output=output[-MAX_TERMINAL_OUTPUT:], exit_code=exit_code, cwd=cwd)


def parse_editor_state(params: Any) -> EditorState:
    # Too many visible uris is refused rather than cut: the screen's privacy gate must see every one of them.
    d = _obj(params, EDITOR_STATE)
    uri = _str(d, "uri", EDITOR_STATE, required=False, limit=MAX_URI_CHARS)
    selection = d.get("selection")
    sel = None if selection is None else _structure(selection, lsp.Range, f"{EDITOR_STATE}: selection")
    ranges = _list(d, "visibleRanges", EDITOR_STATE, MAX_VISIBLE)
    visible = [_structure(r, lsp.Range, f"{EDITOR_STATE}: visibleRanges") for r in ranges]
    uris = _list(d, "visibleUris", EDITOR_STATE, MAX_VISIBLE)
    if not all(isinstance(u, str) for u in uris):
        raise PayloadError(f"{EDITOR_STATE}: 'visibleUris' must be a list of strings")
    if longest := max((len(u) for u in uris if len(u) > MAX_URI_CHARS), default=0):
        raise PayloadError(f"{EDITOR_STATE}: {too_long('a visible uri', longest, MAX_URI_CHARS)}")
    return EditorState(uri=uri, selection=sel, visible_ranges=visible, visible_uris=uris)
