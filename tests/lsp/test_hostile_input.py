"""Hostile input over real stdio: framing lies, invalid envelopes and params, oversize payloads.

Each test drives the real daemon with raw bytes (tests/lsp/rawio.py). "Not deaf" is proven the only way it can
be: after the lie, a valid request still gets its reply.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient
from tests.lsp.rawio import RawDaemon, frame

HOVER = {"textDocument": {"uri": "file:///nowhere/x.py"}, "position": {"line": 0, "character": 0}}
VALID = frame({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": HOVER})


@pytest.fixture
async def daemon(workspace: Path, tmp_path: Path) -> AsyncIterator[RawDaemon]:
    d = await RawDaemon.start(workspace, {"LIVEPAIR_STATE_DIR": str(tmp_path / "state")})
    yield d
    code = await d.close()
    assert code == 0, d.err()
    assert "Traceback" not in d.err()


FRAMING_LIES: dict[str, bytes] = {
    "huge length": b"Content-Length: 999999999999\r\n\r\n{}",
    "over the cap": b"Content-Length: %d\r\n\r\n" % (64 * 1024 * 1024 + 1),
    "negative length": b"Content-Length: -5\r\n\r\n{}",
    "non-numeric length": b"Content-Length: twelve\r\n\r\n{}",
    "no length": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}",
    "header without a body": b"Content-Length: 40\r\n\r\n",
    "body shorter than announced": b'Content-Length: 500\r\n\r\n{"jsonrpc": "2.0"}',
    "garbage between messages": b"\x00\xffhello garbage\r\n\r\nmore\n",
    "garbage glued to a header": b"junk" + frame("{}")[:-2] + b"{}",
    "invalid JSON": frame(b'{"jsonrpc": "2.0", "id": 3, "method": '),
    "JSON array": frame(b"[1, 2, 3]"),
    "JSON scalar": frame(b'"hello"'),
    "invalid UTF-8": frame(b'{"jsonrpc": "2.0", "method": "x", "params": "\xff\xfe"}'),
    "empty body": b"Content-Length: 0\r\n\r\n",
    "bare newlines": b"Content-Length: 2\n\n{}",
}


async def test_framing_lies_neither_crash_nor_deafen(daemon: RawDaemon) -> None:
    """One daemon takes every lie in turn; after each, the next valid request is answered."""
    for name, lie in FRAMING_LIES.items():
        daemon.write(lie)
        daemon.send_request("textDocument/hover", HOVER, msg_id=f"after {name}")
        await daemon.drain()
        reply = await daemon.reply(f"after {name}", timeout=10)
        assert reply.get("result", "missing") is None, (name, reply)
        assert len(daemon.replies(f"after {name}")) == 1 and daemon.proc.returncode is None, name
    await daemon.probe()


async def test_a_request_with_invalid_json_is_answered_when_its_id_is_readable(daemon: RawDaemon) -> None:
    daemon.write(frame(b'{"jsonrpc": "2.0", "id": 41, "method": "textDocument/hover", "params": {'))
    await daemon.drain()
    reply = await daemon.reply(41)
    assert reply["error"]["code"] == -32700 and "data" not in reply["error"]


async def test_every_framing_lie_logs_one_line(daemon: RawDaemon) -> None:
    before = len(daemon.err_lines())
    daemon.write(FRAMING_LIES["negative length"])
    daemon.write(VALID)
    await daemon.drain()
    await daemon.reply(7)
    lines = daemon.err_lines()[before:]
    assert len([line for line in lines if "Content-Length" in line]) == 1, lines


# -- invalid params: answered, briefly, without a traceback ------------------------------------------------
INVALID_REQUESTS: dict[str, tuple[str, Any, int, str]] = {
    "hover without a position": ("textDocument/hover", {"textDocument": {"uri": "file:///x"}}, -32602, "position"),
    "hover with a string for params": ("textDocument/hover", "x", -32602, "params must be an object"),
    "codeAction with a list for a range": ("textDocument/codeAction", {"range": []}, -32602, "invalid params"),
    "didOpen as a request": ("textDocument/didOpen", {}, -32602, "text_document"),
    "didSave sent as a request": (
        "textDocument/didSave",
        {"textDocument": {"uri": "file:///x"}},
        -32600,
        "is a notification",
    ),
    "unknown method": ("livepair/whatever", {}, -32601, "unknown method"),
    "unknown command": ("workspace/executeCommand", {"command": "livepair.nope"}, -32602, "not defined"),
    "command name not a string": ("workspace/executeCommand", {"command": 5}, -32602, "not defined"),
    "arguments not a list": (
        "workspace/executeCommand",
        {"command": "livepair.ask", "arguments": "why"},
        -32602,
        "'arguments' must be an array",
    ),
    "ask with no question": ("workspace/executeCommand", {"command": "livepair.ask"}, -32602, "needs a question"),
    "ask without a session": (
        "workspace/executeCommand",
        {"command": "livepair.ask", "arguments": ["why?"]},
        -32803,
        "No LivePair session",
    ),
    "explain with a broken diagnostic": (
        "workspace/executeCommand",
        {"command": "livepair.explain", "arguments": ["file:///x.py", {"message": 3}]},
        -32602,
        "diagnostic 0",
    ),
    "a huge uri": ("textDocument/hover", {"textDocument": {"uri": "file:///" + "u" * 5000}}, -32602, "uri too long"),
}


async def test_invalid_requests_get_one_short_error_and_one_log_line(daemon: RawDaemon) -> None:
    for name, (method, params, code, words) in INVALID_REQUESTS.items():
        before = len(daemon.err_lines())
        reply = await daemon.request(method, params)
        error = reply["error"]
        assert error["code"] == code and words in error["message"], (name, error)
        assert "data" not in error and len(error["message"]) <= 300, name
        await daemon.probe()
        assert len(daemon.replies(reply["id"])) == 1, name
        logged = daemon.err_lines()[before:]
        assert len(logged) == 1, (name, logged)
    assert "Traceback" not in daemon.err()


async def test_requests_with_odd_ids_and_envelopes(daemon: RawDaemon) -> None:
    odd: list[tuple[Any, int]] = [
        ({"jsonrpc": "2.0", "id": "s", "method": 5}, -32600),
        ({"jsonrpc": "1.0", "id": "v", "method": "textDocument/hover"}, -32600),
        ({"jsonrpc": "2.0", "id": "r"}, -32600),
    ]
    for message, _ in odd:
        daemon.write(frame(message))
    daemon.write(frame(json.dumps([{"jsonrpc": "2.0", "id": "b1", "method": "x"}, 3])))
    for message in ({"jsonrpc": "2.0", "id": 1.5, "method": "x"}, {"jsonrpc": "2.0", "id": None, "method": "x"}):
        daemon.write(frame(message))  # ids no reply can carry back: logged only
    await daemon.drain()
    for message, code in odd:
        assert (await daemon.reply(message["id"]))["error"]["code"] == code
    assert (await daemon.reply("b1"))["error"]["code"] == -32600
    await daemon.probe()


async def test_requests_after_shutdown_are_refused_not_dropped(daemon: RawDaemon) -> None:
    assert (await daemon.request("shutdown", None)).get("result", "missing") is None
    reply = await daemon.request("textDocument/hover", HOVER)
    assert reply["error"]["code"] == -32600 and "shutting down" in reply["error"]["message"]


@pytest.mark.parametrize("shut_down_first", [True, False], ids=["shutdown-exit", "exit-alone"])
async def test_exit_ends_the_daemon_with_the_specified_code(
    workspace: Path, tmp_path: Path, shut_down_first: bool
) -> None:
    """`exit` alone ends the process (stdin left open): 0 after `shutdown`, 1 without, as LSP specifies; no
    traceback either way (the process once died in its own stdout flush, late and with the wrong code)."""
    daemon = await RawDaemon.start(workspace, {"LIVEPAIR_STATE_DIR": str(tmp_path / "state")})
    if shut_down_first:
        await daemon.request("shutdown", None)
    daemon.notify("exit", None)
    await daemon.drain()
    assert await daemon.proc.wait() == (0 if shut_down_first else 1)
    await daemon.close()
    assert "Traceback" not in daemon.err() and "the editor sent exit" in daemon.err(), daemon.err()


async def test_input_ending_mid_message_exits_cleanly(daemon: RawDaemon) -> None:
    daemon.write(b"Content-Length: 100\r\n\r\n{")
    await daemon.drain()
    assert daemon.proc.stdin is not None
    daemon.proc.stdin.close()
    assert await daemon.proc.wait() == 0
    await daemon.close()
    assert "input ended inside a message" in daemon.err() and "the editor closed stdin" in daemon.err()


# -- oversize input: capped at the edge, never sent to the model whole ----------------------------------------
@pytest.mark.slow
async def test_oversize_input_never_reaches_the_model_whole(editor: EditorClient, fake: FakeLiveServer) -> None:
    uri = editor.open("f.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")

    with pytest.raises(JsonRpcException) as refused:
        await editor.command("livepair.ask", "why " * 1_250_000)  # 5 MB
    assert refused.value.code == -32602 and "question too long (4999999 chars, max 4000)" in refused.value.message

    editor.send_terminal("echo " + "A" * 1_000_000, "boom\n", 1)  # a 1 MB command: its start is kept
    huge_uri = "file:///" + "B" * 2_000_000
    editor.notify("livepair/editorState", {"uri": huge_uri, "visibleRanges": [], "visibleUris": []})
    editor.send_diagnostics(huge_uri, [scenario.diagnostics()[0]])
    editor.notify("livepair/editorState", {"uri": uri, "visibleUris": [uri] * 101})
    many = [scenario.diagnostics()[0] | {"message": f"m{i}", "severity": 2} for i in range(6_000)]
    editor.send_diagnostics(uri, [*many, scenario.diagnostics()[0] | {"message": "C" * 100_000, "severity": 1}])
    editor.send_editor_state(uri, 5)  # after all of the above: when this reaches the model, they were handled

    await fake.wait_until(lambda: "cursor at line 6" in fake.all_text() and "Last terminal command" in fake.all_text())
    await fake.wait_until(lambda: "Diagnostics (5000)" in fake.all_text())
    sent = fake.all_text()
    assert "A" * 4000 in sent and "A" * 4097 not in sent and "(cut: 1000005 chars)" in sent
    assert "B" * 5000 not in sent and "C" * 2001 not in sent and "why why why" not in sent
    assert len(sent) < 200_000, len(sent)

    errors = [m.message for m in editor.lsp.log_messages if m.type == lsp.MessageType.Error]
    warnings = [m.message for m in editor.lsp.log_messages if m.type == lsp.MessageType.Warning]
    assert any("'uri' too long (2000008 chars, max 4096)" in e and "editorState" in e for e in errors), errors
    assert any("'uri' too long" in e and "diagnostics" in e for e in errors), errors
    assert any("too many 'visibleUris' (101, max 100)" in e for e in errors), errors
    assert any("command too long (1000005 chars, max 4096)" in w for w in warnings), warnings
    assert any("6001 diagnostics for one document; kept the 5000 most severe" in w for w in warnings), warnings
