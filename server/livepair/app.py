"""Build the server with every feature registered."""

from __future__ import annotations

from livepair.lsp.features import code_actions, commands, hover, plain_client, sync, tutor
from livepair.lsp.server import LivePairServer


def create_server() -> LivePairServer:
    server = LivePairServer()
    for feature in (sync, plain_client, hover, code_actions, commands, tutor):
        feature.register(server)
    return server
