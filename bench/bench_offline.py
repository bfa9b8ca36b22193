"""Offline advisor: terminal error -> hint in the editor, over every catalogue case with a location, through the
real daemon over stdio; baseline: the same cases through the fake Live model path in the same run."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from lsprotocol import types as lsp

from bench.bench_lsp import start_daemon, stop_daemon
from bench.stats import percentile, report, summary
from livepair.backends.offline.catalogue import Catalogue
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession

ROUNDS = 8
LINE = 3


def cases(root: Path) -> list[str]:
    """Terminal output for each Python catalogue entry, failing on line 3 of a workspace file."""
    frame = f'Traceback (most recent call last):\n  File "{root / "prog.py"}", line {LINE}, in <module>\n    x()\n'
    return [frame + e.example + "\n" for e in Catalogue().families["python"]]


async def measure(root: Path, settings: dict[str, object], env: dict[str, str]) -> list[float]:
    client, _ = await start_daemon(root, env, settings)
    hinted = asyncio.Event()
    uri = (root / "prog.py").as_uri()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diags(params: lsp.PublishDiagnosticsParams) -> None:
        if params.uri == uri and any(d.range.start.line == LINE - 1 for d in params.diagnostics):
            hinted.set()

    await client.workspace_execute_command_async(lsp.ExecuteCommandParams("livepair.start", [{}]))
    samples: list[float] = []
    counter = itertools.count()
    for output in cases(root) * ROUNDS:
        hinted.clear()
        start = time.perf_counter()
        client.protocol.notify(
            "livepair/terminal",
            {"command": f"python prog.py  # run {next(counter)}", "output": output, "exitCode": 1, "cwd": str(root)},
        )
        await asyncio.wait_for(hinted.wait(), 30)
        samples.append((time.perf_counter() - start) * 1000)
    await stop_daemon(client)
    return samples


async def fake_model(session: FakeSession) -> None:
    """Each failed run is a request: the model annotates, and, as the service does, its turn ends only after the
    tool's response came back (a blocking call holds the turn), so the next failure may be sent."""
    for n in itertools.count():
        run = re.compile(rf"# run {n}\b")  # the command as the failure report quotes it
        await session.next_message("clientContent", lambda m, run=run: bool(run.search("".join(m.texts()))), timeout=60)
        ids = await session.send_tool_call(
            [{"name": "annotate", "args": {"path": "prog.py", "line": LINE, "message": f"Advice {n}."}}]
        )
        await session.wait_tool_response(ids, timeout=60)
        await session.send_turn_complete()


async def both(root: Path) -> tuple[list[float], list[float]]:
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    offline = await measure(root, {"backend": "offline"}, env)
    async with FakeLiveServer(api_key="bench-key", model=fake_model) as fake:
        remote = await measure(root, {"baseUrl": fake.url, "digestDebounceMs": 0}, fake.subprocess_env())
    return offline, remote


def corpus_numbers() -> None:
    """The corpus of real failing programs (tests/programs/corpus): right / silent / harmful, and the fixes."""
    from collections import Counter

    from tests.programs import corpus

    outcomes = corpus.run_all()
    counts = Counter(o.verdict for o in outcomes)
    offered = [o for o in outcomes if o.finding is not None and o.finding.fix is not None]
    working = [o for o in offered if o.fix_works]
    refused = [o for o in outcomes if o.finding is not None and "(No quick fix:" in o.finding.message]
    advice_ms = [o.seconds * 1000 for o in outcomes]
    print(
        f"offline corpus ({len(outcomes)} real programs and commands): right {counts['right']}, "
        f"wrong {counts['wrong']}, silent {counts['silent']}, harmful {counts['harmful']}"
    )
    print(
        f"  fixes: offered {len(offered)} (each passed the checker), refused by the checker {len(refused)}, "
        f"get the program past its error {len(working)}/{len(offered)}"
    )
    print(f"  output -> finding, in process: {summary(advice_ms)}")
    report(
        "offline corpus right",
        f"{counts['right'] / len(outcomes):.1%}",
        ">= 90%",
        counts["right"] >= 0.9 * len(outcomes),
    )
    report("offline corpus harmful", str(counts["harmful"]), "0", counts["harmful"] == 0)


def run() -> None:
    corpus_numbers()
    with TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "prog.py").write_text("import json\n\nx()\nprint('done')\n")
        offline, remote = asyncio.run(both(root))
    p99 = percentile(offline, 99)
    print(f"offline advisor, terminal error -> hint ({len(offline)} cases): {summary(offline)}")
    print(
        f"  baseline (fake Live model path, no debounce): {summary(remote)}; "
        f"ratio p50 {percentile(offline, 50) / percentile(remote, 50):.2f}x"
    )
    report("offline hint latency p99", f"{p99:.1f} ms", "< 50 ms", p99 < 50)


if __name__ == "__main__":
    run()
