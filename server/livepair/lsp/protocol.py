"""The livepair/* LSP extension: method names and typed outbound payloads (parsing inbound ones: inbound.py).

Mirrored by extension/src/common/protocol.ts: every TypedDict here has an interface of the same name there, with
the same fields (tests/contract/test_payload_shapes.py compares them). Only this package builds wire dicts.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any, Literal, NotRequired, TypedDict

from cattrs import Converter
from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from livepair import model
from livepair.advice.store import Advice
from livepair.advice.store import Fix as FixModel
from livepair.model import CommandApproval, StatusSnapshot
from livepair.session import approval_text

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
APPROVAL_WITHDRAWN = "livepair/approvalWithdrawn"  # {approvalId, why}: the call was cancelled or timed out
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


@functools.cache
def _converter() -> Converter:
    """Made on first use: building a converter is ~10 ms that `initialize` does not need."""
    return get_converter()


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
    mode: NotRequired[str]  # "tutor" (absent: pair)


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
    headline: str  # the cause in at most 60 characters (the inline hint, the card's title)
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
    approvalId: NotRequired[str]  # named again by livepair/approvalWithdrawn
    warnings: NotRequired[list[str]]  # approval_text.approval_warnings: multi-line, hidden characters, ...
    isolation: NotRequired[list[str]]  # kind "python": what the sandbox isolates here and what not
    shown: NotRequired[str]  # the whole prompt as approval_text.render makes it (for clients without their own)


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


class ApprovalWithdrawnParams(TypedDict):
    approvalId: str
    why: str  # "the model cancelled the call", "nobody answered in time"


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


# -- outbound: the daemon's types -> wire (lsprotocol objects for standard LSP messages) --------------------
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
    if s.mode != "pair":
        out["mode"] = s.mode
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


def range_params(r: model.Range) -> Range:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


def lsp_range(r: model.Range) -> lsp.Range:
    return lsp.Range(lsp.Position(r.start.line, r.start.character), lsp.Position(r.end.line, r.end.character))


def lsp_diagnostic(d: model.Diagnostic) -> lsp.Diagnostic:
    related = [lsp.DiagnosticRelatedInformation(lsp.Location(r.uri, lsp_range(r.range)), r.message) for r in d.related]
    return lsp.Diagnostic(
        range=lsp_range(d.range),
        message=d.message,
        severity=None if d.severity is None else lsp.DiagnosticSeverity(int(d.severity)),
        source=d.source,
        code=d.code,
        related_information=related or None,
        data=d.data,
    )


def publish_diagnostics_params(uri: str, diagnostics: list[model.Diagnostic]) -> lsp.PublishDiagnosticsParams:
    return lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[lsp_diagnostic(d) for d in diagnostics])


def fix_edit(uri: str, fix: FixModel) -> lsp.WorkspaceEdit:
    """A quick fix as the edit a code action carries."""
    return lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=lsp_range(fix.range), new_text=fix.new_text)]})


def advice_params(a: Advice) -> AdviceParams:
    fix: Fix | None = None
    if a.fix is not None:
        fix = {"title": a.fix.title, "range": range_params(a.fix.range), "newText": a.fix.new_text}
    return {
        "id": a.id,
        "uri": a.uri,
        "range": range_params(a.diagnostic().range),
        "message": a.message,
        "headline": a.headline,
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
        out["isolation"] = list(a.isolation)
    out["approvalId"] = uuid.uuid4().hex
    out["warnings"] = approval_text.approval_warnings(a)
    out["shown"] = approval_text.render(a, APPROVAL_TITLES[a.kind])
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


def device_params(d: model.DeviceStatus) -> DeviceStatus:
    return _device(d)


def to_json(value: Any) -> Any:
    """lsprotocol objects -> JSON-ready values (camelCase)."""
    return _converter().unstructure(value)
