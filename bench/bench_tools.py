"""The model's workspace tools: what the privacy gate and the data fence add to a call, and a bounded search.

`.venv/bin/python -m bench.bench_tools`. Informational; ratios are against a baseline measured in the same run:
- read_file through `Tools.call` (resolve, gate, read, number, redact, fence) vs the bare read + redact;
- the gate's verdict on one path (globs + .livepairignore, no git) — paid on every tool path and digest excerpt;
- search_workspace over a copy of this repository's sources vs a plain `grep -rn` of the same tree.
Targets: the gate < 0.1 ms a path; read_file's dispatch overhead over the bare read p99 < 5 ms (the issue's target
for tool dispatch); a search well within its 2 s bound.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.stats import percentile, report, summary
from livepair.advice.store import AdviceStore
from livepair.context.gate import WorkspaceGate
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.session.tools.toolbox import Tools

ROOT = Path(__file__).resolve().parents[1]
N = 300


async def _never(_request: object) -> bool:
    return False


def _workspace(tmp: Path) -> Path:
    ws = tmp / "ws"
    shutil.copytree(ROOT / "server", ws / "server", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", ws / "tests", ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    (ws / ".livepairignore").write_text("tests/programs/\n*.toml\n")
    (ws / ".env").write_text("KEY=x\n")
    return ws


async def _measure(ws: Path) -> None:
    store = ContextStore(lambda uri: None)
    store.root = ws
    redactor = Redactor()
    tools = Tools(store, AdviceStore(lambda u, n: None), redactor, lambda a: None, _never)
    target = "server/livepair/session/session.py"
    uri = (ws / target).as_uri()

    bare, full = [], []
    for _ in range(N):
        t0 = time.perf_counter()
        text = store.text(uri) or ""
        redactor.redact("\n".join(f"{n:>5}| {line}" for n, line in enumerate(text.splitlines()[:400], 1)))
        t1 = time.perf_counter()
        await tools.call("read_file", {"path": target})
        t2 = time.perf_counter()
        bare.append((t1 - t0) * 1000)
        full.append((t2 - t1) * 1000)
    added = [f - b for f, b in zip(full, bare, strict=True)]  # paired: the same file, the same moment
    print(f"read_file bare read+redact: {summary(bare)}")
    print(f"read_file via Tools.call:   {summary(full)}  (x{percentile(full, 50) / percentile(bare, 50):.2f})")
    p50, p99 = percentile(added, 50), percentile(added, 99)
    report("read_file dispatch overhead", f"p50 {p50:.3f} ms, p99 {p99:.3f} ms", "p99 < 5 ms", p99 < 5)

    gate = WorkspaceGate(store)
    paths = [p for p in (ws / "server").rglob("*.py")][:200]
    t0 = time.perf_counter()
    for _ in range(5):
        for p in paths:
            gate.refusal(p, git=False)
    per = (time.perf_counter() - t0) * 1000 / (5 * len(paths))
    report("gate verdict per path", f"{per:.4f} ms", "< 0.1 ms", per < 0.1)

    searches: list[float] = []
    found: dict[str, object] = {}
    for _ in range(5):
        t0 = time.perf_counter()
        found = await tools.call("search_workspace", {"query": "def start"})
        searches.append((time.perf_counter() - t0) * 1000)
    grep = []
    for _ in range(5):
        t0 = time.perf_counter()
        await asyncio.to_thread(subprocess.run, ["grep", "-rn", "def start", str(ws)], capture_output=True)
        grep.append((time.perf_counter() - t0) * 1000)
    s50, g50 = percentile(searches, 50), percentile(grep, 50)
    print(f"search_workspace: {summary(searches)}, {found.get('count')} matches; grep -rn: {summary(grep)}")
    report("search_workspace (p50)", f"{s50:.1f} ms (x{s50 / g50:.1f} grep)", "< 2000 ms", s50 < 2000)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(_measure(_workspace(Path(tmp))))


if __name__ == "__main__":
    run()
