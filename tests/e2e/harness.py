"""Everything an e2e run needs, shared by the test and the extension benchmark: the fake Live server, code-server
with the extension, and Chromium driven by Playwright. Every process is stopped on the way out, failure or not."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright

from devtools.code_server import CodeServer
from livepair import scenario
from tests.e2e.tools import E2ETools
from tests.e2e.workbench import Workbench
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass
class Editor:
    server: CodeServer
    workspace: Path
    page: Page
    bench: Workbench


def livepair_settings(fake: FakeLiveServer) -> dict[str, Any]:
    """The extension's settings for a run against the fake: this repo's venv runs the daemon, text answers."""
    return {
        "livepair.python": sys.executable,
        "livepair.baseUrl": fake.url,
        "livepair.responseModality": "text",
        "livepair.model": MODEL,
        "livepair.micEnabled": False,
        "livepair.digestDebounceMs": 50,
        "livepair.hoverWaitMs": 3000,
        "livepair.screenShare": "monitor",  # as if answered once; test_vscode.py answers the first-use question
    }


@contextlib.asynccontextmanager
async def open_editor(
    tools: E2ETools,
    fake: FakeLiveServer,
    workdir: Path,
    artifacts: Path,
    *,
    env_key: bool = True,
    python_setting: bool = True,
    settings: dict[str, Any] | None = None,
    display: str | None = None,
    viewport: tuple[int, int] = (1400, 900),
    files: dict[str, str] | None = None,
) -> AsyncIterator[Editor]:
    """code-server on the f.py workspace, opened in Chromium; logs are kept in `artifacts`.

    `env_key=False`: no GEMINI_API_KEY in the environment (the key must come from secret storage).
    `python_setting=False`: no livepair.python, so the extension must find or install the daemon itself.
    `settings`: more user settings, overriding the defaults.
    `display`: an X display (Xvfb) on which Chromium runs headed, filling the screen, and which the daemon shares.
    `viewport`: the browser page's size (width, height) in CSS pixels.
    `files`: files written into the workspace over the scenario's (relative path: text), before VS Code starts.
    """
    artifacts.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240  (before anything runs)
    workspace = workdir / "ws"
    scenario.write_workspace(workspace)
    for name, text in (files or {}).items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text)
    env = fake.subprocess_env()
    env.pop("GOOGLE_GEMINI_BASE_URL")  # the endpoint comes from the livepair.baseUrl setting
    if not env_key:
        env.pop("GEMINI_API_KEY")  # the key must come from VS Code's secret storage
    env["DISPLAY"] = display or ""  # empty, not absent: the runner's own DISPLAY is not the test's
    env["LIVEPAIR_STATE_DIR"] = str(workdir / "state")  # the daemon's sent log
    user_settings = {**livepair_settings(fake), **(settings or {})}
    if not python_setting:
        del user_settings["livepair.python"]
    server = CodeServer(tools, workdir / "vscode", env, user_settings)
    try:
        await server.start(workspace)
        async with async_playwright() as pw:
            if display is None:
                browser = await pw.chromium.launch(executable_path=str(tools.chromium), args=CHROMIUM_ARGS)
            else:  # a real window on the shared screen, as a user has it
                browser = await pw.chromium.launch(
                    executable_path=str(tools.chromium),
                    args=[*CHROMIUM_ARGS, "--window-position=0,0", "--window-size=1400,900", "--kiosk"],
                    headless=False,
                    env={**os.environ, "DISPLAY": display},
                )
            try:
                context = await browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
                context.set_default_timeout(30_000)
                page = await context.new_page()
                bench = Workbench(page, artifacts)
                await bench.open(f"{server.url}/?folder={workspace}")
                yield Editor(server, workspace, page, bench)
            finally:
                await browser.close()
    finally:
        await server.stop()
        server.keep_logs(artifacts)
