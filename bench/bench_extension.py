"""The VS Code extension in a real VS Code (code-server in Chromium) against the fake Live server.

Measures: activation time (the extension's activate(), and activation to the daemon answering initialize), the time
from pressing "Pair with senior dev" to the status bar showing "listening" (in the browser, and inside the extension),
against a baseline taken in the same run: the bare daemon over stdio going from `livepair.start` to "listening".
Also the .vsix size without the bundled daemon wheel. Run with `make bench` (or `python -m bench.bench_extension`).
"""

from __future__ import annotations

import asyncio
import io
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from bench.stats import percentile, report, summary
from livepair import scenario
from livepair.lsp.protocol import CLIENT_INFO
from tests.e2e.harness import livepair_settings, open_editor
from tests.e2e.tools import ROOT, find_tools
from tests.fakes.live_server import FakeLiveServer

CYCLES = 5
RELOADS = 2
API_KEY = "bench-key-0123456789abcdef"
ARTIFACTS = ROOT / "test-artifacts" / "bench-extension"


def vsix_sizes(vsix: Path) -> tuple[int, int, int]:
    """(whole .vsix, .vsix rebuilt without wheels/, the bundled extension.js) in bytes."""
    buffer = io.BytesIO()
    bundle = 0
    with zipfile.ZipFile(vsix) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename.startswith("extension/wheels/"):
                continue
            if info.filename == "extension/dist/extension.js":
                bundle = info.file_size
            target.writestr(info, source.read(info), compress_type=info.compress_type)
    return vsix.stat().st_size, len(buffer.getvalue()), bundle


def log_ms(logs: list[Path], pattern: str) -> list[float]:
    text = "\n".join(p.read_text() for p in logs)
    return [float(m) for m in re.findall(pattern, text)]


async def editor_cycles(fake: FakeLiveServer) -> dict[str, list[float]]:
    tools = find_tools()
    clicks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="livepair-bench-") as tmp:
        async with open_editor(tools, fake, Path(tmp), ARTIFACTS) as editor:
            bench = editor.bench
            await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
            for _ in range(CYCLES):
                button = bench.status_item("Pair with senior dev")
                await button.wait_for()
                start = time.perf_counter()
                await button.click()
                await bench.wait_status(re.compile("listening|watching"), timeout_ms=30_000)
                clicks.append((time.perf_counter() - start) * 1000)
                await bench.status_item(re.compile("listening|watching")).click()  # stop
            for _ in range(RELOADS):  # a page load starts a new extension host: another activation
                await editor.page.reload()
                await bench.wait_status("Pair with senior dev", timeout_ms=60_000)
        logs = sorted(ARTIFACTS.glob("*LivePair*.log"))
        return {
            "activate": log_ms(logs, r"activated in ([\d.]+) ms"),
            "ready": log_ms(logs, r"daemon ready in ([\d.]+) ms"),
            "inside": log_ms(logs, r"pairing: listening ([\d.]+) ms after start"),
            "click": clicks,
        }


async def bare_daemon_cycles(fake: FakeLiveServer) -> list[float]:
    """The baseline: a plain LSP client starts a session and waits for "listening", with no editor around it."""
    env = fake.subprocess_env()
    env.pop("GOOGLE_GEMINI_BASE_URL")
    settings = {k.removeprefix("livepair."): v for k, v in livepair_settings(fake).items() if k != "livepair.python"}
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="livepair-bench-") as tmp:
        root = Path(tmp)
        scenario.write_workspace(root)
        client = LanguageClient("bench-extension", "0")
        states: list[str] = []
        changed = asyncio.Event()

        def on_status(params: Any) -> None:
            states.append(params.state)
            changed.set()

        client.feature("livepair/status")(on_status)
        for method in ("livepair/transcript", "livepair/advice"):
            client.feature(method)(lambda _p: None)
        await client.start_io(sys.executable, "-m", "livepair", "serve", env=env)
        await client.initialize_async(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(),
                root_uri=root.as_uri(),
                initialization_options={**settings, CLIENT_INFO: {"name": "vscode"}},  # as the extension
            )
        )
        client.initialized(lsp.InitializedParams())
        for _ in range(CYCLES):
            states.clear()
            start = time.perf_counter()
            await client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="livepair.start", arguments=[{"apiKey": API_KEY}])
            )
            async with asyncio.timeout(30):
                while "listening" not in states:
                    changed.clear()
                    await changed.wait()
            times.append((time.perf_counter() - start) * 1000)
            await client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="livepair.stop"))
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return times


async def measure() -> None:
    async with FakeLiveServer(api_key=API_KEY) as fake:
        baseline = await bare_daemon_cycles(fake)
        got = await editor_cycles(fake)
    print(
        f"baseline: bare daemon over stdio, livepair.start -> listening: first {baseline[0]:.0f} ms, "
        f"then {summary(baseline[1:])}"
    )
    report("extension activate()", summary(got["activate"]), "< 100 ms", percentile(got["activate"], 50) < 100)
    report(
        "activation -> daemon ready (initialize answered)",
        summary(got["ready"]),
        "< 2000 ms",
        percentile(got["ready"], 50) < 2000,
    )
    clicks, warm_base = got["click"], percentile(baseline[1:], 50)
    report(
        "button press -> status bar 'listening' (browser), first session",
        f"{clicks[0]:.0f} ms ({clicks[0] / baseline[0]:.2f}x the bare daemon's first)",
        "< 2000 ms",
        clicks[0] < 2000,
    )
    warm = percentile(clicks[1:], 50)
    report(
        "button press -> status bar 'listening' (browser), later sessions",
        f"{summary(clicks[1:])}; {warm / warm_base:.1f}x the bare daemon ({warm - warm_base:.0f} ms of UI round trips)",
        "< 500 ms",
        warm < 500,
    )
    if got["inside"]:
        print(f"       inside the extension (start command -> 'listening' status): {summary(got['inside'])}")


def run() -> None:
    vsix = find_tools().vsix
    total, without_wheel, bundle = vsix_sizes(vsix)
    report(
        ".vsix without the daemon wheel",
        f"{without_wheel / 1024:.1f} KiB (with the wheel {total / 1024:.1f} KiB; extension.js {bundle / 1024:.1f} KiB)",
        "< 512 KiB",
        without_wheel < 512 * 1024,
    )
    asyncio.run(measure())


if __name__ == "__main__":
    run()
