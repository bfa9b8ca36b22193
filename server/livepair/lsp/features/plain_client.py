"""Editors without a button: the senior dev starts by itself after `initialized`.

The setting `autoStart` says how (offline by default: nothing leaves the machine unless the user asked for it); it
applies to plain LSP clients and the Neovim plugin, not to VS Code, whose button starts a session. What a plain client
is shown instead of `livepair/*` is its face (lsp/client.py); hover on LivePair's own hints is in hover.py.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from livepair.lsp.client import VSCODE
from livepair.lsp.server import LivePairServer

READY_VSCODE = "Ready. Press 'Pair with senior dev' to start."
READY_OTHER = "Ready. Start a session with the livepair.start command (or the autoStart setting)."


def register(server: LivePairServer) -> None:
    @server.feature(lsp.INITIALIZED)
    def initialized(ls: LivePairServer, params: lsp.InitializedParams) -> None:
        ls.idle_status(READY_VSCODE if ls.client == VSCODE else READY_OTHER)
        ls.lifecycle.auto_start()

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: LivePairServer, params: None) -> None:
        await ls.lifecycle.close()
