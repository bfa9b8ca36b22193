"""Hostile input over real stdio: framing lies, invalid envelopes and params, oversize payloads.

Each test drives the real daemon with raw bytes (tests/lsp/rawio.py). "Not deaf" is proven the only way it can
be: after the lie, a valid request still gets its reply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("lie", FRAMING_LIES.values(), ids=FRAMING_LIES.keys())
async def test_framing_lies_neither_crash_nor_deafen(daemon: RawDaemon, lie: bytes) -> None:
    daemon.write(lie)
    daemon.write(VALID)
    await daemon.drain()
    reply = await daemon.reply(7)
    assert reply.get("result", "missing") is None, reply
    await daemon.probe()
    assert daemon.proc.returncode is None


async def test_a_request_with_invalid_json_is_answered_when_its_id_is_readable(daemon: RawDaemon) -> None:
    daemon.write(frame(b'{"jsonrpc": "2.0", "id": 41, "method": "textDocument/hover", "params": {'))
    await daemon.drain()
    reply = await daemon.reply(41)
    assert reply["error"]["code"] == -32700 and "data" not in reply["error"]


async def test_every_framing_lie_logs_one_line(daemon: RawDaemon) -> None:
    before = daemon.err().count("\n")
    daemon.write(FRAMING_LIES["negative length"])
    daemon.write(VALID)
    await daemon.drain()
    await daemon.reply(7)
    lines = daemon.err().splitlines()[before:]
    assert len([line for line in lines if "Content-Length" in line]) == 1, lines
