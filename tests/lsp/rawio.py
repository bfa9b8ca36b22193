"""A raw-bytes editor: the real daemon over real stdio, with nothing between the test and the pipe.

pytest-lsp frames every message correctly; hostile-input tests need to write any bytes at all (lying headers,
garbage, invalid UTF-8) and still read the daemon's replies, so this client frames only what the daemon sends.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.prefork import daemon_command

Message = dict[str, Any]


def frame(body: bytes | str | Message) -> bytes:
    if isinstance(body, dict):
        body = json.dumps(body)
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


class RawDaemon:
    """`python -m livepair serve` on pipes; everything it writes to stdout is parsed, stderr is kept."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.received: list[Message] = []
        self.stderr = bytearray()
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1_000_000)
        self._tasks = [asyncio.ensure_future(self._read_stdout()), asyncio.ensure_future(self._read_stderr())]

    @classmethod
    async def start(cls, root: Path, env: dict[str, str] | None = None, settings: Message | None = None) -> RawDaemon:
        full_env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
        proc = await asyncio.create_subprocess_exec(
            *daemon_command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=full_env | (env or {}),
            limit=256 * 1024 * 1024,
        )
        daemon = cls(proc)
        # A client that announces nobody is a plain LSP client: keep the offline session from starting by itself
        # unless a test asks for it, so what the daemon logs is only what the test provokes.
        options = {"autoStart": "never", **(settings or {})}
        init = {"processId": None, "rootUri": root.as_uri(), "capabilities": {}, "initializationOptions": options}
        reply = await daemon.request("initialize", init)
        assert "result" in reply, reply
        daemon.notify("initialized", {})
        return daemon

    # -- writing ----------------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)

    async def drain(self) -> None:
        assert self.proc.stdin is not None
        await self.proc.stdin.drain()

    def notify(self, method: str, params: Any) -> None:
        self.write(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def send_request(self, method: str, params: Any, msg_id: int | str | None = None) -> int | str:
        msg_id = next(self._ids) if msg_id is None else msg_id
        self.write(frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        return msg_id

    async def request(self, method: str, params: Any, timeout: float = 15.0) -> Message:
        msg_id = self.send_request(method, params)
        await self.drain()
        return await self.reply(msg_id, timeout)

    async def command(self, name: str, *args: Any, timeout: float = 15.0) -> Message:
        return await self.request("workspace/executeCommand", {"command": name, "arguments": list(args)}, timeout)

    async def probe(self, timeout: float = 10.0) -> None:
        """The daemon still hears and answers: a hover on a document nobody opened comes back empty."""
        params = {"textDocument": {"uri": "file:///nowhere/probe.py"}, "position": {"line": 0, "character": 0}}
        reply = await self.request("textDocument/hover", params, timeout)
        assert reply.get("result", "missing") is None, reply

    # -- reading ----------------------------------------------------------------------------------
    def replies(self, msg_id: int | str) -> list[Message]:
        return [m for m in self.received if "method" not in m and m.get("id") == msg_id]

    def notifications(self, method: str) -> list[Message]:
        return [m for m in self.received if m.get("method") == method and "id" not in m]

    async def reply(self, msg_id: int | str, timeout: float = 15.0) -> Message:
        found = await self.wait_for(lambda: self.replies(msg_id), timeout, f"a reply to {msg_id!r}")
        return found[0]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
        async def until() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    if self.proc.returncode is not None and not predicate():
                        raise AssertionError(f"daemon exited ({self.proc.returncode}) before {what}: {self.err()}")
                    await self._changed.wait()
                return result

        try:
            return await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; stderr: {self.err()}") from None

    def err(self) -> str:
        """The tail of what the daemon logged (for messages)."""
        return self.stderr.decode(errors="replace")[-3000:]

    def err_lines(self) -> list[str]:
        """Every line the daemon logged so far."""
        return self.stderr.decode(errors="replace").splitlines()

    async def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        out = self.proc.stdout
        try:
            while True:
                length = None
                while (line := await out.readuntil(b"\r\n")) != b"\r\n":
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                assert length is not None, "the daemon sent a header without Content-Length"
                message = json.loads(await out.readexactly(length))
                if "method" in message and "id" in message:  # a request to the editor: answer like one
                    self.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
                async with self._changed:
                    self.received.append(message)
                    self._changed.notify_all()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            await self.proc.wait()
            async with self._changed:
                self._changed.notify_all()

    async def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        while chunk := await self.proc.stderr.read(65536):
            self.stderr += chunk

    # -- ending -----------------------------------------------------------------------------------
    async def close(self, timeout: float = 15.0) -> int:
        """shutdown, exit, end of input: the daemon's exit code."""
        if self.proc.returncode is None:
            try:
                await self.request("shutdown", None, timeout)
                self.notify("exit", None)
                assert self.proc.stdin is not None
                self.proc.stdin.close()
            except (ConnectionError, AssertionError):
                pass
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        return self.proc.returncode if self.proc.returncode is not None else -1
