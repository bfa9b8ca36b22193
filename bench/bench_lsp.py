"""The daemon over real stdio: start-up time and memory, and hover latency with a cached explanation."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from bench.stats import percentile, report, summary
from livepair import scenario
from livepair.lsp.protocol import CLIENT_INFO
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL, starts_turn
from tests.fakes.session import FakeSession

HOVERS = 1_000
STARTS = 7


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def start_daemon(root: Path, env: dict[str, str], settings: dict[str, Any]) -> tuple[LanguageClient, float]:
    client = LanguageClient("bench", "0")
    for method in ("livepair/status", "livepair/transcript", "livepair/advice"):
        client.feature(method)(lambda _params: None)
    start = time.perf_counter()
    await client.start_io(sys.executable, "-I", "-u", "-m", "livepair", "serve", env=env)  # as the extension does
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=root.as_uri(),
            initialization_options={**settings, CLIENT_INFO: {"name": "vscode"}},  # as the extension
        )
    )
    elapsed = (time.perf_counter() - start) * 1000
    client.initialized(lsp.InitializedParams())
    return client, elapsed


async def stop_daemon(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def cpu_ms(pid: int) -> float:
    """User + system CPU the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") * 1000


async def startup(root: Path) -> None:
    times, rss, cpu = [], [], []
    with TemporaryDirectory() as cache:
        env = dict(os.environ, LIVEPAIR_CACHE_DIR=cache)  # an empty start-up code cache (lsp/codegen_cache.py)
        client, cold = await start_daemon(root, env, {})
        await stop_daemon(client)
        for _ in range(STARTS):
            client, ms = await start_daemon(root, env, {})
            times.append(ms)
            assert client._server is not None
            rss.append(rss_mb(client._server.pid))
            cpu.append(cpu_ms(client._server.pid))
            await stop_daemon(client)
    base = []
    for _ in range(STARTS):
        start = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        await proc.wait()
        base.append((time.perf_counter() - start) * 1000)
    p50, b50 = percentile(times, 50), percentile(base, 50)
    print(f"daemon start -> initialize answered: {summary(times)}")
    print(f"  the first start (it compiles lsprotocol's generated methods and caches them): {cold:.0f} ms")
    print(f"  baseline (bare `python -c pass`): {summary(base)}; ratio p50 {p50 / b50:.1f}x")
    print(f"  CPU the daemon used until then (waiting for a busy CPU is not in it): {summary(cpu)}")
    await import_shares(root)
    report("start to initialize (p50)", f"{p50:.0f} ms", "< 300 ms", p50 < 300)
    report("RSS after start (max)", f"{max(rss):.0f} MB", "< 60 MB", max(rss) < 60)


# What start-up still imports, by cumulative import time (`-X importtime`): the floor and what is left to cut.
SHARES = {
    "livepair.app": "everything `livepair serve` imports before it can answer",
    "lsprotocol.types": "all of lsprotocol (pygls imports it whole; ~570 attrs classes)",
    "detect_secrets": "the secret rules (context/redact.py), until they load on first use",
}


async def import_shares(root: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-X",
        "importtime",
        "-c",
        "import livepair.app",
        cwd=root,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    cumulative: dict[str, float] = {}
    for line in err.decode().splitlines():
        fields = line.split("|")
        if len(fields) == 3 and fields[1].strip().isdigit():
            cumulative.setdefault(fields[2].strip(), int(fields[1]) / 1000)
    for name, what in SHARES.items():
        ms = cumulative.get(name)
        print(f"  import {name}: {'not imported' if ms is None else f'{ms:.0f} ms'} ({what})")


async def hover(root: Path) -> None:
    line = scenario.API_KEY_LINE

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)  # the user's question
        ids = await session.send_tool_call(
            [{"name": "annotate", "args": {"path": "f.py", "line": line, "message": "Placeholder key."}}]
        )
        await session.wait_tool_response(ids, timeout=60)  # a blocking call holds the turn until answered ...
        await session.send_turn_complete()  # ... then the model ends it, as the service does
        await session.wait_closed(timeout=600)

    async with FakeLiveServer(api_key="bench-key", model=model) as fake:
        env = fake.subprocess_env()
        client, _ = await start_daemon(root, env, {"baseUrl": fake.url, "model": MODEL, "digestDebounceMs": 0})
        annotated = asyncio.Event()

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diags(params: lsp.PublishDiagnosticsParams) -> None:
            if params.diagnostics:
                annotated.set()

        uri = (root / "f.py").as_uri()
        client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=(root / "f.py").read_text())
            )
        )
        client.protocol.notify("livepair/diagnostics", {"uri": uri, "diagnostics": scenario.diagnostics()})
        await client.workspace_execute_command_async(lsp.ExecuteCommandParams("livepair.start", [{}]))
        await client.workspace_execute_command_async(lsp.ExecuteCommandParams("livepair.ask", ["What's wrong?"]))
        await asyncio.wait_for(annotated.wait(), 30)

        async def sample(at_line: int) -> list[float]:
            out = []
            for _ in range(HOVERS):
                start = time.perf_counter()
                result = await client.text_document_hover_async(
                    lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), lsp.Position(at_line, 2))
                )
                out.append((time.perf_counter() - start) * 1000)
                assert (result is not None) == (at_line == line - 1)
            return out

        cached = await sample(line - 1)
        empty = await sample(0)  # baseline: the same round trip on a line with nothing to explain
        await stop_daemon(client)
    p99 = percentile(cached, 99)
    print(f"hover with cached explanation: {summary(cached)}")
    print(
        f"  baseline (hover on an empty line, same daemon): {summary(empty)}; "
        f"ratio p50 {percentile(cached, 50) / percentile(empty, 50):.2f}x"
    )
    report("cached hover p99", f"{p99:.2f} ms", "< 20 ms", p99 < 20)


def run() -> None:
    with TemporaryDirectory() as tmp:
        root = Path(tmp)
        scenario.write_workspace(root)
        asyncio.run(startup(root))
        asyncio.run(hover(root))


if __name__ == "__main__":
    run()
