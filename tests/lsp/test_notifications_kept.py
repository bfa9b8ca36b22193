"""What an editor sends all day leaves nothing behind: pygls files the future of every async or generator handler
under an id, and for a notification nothing ever took it out, so each edit (didChange) stayed in memory for the
daemon's lifetime. Found by the daemon soak (tests/live/daemon_soak.py): RSS grew steadily with editor traffic."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from livepair.app import create_server
from livepair.lsp.rpc import GuardedProtocol


class Sink:
    def __init__(self) -> None:
        self.out: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.out.append(data)

    def close(self) -> None: ...


async def test_a_day_of_edits_and_editor_updates_keeps_no_handler_futures(tmp_path: Any) -> None:
    server = create_server()
    proto = server.protocol
    assert isinstance(proto, GuardedProtocol)  # the daemon's framing entry point: one body in, one message handled
    sink = Sink()
    proto.set_writer(sink)

    def send(method: str, params: dict[str, Any], msg_id: int | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if msg_id is not None:
            message["id"] = msg_id
        proto.receive(json.dumps(message).encode())

    send("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}, msg_id=1)
    # no `initialized`: a plain client would get a session started for it, which this test does not need
    uri = (tmp_path / "f.py").as_uri()
    send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "a\n"}})
    start = {"line": 0, "character": 0}
    edits = 300
    for n in range(edits):
        change = {"range": {"start": start, "end": {"line": 1, "character": 0}}, "text": f"# {n}\n"}
        send("textDocument/didChange", {"textDocument": {"uri": uri, "version": n + 2}, "contentChanges": [change]})
        send("livepair/editorState", {"uri": uri, "selection": {"start": start, "end": start}})
        send("livepair/diagnostics", {"uri": uri, "diagnostics": []})
        await asyncio.sleep(0)
    running = [asyncio.wrap_future(f) for f in list(proto._request_futures.values()) if not f.done()]
    if running:  # handlers still under way: let them finish (a kept future is one that finished)
        await asyncio.wait(running, timeout=5)
    assert server.workspace.get_text_document(uri).source == f"# {edits - 1}\n", "every edit was applied"
    assert len(proto._request_futures) == 0, f"{len(proto._request_futures)} handler futures kept"
    await server.lifecycle.close()
