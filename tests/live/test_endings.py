"""Every way a session ends closes the Live socket with 1000 (issue 22: the editor leaving without
`livepair.stop` closed it with 1011): `livepair.stop`, `shutdown` + `exit`, the editor's pipe closing, and
SIGTERM — each through a real `livepair serve` process on real pipes, against the simulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import echo_model
from tests.keys import API_KEY
from tests.lsp.harness import settings_for
from tests.lsp.rawio import RawDaemon

pytestmark = pytest.mark.slow


async def serve(root: Path, env: dict[str, str], settings: dict[str, Any]) -> RawDaemon:
    """`python -m livepair serve` itself (not a prefork launcher): a signal must reach the daemon."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")} | env
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "livepair",
        "serve",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=full_env,
    )
    daemon = RawDaemon(proc)
    init = {"processId": None, "rootUri": root.as_uri(), "capabilities": {}, "initializationOptions": settings}
    assert "result" in await daemon.request("initialize", init, timeout=30)
    daemon.notify("initialized", {})
    return daemon


@pytest.mark.parametrize("ending", ["stop", "shutdown-exit", "stdin-closed", "sigterm"])
async def test_every_ending_closes_the_live_socket_with_1000(
    workspace: Path, fake: FakeLiveServer, tmp_path: Path, ending: str
) -> None:
    fake.model = echo_model
    env = fake.subprocess_env() | {"LIVEPAIR_STATE_DIR": str(tmp_path / "state")}
    env.pop("GEMINI_API_KEY")
    env.pop("GOOGLE_GEMINI_BASE_URL")
    daemon = await serve(workspace, env, {"autoStart": "never", **settings_for(fake)})
    try:
        reply = await daemon.command("livepair.start", {"apiKey": API_KEY})
        assert "result" in reply, reply
        session = await fake.wait_session()
        await fake.wait_until(lambda: session.accepted)
        if ending == "stop":
            assert "result" in await daemon.command("livepair.stop")
        elif ending == "shutdown-exit":
            await daemon.request("shutdown", None)
            daemon.notify("exit", None)
            await daemon.drain()
        elif ending == "stdin-closed":
            assert daemon.proc.stdin is not None
            daemon.proc.stdin.close()
        else:
            daemon.proc.send_signal(signal.SIGTERM)
        await session.wait_closed(timeout=15)
        assert session.close_code == 1000, (session.close_code, daemon.err())
        if ending != "stop":
            assert await asyncio.wait_for(daemon.proc.wait(), 15) == 0
            assert "Traceback" not in daemon.err(), daemon.err()
    finally:
        if daemon.proc.returncode is None:
            daemon.proc.kill()
        await daemon.close()
