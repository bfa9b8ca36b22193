"""`make run` on this machine: it prints the URL and the workspace it keeps, the page shows LivePair in VS Code with
its walkthrough on the first run, Ctrl-C leaves no process behind and keeps the user's work."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
from pathlib import Path

import psutil
from playwright.async_api import async_playwright

from tests.e2e.harness import CHROMIUM_ARGS
from tests.e2e.tools import ROOT, E2ETools
from tests.e2e.workbench import Workbench

URL = re.compile(r"LivePair is running: open (http://127\.0\.0\.1:\d+/\S*)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def started_by(root_pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.NoSuchProcess):
        return psutil.Process(root_pid).children(recursive=True)
    return []


async def test_make_run_serves_vscode_with_livepair(tools: E2ETools, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "DISPLAY")}
    env["LIVEPAIR_PORT"] = str(free_port())
    workspace = tmp_path / "my-workspace"
    env["LIVEPAIR_WORKSPACE"] = str(workspace)
    env["LIVEPAIR_RUN_PROFILE"] = str(tmp_path / "profile")  # a new editor profile: a first run
    proc = await asyncio.create_subprocess_exec(
        "make",
        "--no-print-directory",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    children: list[psutil.Process] = []
    output: list[str] = []
    try:
        assert proc.stdout is not None
        async with asyncio.timeout(240):
            while not (m := URL.search("".join(output))):
                line = await proc.stdout.readline()
                assert line, "make run exited early:\n" + "".join(output)
                output.append(line.decode(errors="replace"))
        url = m.group(1)
        assert str(workspace) in "".join(output) + (await proc.stdout.readline()).decode(), "names its workspace"
        assert (workspace / "f.py").exists(), "filled from examples/"
        (workspace / "mine.py").write_text("print('my work')\n")  # the user's new file
        assert "offline advisor" in (await proc.stdout.readline()).decode() + "".join(output)
        children = started_by(proc.pid)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(tools.chromium), args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1400, "height": 900})
                bench = Workbench(page, tmp_path / "artifacts")
                await bench.open(url)
                await bench.wait_status("Pair with senior dev")
                # The first run opens the walkthrough, whose first step is the key.
                await page.locator(".gettingStartedContainer", has_text="Add your Gemini API key").first.wait_for()
                (tmp_path / "artifacts").mkdir(exist_ok=True)
                await bench.screenshot("make-run")
            finally:
                await browser.close()
        children = started_by(proc.pid)  # now with the extension host and the daemon
        assert any("livepair" in " ".join(p.cmdline()) for p in children if p.is_running())
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        async with asyncio.timeout(60):
            await proc.wait()
    _gone, alive = await asyncio.to_thread(psutil.wait_procs, children, 10)
    assert alive == [], f"left running after Ctrl-C: {[p.cmdline() for p in alive]}"
    assert (workspace / "mine.py").read_text() == "print('my work')\n", "the user's work survives Ctrl-C"
