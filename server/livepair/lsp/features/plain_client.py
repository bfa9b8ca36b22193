"""Editors without the LivePair extension or plugin: the senior dev through standard LSP alone.

A client announces itself in initializationOptions (`livepairClient`: `{"name": "vscode" | "neovim"}`). One that
does not is a plain LSP client (Neovim's bare `vim.lsp.start`, Helix, ...): it never presses a button, ignores
`livepair/*` notifications and cannot answer `livepair/approval`. For it the daemon
- starts a session by itself after `initialized` (setting `autoStart`; also for the Neovim plugin, not for VS Code),
- shows advice that has no line to sit on as `window/showMessage`,
- asks approvals with `window/showMessageRequest` (Deny first: a prompt's default answer must be no),
- reports state changes with `window/logMessage`.
Hover on LivePair's own hints is in hover.py (every client but VS Code, whose hover already shows them).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from livepair.aio import TaskOwner
from livepair.lsp import inbound, protocol
from livepair.model import CommandApproval, StatusSnapshot
from livepair.session import approval_text

if TYPE_CHECKING:
    from livepair.lsp.server import LivePairServer

log = logging.getLogger(__name__)
VSCODE = "vscode"
DENY, ALLOW = "Deny", "Allow"
# A turn's tool calls (its hints) can land just after its text: wait this long before deciding it had no file.
READY_VSCODE = "Ready. Press 'Pair with senior dev' to start."
READY_OTHER = "Ready. Start a session with the livepair.start command (or the autoStart setting)."
APPROVAL_S = 300.0  # a person reads the prompt: be patient, but never wait forever


def client_has_terminal(init_options: Any) -> bool:
    """The LivePair client announced it runs approved commands in a visible terminal."""
    options = inbound.plain(init_options)
    info = options.get(protocol.CLIENT_INFO) if isinstance(options, dict) else None
    return isinstance(info, dict) and info.get(protocol.CLIENT_TERMINAL) is True


def client_name(init_options: Any) -> str | None:
    """The LivePair client that announced itself, or None for a plain LSP client."""
    options = inbound.plain(init_options)
    info = options.get(protocol.CLIENT_INFO) if isinstance(options, dict) else None
    name = info.get("name") if isinstance(info, dict) else None
    return name if isinstance(name, str) and name else None


def shows_own_hints_on_hover(ls: LivePairServer) -> bool:
    """VS Code's hover shows our diagnostics (and their fix); other editors' hovers (Neovim's `K`) do not."""
    return ls.client != VSCODE


class PlainFace:
    """The session's output for a plain client, in standard LSP messages."""

    def __init__(self, ls: LivePairServer) -> None:
        self._ls = ls
        self._last_state: tuple[str, str] | None = None

    def status(self, snapshot: StatusSnapshot) -> None:
        state = (snapshot.state, snapshot.message)
        if state == self._last_state:
            return
        self._last_state = state
        backend = f" ({snapshot.backend})" if snapshot.backend else ""
        text = f"LivePair: {snapshot.state}{backend}" + (f" — {snapshot.message}" if snapshot.message else "")
        kind = lsp.MessageType.Error if snapshot.state == "error" else lsp.MessageType.Info
        self._ls.window_log_message(lsp.LogMessageParams(type=kind, message=text))

    def show(self, text: str) -> None:
        """A reply with no line to sit on (an answer, a mistyped command) is shown as a message."""
        self._ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=f"LivePair: {text}"))

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


def approval_message(request: CommandApproval) -> str:
    """The daemon's words first, exactly what runs (hidden characters escaped), then the model's reason, quoted."""
    return approval_text.render(request, protocol.APPROVAL_TITLES[request.kind])


async def auto_start(ls: LivePairServer) -> None:
    """Start a session as `autoStart` says; VS Code has its button instead."""
    from livepair.config import env_api_key
    from livepair.lsp.features.commands import start_session

    mode = ls.settings.auto_start
    if ls.client == VSCODE or mode == "never" or ls.session is not None:
        return
    if mode == "offline":  # nothing leaves the machine unless the user asked for it
        await start_session(ls, None, dataclasses.replace(ls.settings, backend="offline"))
    else:
        await start_session(ls, env_api_key())


def register(server: LivePairServer) -> None:
    owner = TaskOwner("auto-start")

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: LivePairServer, params: lsp.InitializedParams) -> None:
        ls.idle_status(READY_VSCODE if ls.client == VSCODE else READY_OTHER)
        owner.spawn("auto-start", auto_start(ls))
