"""LivePairServer: the daemon's state and its face towards the editor.

Handlers live in lsp/features/ (one feature a file) and take `ls`; they stay thin and call into the stores, the
session and its lifecycle (`lifecycle.py`) owned here. The server is also the session's `EditorPort`
(`session/editor_port.py`): it turns the daemon's types into wire payloads with `protocol.py` and `edits.py`, and
leaves what differs between a LivePair client and a plain one to the client's face (`client.py`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import attrs
from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from livepair import __version__
from livepair.advice.store import Advice, AdviceStore
from livepair.config import Settings
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.lsp import client, inbound, protocol
from livepair.lsp.edits import workspace_edit
from livepair.lsp.lifecycle import SessionLifecycle
from livepair.lsp.rpc import GuardedProtocol, serve_stdio
from livepair.model import CommandApproval, ProposedEdit, StatusSnapshot, TerminalRequest, ToolRunReport
from livepair.session.editor_port import EditorCapabilities, EditOutcome
from livepair.session.process import ProcessResult

if TYPE_CHECKING:  # the session's modules load on `livepair.start`, not at `initialize`
    from livepair.session.factory import SessionParts
    from livepair.session.session import PairSession

log = logging.getLogger(__name__)
TERMINAL_GRACE_S = 15.0  # the editor kills a run at its timeout; this covers creating the terminal and replying


def loop_time() -> float:
    return time.monotonic()


@attrs.define
class RawNotification:
    """A livepair/* notification whose params stay plain JSON until protocol.py parses them.

    pygls' fallback turns unknown params into namedtuples, one class per object: 10,000 diagnostics took ~4 s.
    """

    method: str
    jsonrpc: str
    params: Any = None


class LivePairProtocol(GuardedProtocol):
    def get_message_type(self, method: str) -> type[Any] | None:  # type: ignore[override]  # base is lru_cached
        if method in protocol.CLIENT_NOTIFICATIONS:
            return RawNotification
        return super().get_message_type(method)


class LivePairServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "livepair",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=LivePairProtocol,
        )
        self.settings = Settings()
        self.redactor = Redactor(enabled=True)
        self.context = ContextStore(self._open_text)
        self.advice = AdviceStore(self._line_text)
        self.session: PairSession | None = None
        self.lifecycle = SessionLifecycle(self)
        self.client: str | None = None  # the LivePair client that announced itself; None: a plain LSP client
        self.capabilities = EditorCapabilities(sources=True)  # set from the client's at initialize
        self.face: client.Face = client.LivePairFace(self)

    def client_connected(self, init_options: Any, caps: lsp.ClientCapabilities) -> None:
        """At initialize: who the client is, what it can do, and so which face it is shown."""
        self.client = client.client_name(init_options)
        self.capabilities = client.capabilities(init_options, caps)
        self.face = client.face_for(self, self.capabilities)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        self.run_stdio(stdin, stdout)

    def run_stdio(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
        """Serve until the editor leaves; the process's exit code."""
        return serve_stdio(self, stdin, stdout, self.end_link)  # the bounded, resynchronising reader (lsp/framing.py)

    async def end_link(self) -> None:
        """The editor is leaving (exit, stdin closed, SIGTERM): close the model link cleanly (Live: 1000)."""
        if self.session is not None:
            await self.session.backend.close()

    @property
    def session_parts(self) -> SessionParts:
        from livepair.session.factory import SessionParts

        return SessionParts(self.context, self.advice, self.redactor, self)

    # -- document access for the stores -----------------------------------------------------------------
    def _open_text(self, uri: str) -> str | None:
        try:
            docs = self.workspace.text_documents
        except RuntimeError:  # before initialize
            return None
        doc = docs.get(uri)
        return doc.source if doc is not None else None

    def _line_text(self, uri: str, line: int) -> str | None:
        text = self.context.text(uri)
        if text is None:
            return None
        lines = text.splitlines()
        return lines[line] if 0 <= line < len(lines) else None

    # -- settings ---------------------------------------------------------------------------------
    def apply_settings(self, settings: Settings, warnings: list[str]) -> None:
        before, self.settings = self.settings, settings
        if self.session is not None and (settings.mode, settings.learner_level) != (before.mode, before.learner_level):
            self.session.teaching.set(settings.mode, settings.learner_level)  # tutor mode switches at once
        self.redactor.enabled = settings.redaction
        for warning in warnings:
            self.warn(warning)

    # -- EditorPort ----------------------------------------------------------------------------------
    def status(self, snapshot: StatusSnapshot) -> None:
        self.protocol.notify(protocol.STATUS, protocol.status_params(snapshot))
        self.face.status(snapshot)

    def transcript(self, role: Literal["user", "model"], text: str, final: bool) -> None:
        self.protocol.notify(protocol.TRANSCRIPT, protocol.transcript_params(role, text, final))

    def advice_changed(self, uri: str, added: Advice | None) -> None:
        self.publish_advice(uri)
        if added is not None:
            self.protocol.notify(protocol.ADVICE, protocol.advice_params(added))

    def sources(self, links: tuple[tuple[str, str], ...], queries: tuple[str, ...]) -> None:
        self.protocol.notify(protocol.SOURCES, protocol.sources_params(links, queries))
        self.face.sources(links)

    def unplaced(self, text: str) -> None:
        self.face.show(text)

    async def approve(self, request: CommandApproval) -> bool:
        """Ask the user as the client can be asked; no answer within the timeout, or any failure, means no."""
        return await self.face.approve(request)

    async def run_in_terminal(self, request: TerminalRequest) -> ProcessResult:
        """Run in a terminal the user sees (only when `capabilities.terminal`: livepair/runInTerminal).

        A cancelled tool call cancels this wait: the editor is told to kill the run (livepair/cancelRun)."""
        began = loop_time()
        params = protocol.run_in_terminal_params(request)
        try:
            reply = await asyncio.wait_for(
                self.protocol.send_request_async(protocol.RUN_IN_TERMINAL, params),
                request.timeout_s + TERMINAL_GRACE_S,
            )
            code, output, timed_out, truncated = inbound.parse_run_result(reply, request.max_output)
        except asyncio.CancelledError:
            self.protocol.notify(protocol.CANCEL_RUN, {"runId": request.run_id})
            raise
        except TimeoutError:
            self.protocol.notify(protocol.CANCEL_RUN, {"runId": request.run_id})
            return ProcessResult(None, "", timed_out=True, duration_s=loop_time() - began)
        except Exception as exc:  # the terminal failed: say so, never run it a second time behind the user's back
            log.warning("the editor's terminal failed: %s", exc)
            return ProcessResult(None, f"The editor could not run the command in a terminal: {exc}")
        return ProcessResult(code, output, timed_out, truncated, loop_time() - began)

    def tool_run(self, report: ToolRunReport) -> None:
        self.protocol.notify(protocol.TOOL_RUN, protocol.tool_run_params(report))
        self.face.tool_run(report)

    async def apply_edit(self, edit: ProposedEdit) -> EditOutcome:
        """A preview the user applies or discards (a change annotation that needs confirmation); sent only when
        `capabilities.edit_preview`: a client without it would apply the edit without asking."""
        params = lsp.ApplyWorkspaceEditParams(edit=workspace_edit(edit), label="LivePair")
        try:
            result = await self.workspace_apply_edit_async(params)
        except Exception as exc:  # a dead pipe or a client error: nothing was applied
            log.info("edit not applied (%s)", type(exc).__name__)
            return "declined"
        return "applied" if result is not None and result.applied else "declined"

    async def show_document(self, uri: str, line: int) -> bool:
        caps = self.client_capabilities.window
        if caps is None or caps.show_document is None or not caps.show_document.support:
            return False
        at = lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0))
        try:
            result = await self.window_show_document_async(
                lsp.ShowDocumentParams(uri=uri, take_focus=True, selection=at)
            )
        except Exception as exc:
            log.info("could not show %s (%s)", uri, type(exc).__name__)
            return False
        return result is not None and result.success

    def publish_advice(self, uri: str) -> None:
        self.text_document_publish_diagnostics(protocol.publish_diagnostics_params(uri, self.advice.diagnostics(uri)))

    # -- messages to the user ------------------------------------------------------------------------
    def warn(self, message: str) -> None:
        log.warning("%s", message)
        self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=message))

    def log_warning(self, message: str) -> None:
        log.warning("%s", message)
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=message))

    def log_error(self, message: str) -> None:
        log.error("%s", message)
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=message))

    def idle_status(self, message: str = "") -> None:
        self.status(StatusSnapshot("idle", message=message))
