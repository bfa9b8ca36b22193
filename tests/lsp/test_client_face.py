"""What the daemon makes of a client at initialize (its capability flags and face), and the session lifecycle the
server owns: an auto-start still under way when the editor shuts down is cancelled."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp

from livepair.app import create_server
from livepair.lsp import client, protocol
from livepair.session.editor_port import EditorCapabilities
from tests.lsp.harness import VSCODE_CAPABILITIES


def announced(name: str, terminal: bool) -> dict[str, object]:
    return {protocol.CLIENT_INFO: {"name": name, protocol.CLIENT_TERMINAL: terminal}}


def test_vscode_with_a_terminal_gets_every_flag_but_message_requests() -> None:
    server = create_server()
    server.client_connected(announced("vscode", True), VSCODE_CAPABILITIES)
    assert server.client == "vscode"
    assert server.capabilities == EditorCapabilities(terminal=True, edit_preview=True, sources=True)
    assert isinstance(server.face, client.LivePairFace)


def test_a_plain_client_is_asked_and_told_through_standard_messages() -> None:
    server = create_server()
    server.client_connected(None, lsp.ClientCapabilities())
    assert server.client is None
    assert server.capabilities == EditorCapabilities(sources=True, message_requests=True)
    assert isinstance(server.face, client.PlainFace)


def test_a_terminal_is_only_what_the_client_announced() -> None:
    server = create_server()
    server.client_connected(announced("neovim", False), lsp.ClientCapabilities())
    assert not server.capabilities.terminal and not server.capabilities.edit_preview
    assert not server.capabilities.message_requests  # the plugin answers livepair/approval


async def test_shutdown_cancels_an_auto_start_under_way() -> None:
    server = create_server()
    server.client_connected(None, lsp.ClientCapabilities())  # a plain client: it starts by itself
    began, ended = asyncio.Event(), asyncio.Event()

    async def slow_start(*_args: object, **_kwargs: object) -> protocol.StartResult:
        began.set()
        try:
            await asyncio.Event().wait()  # a start that would never finish by itself
        finally:
            ended.set()
        raise AssertionError("unreachable")

    server.lifecycle.start = slow_start  # type: ignore[method-assign]
    server.lifecycle.auto_start()
    await asyncio.wait_for(began.wait(), 5)
    await asyncio.wait_for(server.lifecycle.close(), 5)
    assert ended.is_set() and server.session is None
