"""Fixtures for screen tests: a real X display (Xvfb), a scriptable screen on it, the fake Live server, and the
real daemon over stdio with DISPLAY pointing at that display."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.lsp.harness import EditorClient, settings_for, start_editor
from tests.media.xvfb import Painter, Xvfb
from tests.tooling import require_tool

StartDaemon = Callable[..., Awaitable[EditorClient]]


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    require_tool("Xvfb", "xdotool", hint="run scripts/setup-screen.sh as root (make setup)")
    display = Xvfb(1280, 800).start()
    yield display
    display.stop()


@pytest.fixture
async def painter(xvfb: Xvfb) -> AsyncIterator[Painter]:
    p = await Painter.start(xvfb.display)
    yield p
    await p.close()


@pytest.fixture
def workspace(workspace: Path) -> Path:
    """The shared workspace with a .env file, which screen sharing must never show."""
    (workspace / ".env").write_text("DATABASE_URL=postgres://localhost/dev\n")
    return workspace


@pytest.fixture
async def start_daemon(workspace: Path, fake: FakeLiveServer, xvfb: Xvfb, tmp_path: Path) -> AsyncIterator[StartDaemon]:
    """Start the daemon on the Xvfb display (or none: `display=False`), with screen settings on top of the
    usual test settings (and another PATH if given); the sent log goes to tmp_path/state."""
    clients: list[EditorClient] = []

    async def start(display: bool = True, path: str | None = None, **settings: Any) -> EditorClient:
        env = fake.subprocess_env()
        if path is not None:
            env["PATH"] = path
        for name in ("GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
            env.pop(name, None)
        env["LIVEPAIR_STATE_DIR"] = str(tmp_path / "state")
        env["DISPLAY"] = xvfb.display if display else ""  # empty, not absent: the runner's own DISPLAY is inherited
        env["WAYLAND_DISPLAY"] = ""
        # The user said "share this window's monitor" once (screen sharing asks on first use), unless a test says.
        client = await start_editor(workspace, env, settings_for(fake, **{"screenShare": "monitor", **settings}))
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.lsp.shutdown_session()
