"""Build the server with every feature registered."""

from __future__ import annotations

from livepair.lsp.features import code_actions, commands, hover, sync
from livepair.lsp.server import BackendFactory, LivePairServer, default_backend


def create_server(backend_factory: BackendFactory = default_backend) -> LivePairServer:
    server = LivePairServer(backend_factory)
    for feature in (sync, hover, code_actions, commands):
        feature.register(server)
    return server
