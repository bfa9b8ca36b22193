"""Everything the editor tells the daemon: settings, documents, diagnostics, terminal runs, editor state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from livepair import forget_import_paths
from livepair.config import parse_settings
from livepair.context.store import uri_to_path
from livepair.lsp import protocol
from livepair.lsp.inbound import DiagnosticsParams, PayloadError, parse_editor_state, parse_terminal_run
from livepair.lsp.server import LivePairServer


def _root(params: lsp.InitializeParams) -> Path | None:
    folders = params.workspace_folders or []
    uri = folders[0].uri if folders else params.root_uri
    return uri_to_path(uri) if uri else None


def register(server: LivePairServer) -> None:
    @server.feature(lsp.INITIALIZE)
    def initialize(ls: LivePairServer, params: lsp.InitializeParams) -> None:
        ls.context.root = _root(params)  # listeners hear RootChanged
        if ls.context.root is not None:  # nothing imported later (lazily) can come from the workspace
            forget_import_paths(str(ls.context.root))
        settings, warnings = parse_settings(params.initialization_options)
        ls.apply_settings(settings, warnings)
        ls.client_connected(params.initialization_options, params.capabilities)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: LivePairServer, params: lsp.DidChangeConfigurationParams) -> None:
        settings, warnings = parse_settings(params.settings, ls.settings)
        ls.apply_settings(settings, warnings)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LivePairServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.context.document_changed(params.text_document.uri, "opened")

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LivePairServer, params: lsp.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.advice.document_changed(uri):  # explanations of code that changed are stale
            ls.publish_advice(uri)
        ls.context.document_changed(uri, "edited")

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LivePairServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.context.document_changed(params.text_document.uri, "saved")

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LivePairServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.context.document_changed(params.text_document.uri, "closed")

    @server.feature(protocol.DIAGNOSTICS)
    def diagnostics(ls: LivePairServer, params: Any) -> None:
        with _payload(ls, protocol.DIAGNOSTICS):
            p = DiagnosticsParams.parse(params, ls.log_warning)
            ours = [d for d in p.diagnostics if d.source != "LivePair"]  # our own come back through the editor
            ls.context.set_diagnostics(p.uri, ours)

    @server.feature(protocol.TERMINAL)
    def terminal(ls: LivePairServer, params: Any) -> None:
        with _payload(ls, protocol.TERMINAL):
            ls.context.add_terminal_run(parse_terminal_run(params, ls.log_warning))

    @server.feature(protocol.EDITOR_STATE)
    def editor_state(ls: LivePairServer, params: Any) -> None:
        with _payload(ls, protocol.EDITOR_STATE):
            ls.context.set_editor_state(parse_editor_state(params))


class _payload:
    """Turn a malformed client payload into a logged, user-visible error instead of a dead handler."""

    def __init__(self, ls: LivePairServer, method: str) -> None:
        self._ls, self._method = ls, method

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, PayloadError):
            self._ls.log_error(f"Ignored a malformed {self._method} message: {exc}")
            return True
        return False
