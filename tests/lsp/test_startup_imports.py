"""Start-up stays light: `initialize` does not load what only a session needs (issue 20 item 8).

The real daemon (`livepair serve`, a fresh interpreter, never the prefork zygote) answers `initialize` and
`initialized` as the extension sends them and a hover; when its stdin ends it writes the names in `sys.modules`
just before it exits. The SDK, numpy and the session's modules load on `livepair.start`, not before.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from livepair.lsp.protocol import CLIENT_INFO

# Each of these costs start-up time and belongs to a session, a voice or a screen.
NOT_AT_START = (
    "google.genai",
    "websockets",
    "numpy",
    "sounddevice",
    "pocketsphinx",
    "PIL",
    "mss",
    "pyflakes",
    "livepair.backends.gemini",
    "livepair.media",
    "livepair.session.session",
    "livepair.session.factory",
)

# `livepair serve`, except that the exit the cli takes (os._exit, no atexit) first records the loaded modules.
WRAPPER = """
import json, os, sys
record, real_exit = sys.argv[1], os._exit
def exit_after_recording(code):
    with open(record, "w") as f:
        json.dump(sorted(sys.modules), f)
    real_exit(code)
os._exit = exit_after_recording
from livepair.cli import main
sys.exit(main(["serve"]))
"""


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_message(out: asyncio.StreamReader) -> dict[str, Any]:
    length = 0
    while (line := await out.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(await out.readexactly(length))


async def reply_to(out: asyncio.StreamReader, msg_id: int) -> dict[str, Any]:
    while (message := await read_message(out)).get("id") != msg_id or "method" in message:
        pass
    return message


async def initialize_then_leave(root: Path, record: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRAPPER,
        str(record),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=root,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    init = {
        "processId": None,
        "rootUri": root.as_uri(),
        "capabilities": {},
        "initializationOptions": {CLIENT_INFO: {"name": "vscode"}},  # as the extension announces itself
    }
    hover = {"textDocument": {"uri": (root / "f.py").as_uri()}, "position": {"line": 0, "character": 0}}
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}))
    reply = await asyncio.wait_for(reply_to(proc.stdout, 1), 60)
    assert reply["result"]["capabilities"]["hoverProvider"], reply
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": hover}))
    assert "result" in await asyncio.wait_for(reply_to(proc.stdout, 2), 30)
    proc.stdin.close()  # the editor leaves: the daemon exits, recording its modules first
    stderr = await asyncio.wait_for(proc.stderr.read(), 30)
    assert await asyncio.wait_for(proc.wait(), 30) == 0, stderr.decode(errors="replace")


def test_initialize_loads_no_session_sdk_or_media(tmp_path: Path) -> None:
    record = tmp_path / "modules.json"
    asyncio.run(initialize_then_leave(tmp_path, record))
    modules = json.loads(record.read_text())
    assert "livepair.lsp.server" in modules  # the record is the daemon's
    early = [m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_AT_START)]
    assert not early, f"loaded before any session started: {early}"
