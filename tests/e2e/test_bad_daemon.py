"""A daemon that cannot start is never a silent failure: the user gets a notification with ways out."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import open_editor
from tests.e2e.tools import ROOT, E2ETools
from tests.fakes.live_server import FakeLiveServer

pytestmark = pytest.mark.timeout(240)
ARTIFACTS = ROOT / "test-artifacts" / "e2e-bad-daemon"

# A Python that answers the extension's probe but whose daemon dies at once, like a broken install.
# The daemon is started as `python -I -u -m livepair serve` (isolated flags first), pip and venv checks as others.
CRASHING_PYTHON = f"""#!/bin/sh
case " $* " in
  *" -m livepair "*) echo "livepair: simulated crash while starting" >&2; exit 3 ;;
esac
exec {sys.executable} "$@"
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer() as server:
        yield server


async def test_a_daemon_that_cannot_start_is_reported(tools: E2ETools, fake: FakeLiveServer, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        old.unlink()
    python = tmp_path / "crashing-python"
    python.write_text(CRASHING_PYTHON)
    python.chmod(0o755)
    async with open_editor(tools, fake, tmp_path, ARTIFACTS, settings={"livepair.python": str(python)}) as editor:
        page, bench = editor.page, editor.bench
        try:
            toast = page.locator(".notification-toast", has_text="The LivePair daemon did not start")
            await toast.wait_for(timeout=60_000)
            for action in ("Show Log", "Restart", "Reinstall Daemon"):
                await toast.get_by_role("button", name=action).wait_for()
            await bench.wait_status("LivePair: stopped")
            await bench.screenshot("reported")
            # Its stderr is in the log, where the notification points.
            await toast.get_by_role("button", name="Show Log").click()
            await page.locator(".output-view", has_text="simulated crash while starting").first.wait_for()
            await bench.screenshot("log")
        except BaseException:
            await bench.screenshot("failure")
            raise
