"""The senior dev's hands: tool dispatch overhead and sandbox start. `.venv/bin/python -m bench.bench_hands`.

1. Dispatch overhead: a `ToolCall` taken from the backend by the real `PairSession` -> its response handed to
   `send_tool_response`, with the tool's own work excluded: `run_command` on an always-allowed command whose
   process is replaced by an instant result (so what is measured is the daemon's path: the task, validation, the
   allow-list file, the environment scrub, redaction, the audit log line), and `get_diagnostics` (no process at
   all). Target p99 < 5 ms. Baseline in the same run: a bare task that answers at once (asyncio's own cost).
2. Sandbox start: `run_python` of `pass` in bubblewrap (namespaces, binds, prlimit, the interpreter's start),
   against the same interpreter started bare, in the same run.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

from bench.stats import percentile, report, summary
from livepair.advice.store import Advice, AdviceStore
from livepair.backends.backend import (
    BackendClosed,
    BackendEvent,
    Capabilities,
    ExplainRequest,
    Failure,
    Status,
    ToolCall,
)
from livepair.config import Settings
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import CommandApproval, StatusSnapshot
from livepair.session import run_command
from livepair.session.allowlist import AllowList
from livepair.session.editor_port import NullEditor
from livepair.session.process import ProcessResult
from livepair.session.sandbox import Sandbox
from livepair.session.session import PairSession

CALLS = 500
SANDBOX_RUNS = 40


class Backend:
    """Feeds tool calls to the session and stamps when each response is handed back."""

    name = "bench"
    capabilities = Capabilities(local=True)

    def __init__(self) -> None:
        self.events: asyncio.Queue[BackendEvent | None] = asyncio.Queue()
        self.answered: dict[str, float] = {}
        self.done = asyncio.Event()
        self.expected = 0
        self._answer = asyncio.Event()

    async def wait_answered(self, call_id: str) -> None:
        while call_id not in self.answered:
            self._answer.clear()
            await self._answer.wait()

    async def start(self) -> None:
        self.events.put_nowait(Status("connected", "bench"))

    async def next_event(self) -> BackendEvent:
        event = await self.events.get()
        if event is None:
            raise BackendClosed
        return event

    def send_tool_response(self, call_id: str, name: str, response: dict[str, Any]) -> None:
        assert "error" not in response, response
        self.answered[call_id] = time.perf_counter()
        self._answer.set()
        if len(self.answered) >= self.expected:
            self.done.set()

    async def close(self) -> None:
        self.events.put_nowait(None)

    # Nothing else reaches a model here.
    def send_context(self, text: str) -> None: ...
    def notice_failure(self, failure: Failure) -> None: ...
    def send_text(self, text: str) -> None: ...
    def explain(self, request: ExplainRequest) -> None: ...
    def send_audio(self, pcm16k: bytes) -> None: ...
    def send_activity_start(self) -> None: ...
    def send_activity_end(self) -> None: ...
    def send_audio_stream_end(self) -> None: ...
    def send_video(self, jpeg: bytes) -> None: ...


class Editor(NullEditor):
    def status(self, snapshot: StatusSnapshot) -> None: ...
    def transcript(self, role: Literal["user", "model"], text: str, final: bool) -> None: ...
    def advice_changed(self, uri: str, added: Advice | None) -> None: ...
    def unplaced(self, text: str) -> None: ...

    async def approve(self, request: CommandApproval) -> bool:
        raise AssertionError("always allowed: nobody is asked")


async def instant(*_args: Any, **_kwargs: Any) -> ProcessResult:
    return ProcessResult(0, "ok\n")


async def dispatch(root: Path, name: str, args: dict[str, Any]) -> list[float]:
    context = ContextStore(lambda _uri: None)
    context.root = root
    backend = Backend()
    session = PairSession(backend, context, AdviceStore(lambda _u, _n: None), Redactor(), Settings(), Editor())
    await session.start()
    backend.expected = CALLS
    sent: dict[str, float] = {}
    for i in range(CALLS):
        call_id = f"c{i}"
        sent[call_id] = time.perf_counter()
        backend.events.put_nowait(ToolCall(call_id, name, args))
        await backend.wait_answered(call_id)  # one call at a time: no queueing in the figures
    await asyncio.wait_for(backend.done.wait(), 60)
    await session.stop()
    return [(backend.answered[c] - sent[c]) * 1000 for c in sent]


async def bare_baseline() -> list[float]:
    """A task that answers at once: what any asyncio dispatch costs on this machine."""
    out = []
    for _ in range(CALLS):
        began = time.perf_counter()
        done = asyncio.Event()

        async def answer(done: asyncio.Event = done) -> None:
            await asyncio.sleep(0)
            done.set()

        task = asyncio.ensure_future(answer())
        await done.wait()
        await task
        out.append((time.perf_counter() - began) * 1000)
    return out


async def sandbox_start(root: Path) -> tuple[list[float], list[float]] | None:
    sandbox = Sandbox(root)
    why = await sandbox.unavailable()
    if why is not None:
        print(f"sandbox: not measured ({why})")
        return None
    boxed, bare = [], []
    for _ in range(SANDBOX_RUNS):
        result = await sandbox.run("pass")
        assert result.exit_code == 0, result
        boxed.append(result.duration_s * 1000)
        began = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(str(sandbox.python), "-B", "-c", "pass")
        await proc.wait()
        bare.append((time.perf_counter() - began) * 1000)
    return boxed, bare


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="livepair-bench-") as tmp:
        root = Path(tmp)
        os.environ["LIVEPAIR_STATE_DIR"] = str(root / "state")  # the audit log and allow-list of this run only
        AllowList().add(root, "true")
        run_command.run_bounded = instant  # type: ignore[assignment]  # the tool's own work, excluded
        baseline = await bare_baseline()
        command = await dispatch(root, "run_command", {"command": "true", "reason": "bench"})
        diagnostics = await dispatch(root, "get_diagnostics", {})
        base_p99 = percentile(baseline, 99)
        for label, samples in (("run_command (always allowed)", command), ("get_diagnostics", diagnostics)):
            p99 = percentile(samples, 99)
            print(f"dispatch {label}: {summary(samples)}; {p99 / base_p99:.1f}x a bare task's p99")
            report(f"tool dispatch overhead, {label}, p99", f"{p99:.2f} ms", "< 5 ms", p99 < 5)
        print(f"baseline, a bare asyncio task: {summary(baseline)}")
        measured = await sandbox_start(root)
        if measured is not None:
            boxed, bare = measured
            print(f"sandbox start (run_python 'pass'): {summary(boxed)}")
            print(f"bare interpreter start: {summary(bare)}")
            ratio = percentile(boxed, 50) / percentile(bare, 50)
            print(f"sandbox p50 {ratio:.1f}x the bare interpreter's; p99 {percentile(boxed, 99):.1f} ms")


def run() -> None:
    asyncio.run(main())


if __name__ == "__main__":
    sys.exit(run())
