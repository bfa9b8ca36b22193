"""Who the client is, read once at `initialize`: its name, what it can do (`EditorCapabilities`), and the face the
daemon shows it.

A client announces itself in initializationOptions (`livepairClient`: `{"name": "vscode" | "neovim", "terminal":
true}`). One that does not is a plain LSP client (Neovim's bare `vim.lsp.start`, Helix, ...): it ignores `livepair/*`
notifications and cannot answer `livepair/approval`, so its face speaks standard LSP messages instead: advice with no
line to sit on and a grounded answer's sources as `window/showMessage`, approvals as `window/showMessageRequest` (Deny
first: a prompt's default answer must be no), state changes as `window/logMessage`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from livepair.lsp import inbound, protocol
from livepair.lsp.edits import previews_edits
from livepair.model import CommandApproval, StatusSnapshot, ToolRunReport
from livepair.session import approval_text
from livepair.session.editor_port import EditorCapabilities

log = logging.getLogger(__name__)
VSCODE = "vscode"
NEOVIM = "neovim"  # editors/nvim announces itself so (livepairClient.name)
DENY, ALLOW = "Deny", "Allow"
APPROVAL_S = 300.0  # a person reads the prompt: be patient, but never wait forever


def _info(init_options: Any) -> dict[str, Any]:
    options = inbound.plain(init_options)
    info = options.get(protocol.CLIENT_INFO) if isinstance(options, dict) else None
    return info if isinstance(info, dict) else {}


def client_name(init_options: Any) -> str | None:
    """The LivePair client that announced itself, or None for a plain LSP client."""
    name = _info(init_options).get("name")
    return name if isinstance(name, str) and name else None


def capabilities(init_options: Any, caps: lsp.ClientCapabilities) -> EditorCapabilities:
    plain = client_name(init_options) is None
    return EditorCapabilities(
        terminal=_info(init_options).get(protocol.CLIENT_TERMINAL) is True,  # runs approved commands visibly
        edit_preview=previews_edits(caps),
        sources=True,  # the extension's panel shows them next to the answer; a plain client gets them as a message
        message_requests=plain,
    )


class HasClient(Protocol):
    client: str | None


def shows_own_hints_on_hover(ls: HasClient) -> bool:
    """VS Code's hover shows our diagnostics (and their fix); other editors' hovers (Neovim's `K`) do not."""
    return ls.client != VSCODE


class Face(Protocol):
    """What differs between a LivePair client and a plain one; the server sends the rest to both alike."""

    def status(self, snapshot: StatusSnapshot) -> None: ...
    def show(self, text: str) -> None: ...  # a reply with no line to sit on
    def sources(self, links: tuple[tuple[str, str], ...]) -> None: ...
    def tool_run(self, report: ToolRunReport) -> None: ...
    async def approve(self, request: CommandApproval) -> bool: ...


class LivePairFace:
    """The extension or the Neovim plugin: its panel shows replies and runs; it answers `livepair/approval`."""

    def __init__(self, ls: LanguageServer) -> None:
        self._ls = ls

    def status(self, snapshot: StatusSnapshot) -> None:
        return None  # livepair/status, which every client is sent, is all it needs

    def show(self, text: str) -> None:
        return None  # the panel has it from livepair/transcript

    def sources(self, links: tuple[tuple[str, str], ...]) -> None:
        return None  # the panel has them from livepair/sources

    def tool_run(self, report: ToolRunReport) -> None:
        return None  # the panel has it from livepair/toolRun

    async def approve(self, request: CommandApproval) -> bool:
        """Ask the user (livepair/approval); no answer within the timeout, or any failure, means no."""
        params = protocol.approval_params(request)
        withdraw: protocol.ApprovalWithdrawnParams = {"approvalId": params.get("approvalId", ""), "why": ""}
        try:
            # shielded: a late answer completes the request harmlessly instead of hitting a cancelled future
            asked = asyncio.shield(self._ls.protocol.send_request_async(protocol.APPROVAL, params))
            reply = await asyncio.wait_for(asked, APPROVAL_S)
        except asyncio.CancelledError:  # the editor closes (or voids) its prompt
            self._ls.protocol.notify(protocol.APPROVAL_WITHDRAWN, {**withdraw, "why": "the model cancelled the call"})
            raise
        except TimeoutError:
            self._ls.protocol.notify(protocol.APPROVAL_WITHDRAWN, {**withdraw, "why": "nobody answered in time"})
            return False
        except Exception as exc:  # a client without approval support, a dead pipe: all mean "no"
            log.info("approval not given (%s)", type(exc).__name__)
            return False
        reply = inbound.plain(reply)
        approved = isinstance(reply, dict) and reply.get("approved") is True
        if approved and request.remember is not None and reply.get("always") is True:
            request.remember()
        return approved


class PlainFace:
    """The session's output for a plain client, in standard LSP messages."""

    def __init__(self, ls: LanguageServer) -> None:
        self._ls = ls
        self._last_state: tuple[str, str, str] | None = None

    def status(self, snapshot: StatusSnapshot) -> None:
        state = (snapshot.state, snapshot.message, snapshot.mode)
        if state == self._last_state:
            return
        self._last_state = state
        backend = f" ({snapshot.backend})" if snapshot.backend else ""
        backend += " (tutor)" if snapshot.mode == "tutor" else ""
        text = f"LivePair: {snapshot.state}{backend}" + (f" — {snapshot.message}" if snapshot.message else "")
        kind = lsp.MessageType.Error if snapshot.state == "error" else lsp.MessageType.Info
        self._ls.window_log_message(lsp.LogMessageParams(type=kind, message=text))

    def show(self, text: str) -> None:
        """A reply with no line to sit on (an answer, a mistyped command) is shown as a message."""
        self._ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=f"LivePair: {text}"))

    def sources(self, links: tuple[tuple[str, str], ...]) -> None:
        self.show("Sources: " + "; ".join(f"{t} <{u}>" for t, u in links))  # only messages: the sources as text

    def tool_run(self, report: ToolRunReport) -> None:
        if report.outcome == "refused":  # nobody was asked: say why nothing ran
            self.show(report.output)

    async def approve(self, request: CommandApproval) -> bool:
        """Only the Allow button approves; Deny, a dismissed prompt, a timeout or an error all mean no.

        showMessageRequest cannot be taken back: a cancelled or timed-out call says so in a message, and the late
        answer is dropped (pygls ignores the reply to a cancelled request)."""
        params = lsp.ShowMessageRequestParams(
            type=lsp.MessageType.Warning,
            message=approval_message(request),
            actions=[lsp.MessageActionItem(title=DENY), lsp.MessageActionItem(title=ALLOW)],
        )
        try:
            asked = asyncio.shield(self._ls.window_show_message_request_async(params))  # a late answer is dropped
            reply = await asyncio.wait_for(asked, APPROVAL_S)
        except asyncio.CancelledError:
            self.show(approval_text.withdrawn(request, "the model cancelled the call"))
            raise
        except TimeoutError:
            self.show(approval_text.withdrawn(request, "nobody answered in time"))
            return False
        except Exception as exc:  # no support for the request, a dead pipe: all mean "no"
            log.info("approval not given (%s)", type(exc).__name__)
            return False
        return reply is not None and reply.title == ALLOW


def face_for(ls: LanguageServer, caps: EditorCapabilities) -> Face:
    return PlainFace(ls) if caps.message_requests else LivePairFace(ls)


def approval_message(request: CommandApproval) -> str:
    """The daemon's words first, exactly what runs (hidden characters escaped), then the model's reason, quoted."""
    return approval_text.render(request, protocol.APPROVAL_TITLES[request.kind])
