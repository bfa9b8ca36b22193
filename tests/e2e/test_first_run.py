"""First run on a machine without the daemon: the extension offers to install it into a private environment from
the wheel inside the .vsix (dependencies from the package index), then runs it from there."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer

pytestmark = pytest.mark.timeout(420)
ARTIFACTS = ROOT / "test-artifacts" / "e2e-first-run"
API_KEY = "first-run-key-0123456789"


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(api_key=API_KEY) as server:
        yield server
        server.raise_errors()


def python_without_daemon_path() -> str:
    """PATH without this repository's venv (an activated venv would have the daemon already)."""
    venv = str(ROOT / ".venv")
    return os.pathsep.join(p for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep) if venv not in p)


async def test_first_run_installs_the_daemon(
    tools: E2ETools, fake: FakeLiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink()
    monkeypatch.setenv("PATH", python_without_daemon_path())
    async with open_editor(tools, fake, tmp_path, ARTIFACTS, python_setting=False) as editor:
        page, bench = editor.page, editor.bench
        try:
            await bench.wait_status("LivePair: set up", timeout_ms=60_000)
            toast = page.locator(".notification-toast", has_text="Install the daemon in a private environment?")
            await toast.wait_for()
            await bench.screenshot("offer")
            await toast.get_by_role("button", name="Install").click()
            await expect(page.locator(".notifications-toasts")).to_contain_text("LivePair", timeout=30_000)
            await bench.screenshot("installing")
            await bench.wait_status("Pair with senior dev", timeout_ms=300_000)
            await bench.screenshot("installed")

            venv_python = next(
                editor.server.user_data.glob("User/globalStorage/livepair.livepair/daemon-venv/bin/python")
            )
            assert venv_python.exists()
            log = "\n".join(p.read_text() for p in editor.server.extension_logs())
            assert re.search(r"setup: livepair [\d.]+ installed in", log), log
            assert f"starting the daemon: {venv_python}" in log, log

            await bench.status_item("Pair with senior dev").click()
            await bench.wait_status(re.compile("listening|watching"))
        except BaseException:
            await bench.screenshot("failure")
            raise
